//! What a compiled policy costs: the time to compile the built-in baseline policy and
//! the memory a compiled policy holds (resident-set growth, Linux only, measured once
//! and printed; criterion times the compile).
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use tosguard::Policy;

/// Resident set size of this process in bytes (`/proc/self/statm`), if known.
fn resident() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn compile(c: &mut Criterion) {
    let before = resident();
    match Policy::builtin("baseline") {
        Ok(p) => {
            let after = resident();
            match (before, after) {
                (Some(b), Some(a)) => eprintln!(
                    "baseline policy: resident set grew by {:.1} MiB while compiling and holding it; {p:?}",
                    a.saturating_sub(b) as f64 / (1 << 20) as f64
                ),
                _ => eprintln!("baseline policy: resident set unknown on this system; {p:?}"),
            }
            black_box(p);
        }
        Err(e) => {
            eprintln!("the baseline policy does not compile: {e}");
            return;
        }
    }
    let mut g = c.benchmark_group("compile");
    g.sample_size(10);
    g.bench_function("builtin_baseline", |b| {
        b.iter(|| black_box(Policy::builtin(black_box("baseline"))))
    });
    g.finish();
}

criterion_group!(benches, compile);
criterion_main!(benches);
