//! `tosguard::testing`: examples with expectations, test files, assertions, coverage.

use tosguard::{Policy, testing};

const P: &str = r#"
[policy]
id = "tp"
extends = ["taxonomy"]

[lexicons.harm]
terms = ["kill", "stab", "maim"]

[lexicons.you]
terms = ["you"]

[[rules]]
id = "threat"
category = "violence.threat"
when = "harm before(2) you"
unless = ["negated"]
examples.violating = [
  "kill you",
  { text = "stab you", category = "violence.threat", evidence = ["stab", "you"] },
]
examples.allowed = ["never kill you"]

[[rules]]
id = "bare"
category = "profanity"
when = '"darn"'
"#;

fn policy() -> Policy {
    Policy::from_toml_str(P).unwrap()
}

#[test]
fn examples_with_expectations() {
    let report = policy().check_examples();
    assert!(report.is_ok(), "{report}");
    assert_eq!(report.passed, 3);
    assert_eq!(report.without_examples, ["bare"]);
    let ids: Vec<&str> = report.results.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "tp/threat/violating[0]",
            "tp/threat/violating[1]",
            "tp/threat/allowed[0]"
        ]
    );
}

#[test]
fn wrong_expected_category_or_evidence_fails() {
    let src = P.replace(
        "category = \"violence.threat\", evidence",
        "category = \"violence.incitement\", evidence",
    );
    let report = Policy::from_toml_str(&src).unwrap().check_examples();
    assert_eq!(report.failures.len(), 1);
    let f = &report.failures[0];
    assert_eq!(f.id, "tp/threat/violating[1]");
    assert_eq!(f.rule.as_deref(), Some("threat"));
    assert_eq!(
        f.expected,
        "`threat` fires with category `violence.incitement` on [\"stab\", \"you\"]"
    );
    assert_eq!(f.got, "threat (violence.threat) on [\"stab\", \"you\"]");

    let src = P.replace("evidence = [\"stab\", \"you\"]", "evidence = [\"stabbed\"]");
    let report = Policy::from_toml_str(&src).unwrap().check_examples();
    assert_eq!(report.failures.len(), 1, "{report}");
}

#[test]
fn test_file_cases() {
    let cases = r#"
[[case]]
name = "threat"
text = "I kill you"
present = ["violence.threat"]
absent = ["hate.*"]
evidence = ["kill"]
action = "remove"

[[case]]
text = "hello"
absent = ["violence.*"]

[[case]]
name = "wrong on purpose"
text = "hello"
present = ["violence.threat"]
"#;
    let report = testing::run_test_str(&policy(), "tp.test", cases).unwrap();
    assert_eq!(report.passed, 2);
    assert_eq!(report.failures.len(), 1);
    let f = &report.failures[0];
    assert_eq!(f.id, "tp.test/wrong on purpose");
    assert_eq!(
        f.to_string(),
        "FAIL tp.test/wrong on purpose\n  text:     \"hello\"\n  expected: violence.threat found\n  got:      action none; no finding"
    );
}

#[test]
fn test_file_errors_are_located() {
    let e = testing::run_test_str(
        &policy(),
        "t",
        "[[case]]\ntext = \"x\"\npresent = [\"violence.thret\"]\n",
    )
    .unwrap_err();
    let p = &e.problems()[0];
    assert_eq!(p.kind(), tosguard::ProblemKind::UnknownCategory);
    assert_eq!(
        p.message(),
        "unknown category `violence.thret` in policy `tp` (did you mean `violence.threat`?)"
    );
    // At the value, not at the `[[case]]` header.
    assert_eq!(p.path(), "case[0].present");
    assert_eq!(p.location().unwrap().to_string(), "3:12");
    let e = testing::run_test_str(&policy(), "t", "[[case]]\ntxt = \"x\"\n").unwrap_err();
    assert_eq!(e.problems()[0].kind(), tosguard::ProblemKind::Syntax);
}

#[test]
fn assertions_pass_and_fail_with_readable_messages() {
    let p = policy();
    testing::assert_examples(&p);
    testing::assert_flags(&p, "kill you", "violence.threat");
    testing::assert_flags(&p, "kill you", "violence.*");
    testing::assert_allows(&p, "never kill you");
    let err =
        std::panic::catch_unwind(|| testing::assert_flags(&policy(), "hello", "violence.threat"))
            .unwrap_err();
    let msg = err.downcast_ref::<String>().unwrap();
    assert_eq!(
        msg,
        "policy `tp`: \"hello\"\n  expected: violence.threat found\n  got:      no finding"
    );
    let err =
        std::panic::catch_unwind(|| testing::assert_allows(&policy(), "kill you")).unwrap_err();
    let msg = err.downcast_ref::<String>().unwrap();
    assert!(
        msg.ends_with("got:      threat (violence.threat) on [\"kill\", \"you\"]"),
        "{msg}"
    );
}

#[test]
fn coverage_lists_what_no_example_exercises() {
    let cov = testing::coverage(&policy(), &["maim you"]);
    assert_eq!(cov.rules_not_fired, ["bare"]);
    assert_eq!(cov.terms_total, 4);
    assert!(cov.terms_not_matched.is_empty(), "{cov}");
    let cov = testing::coverage(&policy(), &[]);
    assert_eq!(
        cov.terms_not_matched,
        [("harm".to_string(), "maim".to_string())]
    );
}

#[test]
fn test_file_beside_policy() {
    assert_eq!(
        testing::test_file_for(std::path::Path::new("/p/aup.toml")),
        std::path::Path::new("/p/aup.test.toml")
    );
}

#[test]
fn builtin_policies_run_their_own_examples() {
    for name in tosguard::builtin_names() {
        let policy = Policy::builtin(name).unwrap();
        testing::assert_examples(&policy);
    }
}

/// Every test file shipped beside a built-in policy file passes.
#[test]
fn builtin_policy_test_files_pass() {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.to_string_lossy().ends_with(".test.toml") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies"),
        &mut files,
    );
    assert!(!files.is_empty());
    for test_file in files {
        let policy_file = test_file.to_string_lossy().replace(".test.toml", ".toml");
        let policy = Policy::from_file(&policy_file).unwrap_or_else(|e| panic!("{e}"));
        testing::assert_test_file(&policy, &test_file);
    }
}

/// The test files of the packs the built-in `baseline` is made of pass against the
/// whole `baseline` too (what `tosguard test baseline` runs): a rule of one pack (the
/// learned signal's, say) must not break the cases of another.
#[test]
fn baseline_test_files_pass_against_the_whole_baseline() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/baseline");
    let policy = Policy::baseline();
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with(".test.toml") {
            testing::assert_test_file(&policy, &path);
            n += 1;
        }
    }
    assert!(n >= 2, "the English and French test files");
}
