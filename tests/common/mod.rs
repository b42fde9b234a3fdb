//! The classification-case format shared by `tests/cases.rs` (cases that must pass)
//! and `tests/known_broken.rs` (cases that must still fail).
//!
//! A file `NAME.toml` holds `[[case]]` tables run against `tests/policies/NAME.toml`
//! (or the built-in policy `NAME`); a case may name another with `policy = "..."`.
//! `categories` is the exact set expected; `evidence` (optional) lists the original
//! words of all findings, in text order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use tosguard::Policy;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(rename = "case")]
    cases: Vec<Case>,
}

/// One classification case.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    pub text: String,
    #[serde(default)]
    pub policy: Option<String>,
    pub categories: Vec<String>,
    #[serde(default)]
    pub evidence: Option<Vec<String>>,
}

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `.toml` files of `dir`, sorted, each with its stem and cases.
pub fn load_dir(dir: &Path) -> Vec<(String, Vec<Case>)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            let file: File = toml::from_str(&std::fs::read_to_string(&path).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (stem, file.cases)
        })
        .collect()
}

/// Compiled policies by name: `tests/policies/NAME.toml`, else the built-in `NAME`.
#[derive(Default)]
pub struct Policies(BTreeMap<String, Policy>);

impl Policies {
    pub fn get(&mut self, name: &str) -> &Policy {
        self.0.entry(name.to_string()).or_insert_with(|| {
            let path = root().join("tests/policies").join(format!("{name}.toml"));
            if path.exists() {
                Policy::from_file(&path).unwrap_or_else(|e| panic!("{e}"))
            } else {
                Policy::builtin(name).unwrap_or_else(|e| panic!("{e}"))
            }
        })
    }
}

/// What is wrong with `case` under `policy`; empty when it passes. A span that does
/// not slice the original text to its evidence words is always wrong.
pub fn problems(policy: &Policy, case: &Case) -> Vec<String> {
    let verdict = policy.classify(&case.text);
    let mut got: Vec<String> = verdict.categories().iter().map(|c| c.to_string()).collect();
    got.sort();
    let mut want = case.categories.clone();
    want.sort();
    let mut problems = Vec::new();
    let mut evidence: Vec<(usize, String)> = Vec::new();
    for f in verdict.findings() {
        for e in f.evidence() {
            if case.text.get(e.span()) != Some(e.text()) {
                problems.push(format!(
                    "span {:?} does not slice to {:?}",
                    e.span(),
                    e.text()
                ));
            }
            evidence.push((e.span().start, e.text().to_string()));
        }
    }
    evidence.sort();
    evidence.dedup();
    let evidence: Vec<String> = evidence.into_iter().map(|(_, t)| t).collect();
    if got != want {
        problems.push(format!("categories: expected {want:?}, got {got:?}"));
    }
    if let Some(expected) = &case.evidence {
        let mut expected_sorted = expected.clone();
        expected_sorted.dedup();
        if &evidence != expected && evidence != expected_sorted {
            problems.push(format!("evidence: expected {expected:?}, got {evidence:?}"));
        }
    }
    if !problems.is_empty() {
        let rules: Vec<&str> = verdict.findings().iter().map(|f| f.rule()).collect();
        problems.push(format!("rules fired: {rules:?}"));
    }
    problems
}
