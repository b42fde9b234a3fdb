//! The disguise harness over the classification cases of `tests/cases/*.toml`: every
//! kind of [`Disguise`] applied to the violating cases the policy catches undisguised
//! and to the benign ones (`categories = []`) it leaves alone. Each kind must keep at
//! least its floor of the catches and flag at most its ceiling of the benign cases;
//! the floors are the figures measured when they were set, rounded down, so that a
//! change that loses disguised cases fails here. They were last set when masked words
//! came to be read by what they fit (the most common word; the policy vocabulary's
//! word) and doubled letters in the words of phrases as the vocabulary word they stand
//! for.
//!
//! `cargo test --test evasion -- --nocapture` prints the table.

#[allow(dead_code)] // the case format is shared; this test reads only its texts
mod common;

use std::collections::BTreeMap;

use common::{Policies, load_dir, root};
use tosguard::disguise::{Disguise, Report, Sample, guess_language, measure};

/// Kind, the least share kept (percent), the most new false positives.
const FLOORS: &[(Disguise, f64, usize)] = &[
    (Disguise::Spaced, 88.0, 4),
    (Disguise::Elongated, 93.0, 14),
    (Disguise::Leetspeak, 97.0, 5),
    (Disguise::Masked, 78.0, 16),
    (Disguise::Punctuated, 91.0, 3),
    (Disguise::Homoglyphs, 100.0, 0),
    (Disguise::Accents, 100.0, 0),
    (Disguise::MixedCase, 100.0, 0),
    (Disguise::Invisible, 100.0, 0),
    (Disguise::Swapped, 34.0, 40),
    (Disguise::Deleted, 36.0, 37),
    (Disguise::Added, 17.0, 5),
    (Disguise::Split, 11.0, 32),
    (Disguise::GluedBefore, 8.0, 10),
    (Disguise::GluedAfter, 8.0, 5),
];

fn report() -> Report {
    let mut by_policy: BTreeMap<String, Vec<Sample>> = BTreeMap::new();
    for (stem, cases) in load_dir(&root().join("tests/cases")) {
        for case in cases {
            let lang = match stem.split('-').next() {
                Some(l @ ("en" | "fr")) => l,
                _ => guess_language(&case.text),
            };
            let cats: Vec<&str> = case.categories.iter().map(String::as_str).collect();
            let sample = if cats.is_empty() {
                Sample::benign(&case.text, lang)
            } else {
                Sample::violating(&case.text, lang, &cats)
            };
            let policy = case.policy.clone().unwrap_or_else(|| stem.clone());
            by_policy.entry(policy).or_default().push(sample);
        }
    }
    let mut policies = Policies::default();
    let mut report = Report::default();
    for (name, samples) in by_policy {
        report.merge(measure(policies.get(&name), &samples, 3));
    }
    report
}

#[test]
fn disguised_cases_stay_caught_and_benign_ones_stay_clean() {
    let report = report();
    println!("{report}");
    assert!(
        report.violating.1 > 500,
        "too few cases caught: {:?}",
        report.violating
    );
    assert!(
        report.benign.1 > 300,
        "too few benign cases: {:?}",
        report.benign
    );
    let mut wrong = Vec::new();
    for &(kind, floor, ceiling) in FLOORS {
        let t = report.total(kind, None);
        if t.caught == 0 || t.kept_percent() < floor || t.flagged > ceiling {
            wrong.push(format!(
                "{kind}: {}/{} kept ({:.1}%, floor {floor}%), {} new flags (at most {ceiling})",
                t.kept,
                t.caught,
                t.kept_percent(),
                t.flagged
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
