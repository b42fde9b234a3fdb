//! Compile time of the built-in policy and of large made-up policies (10,000 terms;
//! a 10,000-letter fuzzy term, refused by the term-length limit), with the peak
//! memory of the process after each group (Linux: `VmHWM` of `/proc/self/status`).
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use tosguard::{Loader, Policy};

/// `n` distinct made-up terms in one lexicon.
fn many_terms(n: usize) -> String {
    let mut src = String::from("[policy]\nid = \"big\"\n[lexicons.big]\nterms = [\n");
    for i in 0..n {
        src.push_str(&format!("\"term{i}x{}\",\n", (i * 7919) % 100_000));
    }
    src.push_str("]\n");
    src
}

/// The peak resident memory of this process so far, where the platform says.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn compile(c: &mut Criterion) {
    let mut g = c.benchmark_group("compile");
    g.sample_size(10);
    g.bench_function("builtin_baseline", |b| {
        b.iter(|| black_box(Policy::builtin("baseline").map(|p| p.id().len())))
    });
    println!("peak memory after the built-in policy: {}", peak_memory());
    let src = many_terms(10_000);
    g.bench_function("terms_10000", |b| {
        b.iter(|| black_box(Loader::new().from_toml_str(&src).map(|p| p.id().len())))
    });
    println!("peak memory after 10,000 terms: {}", peak_memory());
    let word: String = (0..10_000)
        .map(|i| (b'a' + (i % 26) as u8) as char)
        .collect();
    let fuzzy = format!("[policy]\nid = \"f\"\n[lexicons.f]\nfuzzy = 1\nterms = [\"{word}\"]\n");
    g.bench_function("fuzzy_term_10000_letters", |b| {
        b.iter(|| black_box(Policy::from_toml_str(&fuzzy).is_err()))
    });
    g.finish();
}

criterion_group!(benches, compile);
criterion_main!(benches);
