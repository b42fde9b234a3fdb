//! What a compiled policy costs: the time to compile the built-in baseline policy, the
//! memory a compiled policy holds (resident-set growth, Linux only, measured once and
//! printed; criterion times the compile), and the peak memory of one `classify` call on
//! 10 MB of text, per input byte and in MiB (ordinary text, repeated threats, and one
//! endless sentence of hits).
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

/// A field of `/proc/self/status` (`VmHWM:`, `VmRSS:`) in bytes, if known.
fn status(field: &str) -> Option<usize> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: usize = s
        .lines()
        .find_map(|l| l.strip_prefix(field))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// What one measured `classify` call cost.
struct Peak {
    /// Peak resident growth in bytes during the call, the verdict included.
    bytes: usize,
    /// The length of the text.
    len: usize,
    /// How many pieces of evidence the verdict holds.
    evidence: usize,
}

/// Classifies 10 MB of `unit` repeated (Linux: the peak is reset through
/// `/proc/self/clear_refs` first).
fn classify_peak(policy: &Policy, unit: &str) -> Option<Peak> {
    let text = unit.repeat(10_000_000 / unit.len());
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    let before = status("VmRSS:")?;
    let verdict = black_box(policy.classify(black_box(&text)));
    let peak = status("VmHWM:")?;
    Some(Peak {
        bytes: peak.saturating_sub(before),
        len: text.len(),
        evidence: verdict.findings().iter().map(|f| f.evidence().len()).sum(),
    })
}

/// The environment variable under which this benchmark, run again as a child
/// process, measures one class of text: a fresh process, so that memory freed by an
/// earlier measurement does not hide part of the next one.
const PEAK_CHILD: &str = "TOSGUARD_BENCH_CLASSIFY_PEAK";

/// The classes of text whose classify peak is measured.
const PEAK_UNITS: [(&str, &str); 3] = [
    (
        "ordinary text",
        "Had a great time at the beach today, the water was perfect. ",
    ),
    (
        "repeated threats",
        "I will kill you and your family tonight. ",
    ),
    // No sentence end anywhere: the text is cut at whitespace.
    ("one endless sentence of hits", "i will not kill you and "),
];

/// In the child process: measures the class named by [`PEAK_CHILD`], prints it and
/// exits. Otherwise: runs one child per class.
fn classify_peaks() {
    if let Ok(name) = std::env::var(PEAK_CHILD) {
        let unit = PEAK_UNITS.iter().find(|(n, _)| *n == name).map(|u| u.1);
        if let (Some(unit), Ok(p)) = (unit, Policy::builtin("baseline"))
            && let Some(peak) = classify_peak(&p, unit)
        {
            eprintln!(
                "classify, 10 MB of {name}: peak memory {:.2} bytes per input byte ({:.1} MiB; the verdict holds {} pieces of evidence)",
                peak.bytes as f64 / peak.len as f64,
                peak.bytes as f64 / f64::from(1 << 20),
                peak.evidence
            );
        }
        std::process::exit(0);
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    for (name, _) in PEAK_UNITS {
        let _ = std::process::Command::new(&exe)
            .arg("--bench")
            .env(PEAK_CHILD, name)
            .status();
    }
}

fn compile(c: &mut Criterion) {
    classify_peaks();
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
