//! The Rust figure beside which the Python benchmark (`python/bench/throughput.py`)
//! puts its own: `Policy::classify` over every line of a file, on one thread.
//!
//! Run: `cargo run --release -p tosguard-python --example rust_throughput -- POSTS.txt [ROUNDS]`
//!
//! Prints one JSON object: the number of posts, the best round's wall-clock and CPU
//! seconds (the thread's own CPU time, from `/proc/thread-self/schedstat`, so that
//! other processes on a shared machine do not count), and posts per second of each.

use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: rust_throughput POSTS.txt [ROUNDS]");
        return ExitCode::from(2);
    };
    let rounds: usize = match args.next().map(|r| r.parse()) {
        None => 3,
        Some(Ok(r)) if r > 0 => r,
        Some(_) => {
            eprintln!("rust_throughput: ROUNDS must be a positive number");
            return ExitCode::from(2);
        }
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("rust_throughput: cannot read {path}: {e}");
            return ExitCode::from(1);
        }
    };
    let posts: Vec<&str> = text.lines().collect();
    let policy = match tosguard::Policy::try_baseline() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("rust_throughput: {e}");
            return ExitCode::from(1);
        }
    };
    let bytes: usize = posts.iter().map(|p| p.len()).sum();
    let (mut wall, mut cpu) = (f64::INFINITY, f64::INFINITY);
    let mut flagged = 0;
    for _ in 0..rounds {
        let (start, cpu_start) = (Instant::now(), thread_cpu_seconds());
        flagged = classify_all(&policy, &posts);
        wall = wall.min(start.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu_start, thread_cpu_seconds()) {
            cpu = cpu.min(b - a);
        }
    }
    if !cpu.is_finite() {
        cpu = wall;
    }
    let n = posts.len() as f64;
    println!(
        "{{\"posts\":{},\"flagged\":{flagged},\"bytes\":{bytes},\"wall_seconds\":{wall:.6},\"cpu_seconds\":{cpu:.6},\"posts_per_s\":{:.1},\"posts_per_cpu_s\":{:.1}}}",
        posts.len(),
        n / wall,
        n / cpu
    );
    ExitCode::SUCCESS
}

/// Classifies every post; returns how many were flagged. Not inlined, so that an
/// instruction counter (`valgrind --tool=callgrind --toggle-collect='*classify_all*'`)
/// can count this loop alone.
#[inline(never)]
fn classify_all(policy: &tosguard::Policy, posts: &[&str]) -> usize {
    posts
        .iter()
        .filter(|p| !policy.classify(p).is_clean())
        .count()
}

/// The CPU time this thread has run, in seconds, where Linux tells it.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}
