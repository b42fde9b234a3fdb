//! Where a context cue must stand: `position = "before" | "after" | "around"`.

use tosguard::{CuePosition, Loader, Policy};

/// A policy whose `game` context has its cues at `position` (or the default).
fn policy(position: Option<&str>) -> Policy {
    let position = position.map_or(String::new(), |p| format!("position = \"{p}\"\n"));
    Loader::new()
        .from_toml_str(&format!(
            r#"
[policy]
id = "ctx"
extends = ["taxonomy"]

[contexts.game]
scope = "sentence"
window = 4
{position}cues = ["in the game", "at chess"]

[lexicons.harm]
terms = ["kill", "destroy"]

[lexicons.you]
terms = ["you"]

[[rules]]
id = "threat"
category = "violence.threat"
when = "harm before(2) you"
unless = ["game"]
"#
        ))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Does the policy flag `text`?
fn flags(p: &Policy, text: &str) -> bool {
    p.classify(text).has_category("violence.threat")
}

#[test]
fn default_position_is_before() {
    let p = policy(None);
    assert!(!flags(&p, "In the game I will kill you"));
    assert!(flags(&p, "I will kill you in the game"));
    assert_eq!(
        p.fingerprint(),
        policy(Some("before")).fingerprint(),
        "`before` is the default"
    );
}

#[test]
fn after_counts_only_cues_after_the_match() {
    let p = policy(Some("after"));
    assert!(!flags(&p, "I will kill you in the game"));
    assert!(!flags(&p, "I will destroy you at chess tonight"));
    assert!(flags(&p, "In the game I will kill you"));
    // Within the window (4 words after the match) and the sentence only.
    assert!(flags(
        &p,
        "I will kill you, then we can talk about it in the game"
    ));
    assert!(flags(&p, "I will kill you. Then we play in the game"));
}

#[test]
fn around_counts_both_sides() {
    let p = policy(Some("around"));
    assert!(!flags(&p, "I will kill you in the game"));
    assert!(!flags(&p, "In the game I will kill you"));
    assert!(flags(&p, "I will kill you"));
}

#[test]
fn position_changes_the_fingerprint_but_before_does_not() {
    let before = policy(None);
    let after = policy(Some("after"));
    assert_eq!(before.fingerprint(), policy(Some("before")).fingerprint());
    assert_ne!(before.fingerprint(), after.fingerprint());
    assert_eq!(CuePosition::default(), CuePosition::Before);
}

#[test]
fn an_unknown_position_is_an_error() {
    let err = Loader::new()
        .from_toml_str(
            "[policy]\nid = \"x\"\n[contexts.game]\nposition = \"inside\"\ncues = [\"a\"]\n",
        )
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("inside") && msg.contains("position"), "{msg}");
}
