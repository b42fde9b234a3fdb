//! Writes the corpus of `cargo bench --bench peers` (generated in
//! `benches/support/corpus.rs`: 4,000 short posts, then 8 documents of 64 KiB) as JSON
//! lines (`{"id": N, "text": "..."}`), so that the command line can be profiled on it:
//!
//! ```text
//! cargo run --release --example peers_corpus > peers.jsonl
//! valgrind --tool=callgrind --toggle-collect='tosguard::policy::Policy::classify' \
//!     target/release/tosguard classify < peers.jsonl > /dev/null
//! ```
#![allow(missing_docs)]

#[path = "../benches/support/corpus.rs"]
mod corpus;

fn main() {
    for (i, d) in corpus::corpus(4000, 8, 64 << 10).iter().enumerate() {
        println!("{}", serde_json::json!({"id": i, "text": d}));
    }
}
