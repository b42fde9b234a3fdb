//! Conditions nested on the right of `before` match the way they read: `a before(n)
//! (b before(m) c)` means `a`, then `b`, then `c`, whatever overlapping matches `b` has.

use tosguard::Policy;

/// A policy whose rule nests its `before` chain to the right, with a middle lexicon
/// holding overlapping phrases ("all his" and "his", « tous ses » and « ses »).
fn nested(when: &str) -> Policy {
    Policy::from_toml_str(&format!(
        r#"
        [policy]
        id = "nested"
        extends = ["taxonomy"]
        [lexicons.harm]
        terms = ["smash", "break", "casser", "briser"]
        [lexicons.quant]
        terms = ["his", "all his", "both his", "ses", "tous ses", "toutes ses"]
        [lexicons.part]
        terms = ["fingers", "teeth", "doigts", "dents"]
        [lexicons.other]
        terms = ["car", "voiture"]
        [[rules]]
        id = "body"
        category = "violence.threat"
        when = "{when}"
        "#
    ))
    .unwrap()
}

fn fires(p: &Policy, text: &str) -> bool {
    !p.classify(text).findings().is_empty()
}

#[test]
fn a_right_nested_chain_matches_through_the_longer_overlapping_phrase() {
    for when in [
        "harm before(1) (quant before(1) part)",
        "harm before(1) (other or quant before(1) part)",
        "harm before(1) ((quant or other) before(1) part)",
    ] {
        let p = nested(when);
        for text in [
            "I will smash all his fingers",
            "break both his teeth",
            "je vais casser tous ses doigts",
            "briser toutes ses dents",
            "smash his fingers",
            "casser ses doigts",
        ] {
            assert!(fires(&p, text), "{when}: {text}");
        }
        for text in [
            // Too far apart: the distances still count.
            "smash the car and all his fingers",
            "casser la voiture puis tous ses doigts",
            // Out of order.
            "his fingers will smash",
            "ses doigts vont casser",
        ] {
            assert!(!fires(&p, text), "{when}: {text}");
        }
    }
}

#[test]
fn the_chained_and_nested_forms_agree_with_the_flat_chain() {
    let flat = nested("harm before(1) quant before(1) part");
    let nested = nested("harm before(1) (quant before(1) part)");
    for text in [
        "smash all his fingers",
        "smash his fingers",
        "smash all all his fingers",
        "casser tous ses doigts",
        "casser ses jolis doigts",
        "tous ses doigts casser",
    ] {
        assert_eq!(fires(&flat, text), fires(&nested, text), "{text}");
    }
}

#[test]
fn evidence_of_a_rechained_rule_points_at_the_words() {
    let p = nested("harm before(1) (other or quant before(1) part)");
    for text in [
        "He said: smash all his fingers.",
        "Il a dit : casser tous ses doigts.",
    ] {
        let v = p.classify(text);
        let words: Vec<&str> = v
            .findings()
            .iter()
            .flat_map(|f| f.evidence())
            .map(|e| &text[e.span()])
            .collect();
        assert!(
            words.contains(&"smash") || words.contains(&"casser"),
            "{words:?}"
        );
        assert!(
            words.iter().any(|w| *w == "all his" || *w == "tous ses"),
            "{text}: {words:?}"
        );
    }
}

#[test]
fn a_rule_with_many_chained_alternatives_compiles_and_matches() {
    // Too many alternatives to distribute `harm` over: the condition is kept as
    // written (see the compiler's unit tests) and still means what it says.
    let left: Vec<String> = (0..40).map(|i| format!("\\\"v{i}\\\"")).collect();
    let alternatives: Vec<String> = (0..200)
        .map(|i| format!("\\\"w{i}\\\" before(1) part"))
        .collect();
    let p = nested(&format!(
        "(harm or {}) before(1) ({})",
        left.join(" or "),
        alternatives.join(" or ")
    ));
    assert!(fires(&p, "smash w7 fingers"));
    assert!(fires(&p, "v3 w150 doigts"));
    assert!(!fires(&p, "smash the fingers"));
    assert!(!fires(&p, "casser w7 la voiture"));
}
