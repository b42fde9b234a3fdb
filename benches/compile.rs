//! Compile time of the built-in policy and of large made-up policies (10,000 terms;
//! a 10,000-letter fuzzy term, refused by the term-length limit), with the peak
//! memory of the process after each group (Linux: `VmHWM` of `/proc/self/status`);
//! and the time to load the built-in policy from its stored form
//! (`Policy::from_bytes`, `Policy::from_reader`, and the embedded compressed form that
//! `Policy::baseline()` decodes) against compiling it, with the size of the stored
//! bytes and the resident memory of a compiled and of a loaded policy (each measured in
//! a fresh process: this benchmark run again as a child).
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group};
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

/// The resident set of this process in bytes (`/proc/self/statm`), if known.
fn resident() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// The environment variable that makes this benchmark a child measuring one way of
/// getting the built-in policy: `compile`, `load` (from the file it names after a
/// colon), or `builtin` (the embedded stored form, as `Policy::baseline()`).
const HOLD_CHILD: &str = "TOSGUARD_BENCH_HOLD";

/// In a child: gets the policy as `how` says and prints the resident growth and peak.
fn hold_child(how: &str) {
    let before = resident().unwrap_or(0);
    let policy = match how.split_once(':') {
        Some(("load", path)) => match std::fs::File::open(path) {
            Ok(file) => Policy::from_reader(file),
            Err(e) => {
                eprintln!("cannot read {path}: {e}");
                return;
            }
        },
        None if how == "builtin" => tosguard::__bench::load_baseline(),
        _ => Policy::builtin("baseline"),
    };
    let after = resident().unwrap_or(0);
    match policy {
        Ok(p) => println!(
            "{}: holding the built-in policy ({} rules), the resident set grew by {:.1} MiB; peak memory of the process {}",
            how.split(':').next().unwrap_or(how),
            p.rules().count(),
            after.saturating_sub(before) as f64 / (1 << 20) as f64,
            peak_memory()
        ),
        Err(e) => eprintln!("{e}"),
    }
}

/// Loading the built-in policy from its stored form against compiling it.
fn load(c: &mut Criterion) {
    let bytes = match Policy::builtin("baseline") {
        Ok(p) => p.to_bytes(),
        Err(e) => {
            eprintln!("the baseline policy does not compile: {e}");
            return;
        }
    };
    println!(
        "stored built-in policy: {} bytes ({:.1} MiB); embedded compressed: {} bytes ({:.1} MiB)",
        bytes.len(),
        bytes.len() as f64 / (1 << 20) as f64,
        tosguard::__bench::baseline_stored_len(),
        tosguard::__bench::baseline_stored_len() as f64 / (1 << 20) as f64
    );
    let path = std::env::temp_dir().join(format!("tosguard-bench-{}.bin", std::process::id()));
    if std::fs::write(&path, &bytes).is_ok() {
        if let Ok(exe) = std::env::current_exe() {
            for how in [
                "compile".to_string(),
                format!("load:{}", path.display()),
                "builtin".to_string(),
            ] {
                let _ = std::process::Command::new(&exe)
                    .arg("--bench")
                    .env(HOLD_CHILD, how)
                    .status();
            }
        }
        let _ = std::fs::remove_file(&path);
    }
    let mut g = c.benchmark_group("load");
    g.sample_size(10);
    g.bench_function("builtin_baseline_compile", |b| {
        b.iter(|| black_box(Policy::builtin("baseline").map(|p| p.id().len())))
    });
    g.bench_function("builtin_baseline_from_bytes", |b| {
        b.iter(|| black_box(Policy::from_bytes(black_box(&bytes)).map(|p| p.id().len())))
    });
    g.bench_function("builtin_baseline_from_reader", |b| {
        b.iter(|| black_box(Policy::from_reader(black_box(&bytes[..])).map(|p| p.id().len())))
    });
    // What `Policy::baseline()` does on first use: the embedded LZ4 frame decoded as a
    // stream by `from_reader`.
    g.bench_function("builtin_baseline_embedded", |b| {
        b.iter(|| black_box(tosguard::__bench::load_baseline().map(|p| p.id().len())))
    });
    g.finish();
    println!("peak memory after the built-in policy: {}", peak_memory());
}

fn compile(c: &mut Criterion) {
    let mut g = c.benchmark_group("compile");
    g.sample_size(10);
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

criterion_group!(benches, load, compile);

fn main() {
    if let Ok(how) = std::env::var(HOLD_CHILD) {
        hold_child(&how);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
