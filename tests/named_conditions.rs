//! Named conditions (`[conditions.NAME]`): written once, used by name in rules and in
//! other named conditions, with the same verdicts and evidence as the condition written
//! out; every mistake in them is reported where it is.

use tosguard::{Policy, PolicyError, ProblemKind};

const HEAD: &str = r#"
[policy]
id = "named"
extends = ["taxonomy"]

[lexicons.will]
terms = ["i will", "i'll", "je vais"]
[lexicons.harm]
terms = ["kill", "stab", "tuer", "poignarder"]
[lexicons.target]
terms = ["the mayor", "him", "le maire", "le"]
"#;

fn policy(body: &str) -> Policy {
    Policy::from_toml_str(&format!("{HEAD}{body}")).unwrap()
}

fn errors(body: &str) -> PolicyError {
    match Policy::from_toml_str(&format!("{HEAD}{body}")) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

/// (categories, evidence texts) of `text`.
fn verdict(p: &Policy, text: &str) -> Vec<(String, Vec<String>)> {
    p.classify(text)
        .findings()
        .iter()
        .map(|f| {
            (
                f.category().to_string(),
                f.evidence().iter().map(|e| e.text().to_string()).collect(),
            )
        })
        .collect()
}

const RULE: &str = r#"
[[rules]]
id = "threat"
category = "violence.threat"
when = "will before(2) harm_target"
"#;

#[test]
fn a_named_condition_means_what_it_would_written_out() {
    let named = policy(&format!(
        "[conditions.harm_target]\ndescription = \"A harm verb, then a person.\"\nwhen = \"harm before(1) target\"\n{RULE}"
    ));
    let written = policy(
        "[[rules]]\nid = \"threat\"\ncategory = \"violence.threat\"\nwhen = \"will before(2) (harm before(1) target)\"\n",
    );
    for text in [
        "I will kill the mayor",
        "i'll stab him tonight",
        "Je vais tuer le maire",
        "I will kill time",
        "the mayor will kill him",
        "I will never, ever kill him",
    ] {
        assert_eq!(verdict(&named, text), verdict(&written, text), "{text}");
    }
    assert_eq!(
        verdict(&named, "I will kill the mayor"),
        [(
            "violence.threat".to_string(),
            vec![
                "I will".to_string(),
                "kill".to_string(),
                "the mayor".to_string()
            ]
        )]
    );
    assert!(named.classify("I will kill time").is_clean());
    // The fingerprint is that of the rule written out: the name is not part of what
    // the engine runs.
    assert_eq!(named.fingerprint(), written.fingerprint());
}

#[test]
fn named_conditions_use_each_other() {
    let p = policy(&format!(
        r#"
[conditions.person]
when = "target or \"the judge\" or \"le juge\""
[conditions.harm_target]
when = "harm before(1) person"
{RULE}"#
    ));
    assert!(!p.classify("I will stab the judge").is_clean());
    assert!(!p.classify("Je vais poignarder le juge").is_clean());
    assert!(p.classify("I will stab the cake").is_clean());
}

#[test]
fn a_condition_that_refers_to_itself_is_an_error_where_it_does() {
    let e = errors(&format!(
        r#"
[conditions.harm_target]
when = "harm before(1) person"
[conditions.person]
when = "target or harm_target"
{RULE}"#
    ));
    let cycles: Vec<_> = e
        .problems()
        .iter()
        .filter(|p| p.kind() == ProblemKind::BadCondition)
        .collect();
    assert_eq!(cycles.len(), 1, "{e}");
    assert_eq!(cycles[0].path(), "conditions.person.when");
    assert!(
        cycles[0]
            .message()
            .contains("`harm_target` → `person` → `harm_target`"),
        "{}",
        cycles[0].message()
    );
}

#[test]
fn a_mistake_inside_a_named_condition_is_reported_once_at_its_place() {
    let e = errors(&format!(
        "[conditions.harm_target]\nwhen = \"harm before(1) tagret\"\n{RULE}\n[[rules]]\nid = \"again\"\ncategory = \"violence.threat\"\nwhen = \"harm_target\"\n"
    ));
    let unknown: Vec<_> = e
        .problems()
        .iter()
        .filter(|p| p.kind() == ProblemKind::UnknownLexicon)
        .collect();
    assert_eq!(unknown.len(), 1, "{e}");
    assert_eq!(unknown[0].path(), "conditions.harm_target.when");
    assert_eq!(
        unknown[0].message(),
        "unknown lexicon `tagret` (did you mean `target`?)"
    );
    let at = unknown[0].location().unwrap();
    // The `when` line after HEAD's 12 lines and the table header; `tagret` is its 24th
    // character.
    assert_eq!((at.line, at.column), (13, 24), "{e}");
}

#[test]
fn names_are_checked() {
    for (body, kind, message) in [
        (
            "[conditions.harm]\nwhen = \"will\"\n",
            ProblemKind::DuplicateId,
            "`harm` is already the name of a lexicon",
        ),
        (
            "[conditions.near]\nwhen = \"will\"\n",
            ProblemKind::InvalidValue,
            "`near` is a keyword of conditions",
        ),
        (
            "[conditions.\"a b\"]\nwhen = \"will\"\n",
            ProblemKind::InvalidValue,
            "`a b` is not a valid condition name: use letters, digits, `.`, `_` and `-`",
        ),
    ] {
        let e = errors(&format!("{body}{RULE}"));
        assert!(
            e.problems()
                .iter()
                .any(|p| p.kind() == kind && p.message() == message),
            "{body}: {e}"
        );
    }
    // A misspelled condition name is suggested like a lexicon's.
    let e = errors(&format!(
        "[conditions.harm_target]\nwhen = \"harm before(1) target\"\n{}",
        RULE.replace("harm_target", "harm_targte")
    ));
    assert!(
        e.problems()
            .iter()
            .any(|p| p.message() == "unknown lexicon `harm_targte` (did you mean `harm_target`?)"),
        "{e}"
    );
}

#[test]
fn a_parent_defines_and_a_child_uses_or_redefines() {
    let dir = std::env::temp_dir().join(format!("tosguard-named-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let parent = dir.join("parent.toml");
    std::fs::write(
        &parent,
        format!("{HEAD}[conditions.harm_target]\nwhen = \"harm before(1) target\"\n")
            .replace("id = \"named\"", "id = \"parent\""),
    )
    .unwrap();
    let child = |body: &str| {
        format!(
            "[policy]\nid = \"child\"\nextends = [\"{}\"]\n{body}",
            parent.display()
        )
    };
    let p = Policy::from_toml_str(&child(RULE)).unwrap();
    assert!(!p.classify("I'll kill him").is_clean());
    let e = Policy::from_toml_str(&child(&format!(
        "[conditions.harm_target]\nwhen = \"harm\"\n{RULE}"
    )))
    .unwrap_err();
    assert!(
        e.problems()
            .iter()
            .any(|p| p.kind() == ProblemKind::DuplicateId
                && p.message() == "condition `harm_target` is already defined by `parent`"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unused_condition_is_a_warning() {
    let p = policy(&format!(
        "[conditions.harm_target]\nwhen = \"harm before(1) target\"\n[conditions.spare]\nwhen = \"harm\"\n{RULE}"
    ));
    let w: Vec<_> = p
        .warnings()
        .iter()
        .map(|w| (w.kind(), w.path().to_string()))
        .collect();
    assert_eq!(
        w,
        [(ProblemKind::UnusedCondition, "conditions.spare".to_string())]
    );
}

#[test]
fn conditions_nested_in_conditions_stay_within_the_nesting_limit() {
    // Each condition nests 60 levels; named inside one another five deep, the rule
    // would nest about 300, over the default limit of 250: an error, not a deep tree.
    let deep = |inner: &str| {
        let mut s = inner.to_string();
        for _ in 0..60 {
            s = format!("({s} or harm)");
        }
        s
    };
    let mut body = format!("[conditions.c0]\nwhen = \"{}\"\n", deep("target"));
    for i in 1..5 {
        body.push_str(&format!(
            "[conditions.c{i}]\nwhen = \"{}\"\n",
            deep(&format!("c{}", i - 1))
        ));
    }
    body.push_str(
        "[[rules]]\nid = \"deep\"\ncategory = \"violence.threat\"\nwhen = \"will before(2) c4\"\n",
    );
    let e = errors(&body);
    assert!(
        e.problems()
            .iter()
            .any(|p| p.kind() == ProblemKind::LimitExceeded),
        "{e}"
    );
}
