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

/// A rule over the whole text: a group named in one sentence, a claim in a later one.
fn text_scope_policy() -> Policy {
    Loader::new()
        .from_toml_str(
            r#"
[policy]
id = "ctx-text"
extends = ["taxonomy"]

[lexicons.group]
terms = ["immigrants"]

[lexicons.they_vermin]
terms = ["they are vermin"]

[[rules]]
id = "back-reference"
category = "hate.dehumanization"
scope = "text"
when = "group before(20) they_vermin"
unless = ["negated", "quoted"]
"#,
        )
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_match_across_sentences_is_judged_by_its_last_sentence() {
    let p = text_scope_policy();
    let dehum = |t: &str| p.classify(t).has_category("hate.dehumanization");
    assert!(dehum("Immigrants came here. They are vermin."));
    // An earlier sentence's negation or quotation does not excuse the later claim ...
    assert!(dehum("I don't hate immigrants. They are vermin."));
    assert!(dehum(
        "He wrote \"immigrants\" on the wall. They are vermin."
    ));
    // ... but the claim's own sentence does.
    assert!(!dehum("Immigrants came here. Never say they are vermin."));
    assert!(!dehum(
        "Immigrants came here. \"They are vermin\" is a lie."
    ));
    // Evidence still covers both sentences.
    let v = p.classify("I don't hate immigrants. They are vermin.");
    let words: Vec<&str> = v.findings()[0]
        .evidence()
        .iter()
        .map(|e| e.text())
        .collect();
    assert_eq!(words, ["immigrants", "They are vermin"]);
}

/// A rule over the whole text whose claim is several words, in either order with the
/// group's name.
fn claim_policy() -> Policy {
    Loader::new()
        .from_toml_str(
            r#"
[policy]
id = "ctx-claim"
extends = ["taxonomy"]

[lexicons.group]
terms = ["immigrants", "immigrés"]

[lexicons.they]
terms = ["they", "ils"]

[lexicons.be]
terms = ["are", "sont"]

[lexicons.vermin]
terms = ["vermin", "vermine"]

[[rules]]
id = "back-reference"
category = "hate.dehumanization"
scope = "text"
when = "group near(20) (they before(1) be before(3) vermin)"
unless = ["negated", "quoted"]
"#,
        )
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_match_across_clauses_is_judged_by_the_clause_of_its_claim() {
    let p = claim_policy();
    let dehum = |t: &str| p.classify(t).has_category("hate.dehumanization");
    // A negation around the group's name, in another clause, does not excuse the claim ...
    assert!(dehum("Nobody wants immigrants here, they are vermin."));
    assert!(dehum(
        "Personne ne veut des immigrés ici, ils sont de la vermine."
    ));
    assert!(dehum("They are vermin, these immigrants nobody wants."));
    // ... the claim's own negation does, whichever comes first.
    assert!(!dehum("Immigrants are welcome here, they are not vermin."));
    assert!(!dehum(
        "Les immigrés sont les bienvenus, ils ne sont pas de la vermine."
    ));
    assert!(!dehum("They are not vermin, these immigrants."));
    // A match in one clause is judged as before.
    assert!(!dehum("Never say immigrants they are vermin."));
    assert!(dehum("Immigrants, they are vermin."));
}

/// A policy whose `rejected` context (cues after the match, anywhere in the text) may
/// ask for a question.
fn rejected_policy(question: Option<bool>) -> Policy {
    let question = question.map_or(String::new(), |q| format!("question = {q}\n"));
    Loader::new()
        .from_toml_str(&format!(
            r#"
[policy]
id = "ctx"
extends = ["taxonomy"]

[contexts.rejected]
scope = "text"
position = "after"
window = 6
{question}cues = ["shut up"]

[lexicons.call]
terms = ["should be shot"]

[[rules]]
id = "call"
category = "violence.threat"
when = "call"
unless = ["rejected"]
"#
        ))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn question_holds_only_in_a_question() {
    let p = rejected_policy(Some(true));
    assert!(!flags(&p, "The senator should be shot? Shut up."));
    assert!(flags(&p, "The senator should be shot, shut up."));
    assert!(flags(&p, "The senator should be shot. Shut up."));
    // Without it, the cue alone decides.
    let q = rejected_policy(None);
    assert!(!flags(&q, "The senator should be shot, shut up."));
    assert_eq!(
        q.fingerprint(),
        rejected_policy(Some(false)).fingerprint(),
        "`false` is the default"
    );
    assert_ne!(p.fingerprint(), q.fingerprint());
}

/// A policy whose `hyp` context has the cues `if`/`si`, and the given stops and
/// exception phrases.
fn stops_policy(stops: &str, except: &str) -> Policy {
    Loader::new()
        .from_toml_str(&format!(
            r#"
[policy]
id = "ctx-stops"
extends = ["taxonomy"]

[contexts.hyp]
scope = "clause"
window = 10
cues = ["if", "si"]
stops = [{stops}]
except = [{except}]

[lexicons.threat]
terms = ["i'll stab you", "i will hurt you", "je vais te crever", "je vais te frapper"]

[[rules]]
id = "threat"
category = "violence.threat"
when = "threat"
unless = ["hyp"]
"#
        ))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_stop_ends_the_reach_of_a_cue() {
    let none = stops_policy("", "");
    let p = stops_policy(
        r#""i'll", "i will", "je vais""#,
        r#""think i will", "que je vais""#,
    );
    for text in [
        "If you come near my sister again I'll stab you",
        "Si tu reviens ici je vais te crever",
    ] {
        assert!(!flags(&none, text), "without stops the cue reaches: {text}");
        assert!(flags(&p, text), "the stop opens the main clause: {text}");
    }
    // A stop right after the cue is part of the condition.
    assert!(!flags(&p, "If I'll stab you, tell me"));
    // A stop inside an exception phrase does not count.
    for text in [
        "If you think I will hurt you you're wrong",
        "Si tu crois que je vais te frapper tu te trompes",
    ] {
        assert!(!flags(&p, text), "{text}");
    }
    // Stops change the fingerprint; a context without stops keeps its own.
    assert_ne!(none.fingerprint(), p.fingerprint());
}

#[test]
fn a_stop_after_the_match_changes_nothing() {
    let p = stops_policy(r#""then""#, "");
    assert!(!flags(&p, "If you come back I'll stab you then"));
    assert!(flags(&p, "If you come back then I'll stab you"));
}

/// A policy whose `counter` context has no cues, the given speaking frames and
/// condemnations, and the exception phrases `except`.
fn framed_policy(frames: &str, condemnations: &str, except: &str) -> Result<Policy, String> {
    let toml = [
        "[policy]\nid = \"ctx-framed\"\nextends = [\"taxonomy\"]".to_string(),
        format!("[contexts.counter]\nframes = [{frames}]\ncondemnations = [{condemnations}]\nexcept = [{except}]"),
        r#"[lexicons.group]
terms = ["immigrants", "les migrants"]
[lexicons.be]
terms = ["are", "is", "sont"]
[lexicons.bad]
terms = ["vermin", "disgusting", "des rats"]
[[rules]]
id = "dehum"
category = "hate.dehumanization"
when = "group before(1) be before(3) bad"
unless = ["counter"]"#
            .to_string(),
    ]
    .join("\n");
    Loader::new()
        .from_toml_str(&toml)
        .map_err(|e| e.to_string())
}

/// Does the policy flag `text` as dehumanization?
fn dehumanizes(p: &Policy, text: &str) -> bool {
    p.classify(text).has_category("hate.dehumanization")
}

#[test]
fn a_frame_before_and_a_condemnation_after_the_claim_quote_it_to_condemn_it() {
    let p = framed_policy(
        r#""saying", "anyone who says", "dire que""#,
        r#""is disgusting", "are disgusting", "is a monster", "is unacceptable", "est ignoble""#,
        r#""i'm saying""#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for text in [
        "Anyone who says immigrants are vermin is a monster",
        // The rule also reads `immigrants … is disgusting`: two words stand between.
        "Saying immigrants are vermin is disgusting",
        "Dire que les migrants sont des rats est ignoble",
    ] {
        assert!(!dehumanizes(&p, text), "counter-speech: {text}");
    }
    for text in [
        // A frame alone, a condemnation alone.
        "Saying it plainly: immigrants are vermin",
        "Immigrants are vermin. Saying so is unacceptable to some",
        "Immigrants are vermin and that is disgusting",
        // A condemnation before the claim, a frame after it.
        "It is disgusting: immigrants are vermin, I'm saying",
        // The condemnation is the claim's own predicate.
        "Anyone who says it knows immigrants are disgusting",
        // A frame inside an exception phrase does not count.
        "I'm saying immigrants are vermin and it is unacceptable that nobody listens",
        // Negated condemnation: not a cue.
        "Saying immigrants are vermin is not disgusting",
    ] {
        assert!(dehumanizes(&p, text), "still a claim: {text}");
    }
}

#[test]
fn frames_and_condemnations_go_together_and_change_the_fingerprint() {
    for (frames, condemnations) in [(r#""saying""#, ""), ("", r#""is disgusting""#)] {
        let e = framed_policy(frames, condemnations, "")
            .err()
            .unwrap_or_default();
        assert!(e.contains("needs"), "{frames} / {condemnations}: {e}");
    }
    let a =
        framed_policy(r#""saying""#, r#""is disgusting""#, "").unwrap_or_else(|e| panic!("{e}"));
    let b = framed_policy(r#""saying""#, r#""is vile""#, "").unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(a.fingerprint(), b.fingerprint());
}
