//! Runs the known-broken classification cases in `tests/known_broken/*.toml` against
//! the policies of the same name in `tests/policies/`, and asserts that EVERY one of
//! them still fails. A case there is right, and the normalizer or engine gets it wrong;
//! when a fix makes one pass, this test fails until the case is moved back to
//! `tests/cases/<name>.toml` (where `tests/cases.rs` requires it to pass).
//!
//! The case format is the one of `tests/cases/*.toml`: `categories` is the exact set
//! expected, `evidence` (optional) the original words of all findings in text order.

use std::path::Path;

use serde::Deserialize;
use tosguard::Policy;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(rename = "case")]
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    text: String,
    categories: Vec<String>,
    #[serde(default)]
    evidence: Option<Vec<String>>,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Does `case` pass against `policy`, by the rules of `tests/cases.rs`?
fn passes(policy: &Policy, case: &Case) -> bool {
    let verdict = policy.classify(&case.text);
    let mut got: Vec<String> = verdict.categories().iter().map(|c| c.to_string()).collect();
    got.sort();
    let mut want = case.categories.clone();
    want.sort();
    let mut evidence: Vec<(usize, String)> = Vec::new();
    for f in verdict.findings() {
        for e in f.evidence() {
            // A span that does not slice the original text to its words is a failure.
            if case.text.get(e.span()) != Some(e.text()) {
                return false;
            }
            evidence.push((e.span().start, e.text().to_string()));
        }
    }
    evidence.sort();
    evidence.dedup();
    let evidence: Vec<String> = evidence.into_iter().map(|(_, t)| t).collect();
    let evidence_ok = case.evidence.as_ref().is_none_or(|expected| {
        let mut expected_sorted = expected.clone();
        expected_sorted.dedup();
        &evidence == expected || evidence == expected_sorted
    });
    got == want && evidence_ok
}

fn load_policy(stem: &str) -> Policy {
    let path = root().join("tests/policies").join(format!("{stem}.toml"));
    Policy::from_file(&path).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn known_broken_cases_still_fail() {
    let dir = root().join("tests/known_broken");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    assert!(
        !paths.is_empty(),
        "no known-broken files in {}",
        dir.display()
    );
    let mut count = 0;
    let mut now_passing = Vec::new();
    for path in paths {
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let file: File = toml::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let policy = load_policy(&stem);
        for case in &file.cases {
            count += 1;
            if passes(&policy, case) {
                now_passing.push(format!("{stem}/{}: {:?}", case.name, case.text));
            }
        }
    }
    assert!(count > 0, "no known-broken cases");
    assert!(
        now_passing.is_empty(),
        "{} of {count} known-broken cases now pass: move them back to tests/cases/ \
         (and delete their comment):\n{}",
        now_passing.len(),
        now_passing.join("\n")
    );
}

#[test]
fn evasion_policy_examples_pass() {
    tosguard::testing::assert_examples(&load_policy("evasion"));
}
