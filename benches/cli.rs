//! The `tosguard` command line on one line of input: the time from start to answer
//! (compiling the built-in policy, classifying, writing), and the peak resident memory
//! of the process (Linux: `VmHWM` of `/proc/PID/status`, read after the answer, before
//! the input is closed), printed beside criterion's figures with what is resident at
//! that moment: anonymous memory (the heap: the compiled policy, and what compiling it
//! left behind) and file-backed pages (the binary's code and the data embedded in it,
//! such as word lists and the signal model, resident once read).
#![allow(missing_docs)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

/// The resident memory of a process, in kB (Linux, `/proc/PID/status`).
#[derive(Clone, Copy)]
struct Resident {
    /// `VmHWM`: the peak.
    peak: u64,
    /// `RssAnon`: anonymous memory, now.
    anon: u64,
    /// `RssFile`: file-backed pages, now.
    file: u64,
}

/// Reads [`Resident`] of process `pid`, if known.
fn resident(pid: u32) -> Option<Resident> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        s.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    };
    Some(Resident {
        peak: field("VmHWM:")?,
        anon: field("RssAnon:")?,
        file: field("RssFile:")?,
    })
}

/// Runs `tosguard classify ARGS` on one line; returns its resident memory, if known.
fn one_line(args: &[&str]) -> Option<Resident> {
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
    let peak = resident(child.id());
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
        if let Some(r) = one_line(args) {
            let mb = |kb: u64| kb as f64 / 1024.0;
            println!(
                "cli_one_line/{name}: peak resident memory {:.1} MB (after the answer: {:.1} MB anonymous, {:.1} MB file-backed)",
                mb(r.peak),
                mb(r.anon),
                mb(r.file)
            );
        }
        g.bench_function(name, |b| b.iter(|| one_line(args)));
    }
    g.finish();
}

criterion_group!(benches, bench_cli);
criterion_main!(benches);
