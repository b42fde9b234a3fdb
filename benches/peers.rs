//! tosguard beside its peers on one generated corpus (short posts and long
//! documents, English and French, plain and disguised; see `support/corpus.rs`):
//! rustrict's `is_inappropriate` (a profanity filter) and a bare Aho-Corasick scan of
//! the same folded text with the policy's own terms (the ceiling for a one-pass
//! engine). Prints the median throughput of each and the ratios, then runs the same
//! three under criterion.
#![allow(missing_docs)]

#[path = "support/corpus.rs"]
mod corpus;

use std::hint::black_box;
use std::time::Instant;

use aho_corasick::{AhoCorasick, MatchKind};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rustrict::CensorStr;
use tosguard::Policy;

/// Median of `runs` timings of `f`, in seconds.
fn median_secs(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64()
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t.get(t.len() / 2).copied().unwrap_or(f64::NAN)
}

fn peers(c: &mut Criterion) {
    let docs = corpus::corpus(4000, 8, 64 << 10);
    let bytes: usize = docs.iter().map(String::len).sum();
    let policy = Policy::baseline();
    let folded: Vec<String> = docs
        .iter()
        .map(|d| tosguard::__bench::fold(&policy, d))
        .collect();
    let Ok(ac) = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(tosguard::__bench::terms(&policy))
    else {
        eprintln!("the policy's terms do not build an automaton");
        return;
    };

    let run_tosguard = || {
        for d in &docs {
            black_box(policy.classify(black_box(d)));
        }
    };
    let run_rustrict = || {
        for d in &docs {
            black_box(black_box(d.as_str()).is_inappropriate());
        }
    };
    let run_bare = || {
        let mut n = 0;
        for d in &folded {
            n += ac.find_overlapping_iter(black_box(d.as_str())).count();
        }
        black_box(n);
    };
    let mb = bytes as f64 / 1e6;
    let t = median_secs(7, run_tosguard);
    let r = median_secs(3, run_rustrict);
    let a = median_secs(7, run_bare);
    eprintln!(
        "peers corpus: {} documents, {:.2} MB\n  tosguard classify       {:8.2} MB/s\n  rustrict is_inappropriate {:6.2} MB/s  (tosguard is {:.1}x)\n  bare Aho-Corasick (terms) {:6.2} MB/s  (tosguard reaches {:.2} of it)",
        docs.len(),
        mb,
        mb / t,
        mb / r,
        r / t,
        mb / a,
        a / t,
    );

    let mut g = c.benchmark_group("peers");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.bench_function("tosguard_classify", |b| b.iter(run_tosguard));
    g.bench_function("rustrict_is_inappropriate", |b| b.iter(run_rustrict));
    g.bench_function("bare_aho_corasick_terms", |b| b.iter(run_bare));
    g.finish();
}

criterion_group!(benches, peers);
criterion_main!(benches);
