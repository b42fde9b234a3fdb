//! Policy stacks: one scan, a verdict per layer, and disagreements.

use tosguard::{Action, NormalizeOptions, Policy, PolicyStack};

fn host() -> Policy {
    Policy::from_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/policies/host_aup.toml"
    ))
    .unwrap()
}

fn platform() -> Policy {
    Policy::from_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/policies/platform_tos.toml"
    ))
    .unwrap()
}

const TEXTS: &[&str] = &[
    "Kill 'em all",
    "Someone should hang the governor",
    "I will find you",
    "I'm going to hurt you, I will kill you",
    "nothing to see here",
    "Reporters said the posts called to hang the traitors",
    "",
];

#[test]
fn each_layer_decides_as_it_would_alone() {
    let (h, p) = (host(), platform());
    let stack = PolicyStack::new()
        .layer(h.clone())
        .layer(p.clone())
        .layer(Policy::baseline());
    assert!(stack.is_single_pass());
    for text in TEXTS {
        let v = stack.classify(text);
        assert_eq!(v.layers().len(), 3);
        assert_eq!(v.layers()[0], h.classify(text), "{text}");
        assert_eq!(v.layers()[1], p.classify(text), "{text}");
        assert_eq!(v.layers()[2], Policy::baseline().classify(text), "{text}");
    }
}

#[test]
fn disagreements_name_both_sides() {
    let stack = PolicyStack::new().layer(host()).layer(platform());
    let v = stack.classify("Kill 'em all");
    assert_eq!(v.action(), Action::Remove);
    let d = v.disagreements();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].removed_by, "host-aup");
    assert_eq!(d[0].allowed_by, "platform-tos");
    assert_eq!(d[0].allowing_action, Action::Flag);
    assert_eq!(d[0].removing_rules, ["aup.incitement.imperative"]);
    assert_eq!(d[0].allowing_rules, ["tos.mob.label"]);
    assert_eq!(d[0].categories, ["violence.incitement"]);
    assert_eq!(
        d[0].to_string(),
        "host-aup removes (violence.incitement: aup.incitement.imperative) but platform-tos only asks to flag (tos.mob.label)"
    );

    // Both remove: no disagreement.
    assert!(
        stack
            .classify("I'm going to hurt you")
            .disagreements()
            .is_empty()
    );
    // Neither does anything: none either.
    assert!(stack.classify("hello").disagreements().is_empty());
}

#[test]
fn layers_with_different_folding_still_decide() {
    let literal = Policy::builder("literal")
        .extends("taxonomy")
        .normalize(NormalizeOptions {
            leetspeak: false,
            ..NormalizeOptions::default()
        })
        .lexicon("x", ["kill"])
        .rule(tosguard::RuleDef::new("r", "violence.threat", "x"))
        .build()
        .unwrap();
    let stack = PolicyStack::new().layer(host()).layer(literal.clone());
    assert!(!stack.is_single_pass());
    let v = stack.classify("kill");
    assert_eq!(v.layer("literal").unwrap(), &literal.classify("kill"));
}

#[test]
fn stack_verdict_round_trips_through_serde() {
    let stack = PolicyStack::new().layer(host()).layer(platform());
    let v = stack.classify("Someone should hang the governor");
    let json = serde_json::to_string(&v).unwrap();
    let back: tosguard::StackVerdict = serde_json::from_str(&json).unwrap();
    assert_eq!(back, v);
}

#[test]
fn example_policies_pass_their_examples() {
    for p in [host(), platform()] {
        let r = p.check_examples();
        assert!(r.is_ok(), "{}: {r}", p.id());
    }
}

#[test]
fn a_finished_stack_merges_once_and_says_so() {
    let stack = PolicyStack::new()
        .layer(host())
        .layer(platform())
        .build()
        .unwrap();
    assert!(stack.is_single_pass());
    // Cloning a built stack shares its merged automaton.
    let again = stack.clone();
    assert_eq!(
        again.classify("Kill 'em all"),
        stack.classify("Kill 'em all")
    );
}
