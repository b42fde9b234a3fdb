//! The `tosguard` command line on one line of input: the time from start to answer
//! (compiling the built-in policy, classifying, writing), and the peak resident memory
//! of the process (Linux: `VmHWM` of `/proc/PID/status`, read after the answer, before
//! the input is closed), printed beside criterion's figures.
#![allow(missing_docs)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

/// Runs `tosguard classify ARGS` on one line; returns the peak memory in kB, if known.
fn one_line(args: &[&str]) -> Option<u64> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tosguard"))
        .arg("classify")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the tosguard binary runs");
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "{{\"id\":1,\"text\":\"Je vais te tuer\"}}").expect("write");
    stdin.flush().expect("flush");
    let mut answer = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut answer)
        .expect("read");
    assert!(answer.contains("violence.threat"), "{answer}");
    let peak = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        });
    drop(stdin);
    assert!(child.wait().expect("wait").success());
    peak
}

fn bench_cli(c: &mut Criterion) {
    let mut g = c.benchmark_group("cli_one_line");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    for (name, args) in [
        ("baseline", &[][..]),
        (
            "two_layers",
            &["--builtin", "baseline", "--builtin", "taxonomy"][..],
        ),
    ] {
        if let Some(kb) = one_line(args) {
            println!(
                "cli_one_line/{name}: peak resident memory {:.1} MB",
                kb as f64 / 1024.0
            );
        }
        g.bench_function(name, |b| b.iter(|| one_line(args)));
    }
    g.finish();
}

criterion_group!(benches, bench_cli);
criterion_main!(benches);
