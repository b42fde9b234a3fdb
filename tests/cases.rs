//! Runs the classification cases in `tests/cases/*.toml` against the policies in
//! `tests/policies/`. Each file's cases run against the policy of the same name; a
//! case may name another with `policy = "..."`.

use std::collections::BTreeMap;
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
    #[serde(default)]
    policy: Option<String>,
    categories: Vec<String>,
    #[serde(default)]
    evidence: Option<Vec<String>>,
}

fn run_dir(dir: &Path) -> (usize, Vec<String>) {
    let mut policies: BTreeMap<String, Policy> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut count = 0;
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
    {
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let file: File = toml::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for case in file.cases {
            count += 1;
            let pname = case.policy.clone().unwrap_or_else(|| stem.clone());
            let policy = policies.entry(pname.clone()).or_insert_with(|| {
                let p = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/policies")
                    .join(format!("{pname}.toml"));
                if p.exists() {
                    Policy::from_file(&p).unwrap_or_else(|e| panic!("{e}"))
                } else {
                    Policy::builtin(&pname).unwrap_or_else(|e| panic!("{e}"))
                }
            });
            let verdict = policy.classify(&case.text);
            let mut got: Vec<String> = verdict.categories().iter().map(|c| c.to_string()).collect();
            got.sort();
            let mut want = case.categories.clone();
            want.sort();
            let mut evidence: Vec<(usize, String)> = Vec::new();
            for f in verdict.findings() {
                for e in f.evidence() {
                    // Evidence must slice the original text to exactly its words.
                    assert_eq!(
                        &case.text[e.span()],
                        e.text(),
                        "{}: span and text disagree",
                        case.name
                    );
                    evidence.push((e.span().start, e.text().to_string()));
                }
            }
            evidence.sort();
            evidence.dedup();
            let evidence: Vec<String> = evidence.into_iter().map(|(_, t)| t).collect();
            let mut problems = Vec::new();
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
                failures.push(format!(
                    "{}/{}: {:?}\n    {}\n    rules fired: {rules:?}",
                    stem,
                    case.name,
                    case.text,
                    problems.join("\n    ")
                ));
            }
        }
    }
    (count, failures)
}

#[test]
fn classification_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let (count, failures) = run_dir(&dir);
    assert!(count > 0, "no cases found");
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
