//! `extends` with overrides: disable a rule, change a category, add and remove terms.

use tosguard::{Action, Policy, ProblemKind, Severity};

const PARENT: &str = r#"
[policy]
id = "parent"
extends = ["taxonomy"]

[lexicons.harm]
terms = ["kill{,s}", "stab{,s}", "beat"]

[lexicons.you]
terms = ["you"]

[[rules]]
id = "threat"
category = "violence.threat"
when = "harm before(2) you"

[[rules]]
id = "insult"
category = "harassment.insult"
when = 'you before(2) "idiot"'
"#;

fn child(body: &str) -> Result<Policy, tosguard::PolicyError> {
    tosguard::Loader::new()
        .source("parent", PARENT)
        .from_toml_str(&format!(
            "[policy]\nid = \"child\"\nextends = [\"parent\"]\n{body}"
        ))
}

#[test]
fn disable_a_rule() {
    let p = child("[override.rules.insult]\nenabled = false\n").unwrap();
    assert!(p.classify("you idiot").is_clean());
    assert!(p.classify("kill you").has_category("violence.threat"));
    assert!(p.rules().all(|r| r.id() != "insult"));
}

#[test]
fn change_rule_severity() {
    let p = child("[override.rules.threat]\nseverity = \"medium\"\n").unwrap();
    assert_eq!(p.classify("kill you").severity(), Some(Severity::Medium));
}

#[test]
fn change_category_action_and_severity() {
    let p = child("[override.categories.\"harassment.insult\"]\naction = \"flag\"\n").unwrap();
    assert_eq!(p.classify("you idiot").action(), Action::Flag);
    let p = child("[override.categories.\"violence.threat\"]\nseverity = \"low\"\n").unwrap();
    let v = p.classify("kill you");
    assert_eq!(v.severity(), Some(Severity::Low));
    assert_eq!(
        v.action(),
        Action::Flag,
        "a new severity brings its default action"
    );
}

#[test]
fn add_and_remove_terms() {
    let p = child(
        "[override.lexicons.harm]\nadd = [\"maim{,s}\"]\nremove = [\"beat\", \"stab{,s}\"]\n",
    )
    .unwrap();
    assert!(p.classify("maims you").has_category("violence.threat"));
    assert!(p.classify("beat you").is_clean());
    assert!(p.classify("stabs you").is_clean());
    assert!(p.classify("kills you").has_category("violence.threat"));
}

#[test]
fn overriding_what_does_not_exist_is_an_error() {
    let e = child(
        "[override.rules.nope]\nenabled = false\n\
         [override.categories.nope]\naction = \"flag\"\n\
         [override.lexicons.nope]\nadd = [\"x\"]\n\
         [override.lexicons.harm]\nremove = [\"hug\"]\n",
    )
    .unwrap_err();
    let msgs: Vec<(&str, &str)> = e
        .problems()
        .iter()
        .filter(|p| p.kind() == ProblemKind::UnknownOverride)
        .map(|p| (p.path(), p.message()))
        .collect();
    assert_eq!(msgs.len(), 4, "{e}");
    assert!(
        msgs.contains(&("override.rules.nope", "no rule `nope` to override")),
        "{msgs:?}"
    );
    assert!(msgs.contains(&("override.categories.nope", "no category `nope` to override")));
    assert!(msgs.contains(&("override.lexicons.nope", "no lexicon `nope` to override")));
    assert!(msgs.contains(&(
        "override.lexicons.harm.remove",
        "lexicon `harm` has no term `hug` to remove"
    )));
    let located = e
        .problems()
        .iter()
        .find(|p| p.path() == "override.lexicons.harm.remove")
        .unwrap();
    assert_eq!(located.location().unwrap().line, 11);
}

#[test]
fn override_in_the_baseline_chain() {
    let text = "I will kill you";
    let base = Policy::baseline().classify(text);
    let rule = base
        .findings()
        .first()
        .expect("the baseline flags a direct threat")
        .rule()
        .to_string();
    let p = Policy::from_toml_str(&format!(
        "[policy]\nid = \"host\"\nextends = [\"baseline\"]\n[override.rules.\"{rule}\"]\nenabled = false\n"
    ))
    .unwrap();
    assert!(!p.classify(text).findings().iter().any(|f| f.rule() == rule));
}

#[test]
fn an_override_of_severity_keeps_a_rule_disabled() {
    // The parent's rule is switched off by a middle pack; the child only changes its
    // severity: it stays off. Only `enabled = true` switches it back on.
    let middle = "[policy]\nid = \"middle\"\nextends = [\"parent\"]\n[override.rules.threat]\nenabled = false\n";
    let load = |body: &str| {
        tosguard::Loader::new()
            .source("parent", PARENT)
            .source("middle", middle)
            .from_toml_str(&format!(
                "[policy]\nid = \"child\"\nextends = [\"middle\"]\n{body}"
            ))
            .unwrap()
    };
    let p = load("[override.rules.threat]\nseverity = \"critical\"\n");
    assert!(p.rules().all(|r| r.id() != "threat"));
    assert!(p.classify("kill you").is_clean());
    let p = load("[override.rules.threat]\nenabled = true\nseverity = \"critical\"\n");
    let r = p.rules().find(|r| r.id() == "threat").unwrap();
    assert_eq!(r.severity(), Severity::Critical);
    assert!(p.classify("kill you").has_category("violence.threat"));
}

#[test]
fn a_category_override_of_severity_resets_an_explicit_action() {
    // Documented: the severity's default action replaces the parent's explicit one
    // unless the override names an action too.
    let parent = "[policy]\nid = \"p\"\n[categories.c]\nseverity = \"low\"\naction = \"remove\"\n";
    let load = |body: &str| {
        tosguard::Loader::new()
            .source("p", parent)
            .from_toml_str(&format!("[policy]\nid = \"k\"\nextends = [\"p\"]\n{body}"))
            .unwrap()
    };
    let action = |p: &Policy| p.categories().find(|c| c.id() == "c").unwrap().action();
    let p = load("[override.categories.c]\nseverity = \"medium\"\n");
    assert_eq!(action(&p), Severity::Medium.default_action());
    let p = load("[override.categories.c]\nseverity = \"medium\"\naction = \"remove\"\n");
    assert_eq!(action(&p), Action::Remove);
}
