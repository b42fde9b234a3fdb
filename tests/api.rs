//! The public API: thread safety, serde round trips, builder and loader, spans.

use std::sync::Arc;

use proptest::prelude::*;
use tosguard::{Action, Policy, RuleDef, Severity, Verdict};

fn assert_traits<T: Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe + Clone>() {}

#[test]
fn public_types_are_send_sync_unwind_safe() {
    assert_traits::<Policy>();
    assert_traits::<Verdict>();
    assert_traits::<tosguard::PolicyError>();
    assert_traits::<tosguard::Finding>();
}

const POLICY: &str = r#"
[policy]
id = "api-test"
version = "7"
extends = ["taxonomy"]

[lexicons.harm]
terms = ["kill{,s}", "tu{er,e}"]

[lexicons.you]
terms = ["you", "te"]

[[rules]]
id = "t"
category = "violence.threat"
when = "harm near(2) you"
unless = ["negated"]
examples.violating = ["kill you"]
examples.allowed = ["never kill you"]
"#;

/// The evidence of one call shares one buffer of words: each piece still reads its
/// own words, in every finding and every window of a long text, and compares equal to
/// the same evidence read back from JSON.
#[test]
fn evidence_reads_its_own_words_across_findings_and_windows() {
    let policy = Policy::baseline();
    let unit = "I will kill you. Je vais te tuer. Ｉ will kill you! ";
    let text = unit.repeat((200 << 10) / unit.len());
    let verdict = policy.classify(&text);
    assert!(verdict.findings().len() >= 2, "{:?}", verdict.categories());
    let mut pieces = 0;
    for f in verdict.findings() {
        for e in f.evidence() {
            assert_eq!(e.text(), &text[e.span()], "{} {:?}", f.rule(), e.span());
            pieces += 1;
        }
    }
    assert!(pieces > 10_000, "{pieces}");
    let back: Verdict = serde_json::from_str(&serde_json::to_string(&verdict).unwrap()).unwrap();
    assert_eq!(back, verdict);
}

#[test]
fn evidence_whose_words_do_not_fit_its_span_is_a_deserialization_error() {
    let json = r#"{"policy":"p","version":"1","action":"remove","severity":"high",
        "findings":[{"policy":"p","rule":"r","category":"c","severity":"high",
        "action":"remove","evidence":[{"start":0,"end":3,"text":"kill","lexicon":"l"}]}]}"#;
    let err = serde_json::from_str::<Verdict>(json).unwrap_err();
    assert!(err.to_string().contains("\"kill\" at 0..3"), "{err}");
    let ok = json.replace(r#""end":3"#, r#""end":4"#);
    let v: Verdict = serde_json::from_str(&ok).unwrap();
    assert_eq!(v.findings()[0].evidence()[0].text(), "kill");
}

#[test]
fn verdict_serde_round_trip() {
    let policy = Policy::from_toml_str(POLICY).unwrap();
    let text = "Ｉ said: « te tuer » — kill you!";
    let verdict = policy.classify(text);
    assert!(!verdict.is_clean());
    let json = serde_json::to_string(&verdict).unwrap();
    let back: Verdict = serde_json::from_str(&json).unwrap();
    assert_eq!(back, verdict);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["policy"], "api-test");
    assert_eq!(value["version"], "7");
    assert_eq!(value["action"], "remove");
    assert_eq!(value["severity"], "critical");
    let f = &value["findings"][0];
    assert_eq!(f["category"], "violence.threat");
    assert_eq!(f["rule"], "t");
    for e in f["evidence"].as_array().unwrap() {
        let (s, en) = (
            e["start"].as_u64().unwrap() as usize,
            e["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[s..en], e["text"].as_str().unwrap());
    }
}

#[test]
fn classify_from_many_threads_sharing_one_policy() {
    let policy = Arc::new(Policy::from_toml_str(POLICY).unwrap());
    let texts = [
        "kill you",
        "never kill you",
        "je vais te tuer",
        "nothing here",
        "you, kill",
    ];
    let expected: Vec<Verdict> = texts.iter().map(|t| policy.classify(t)).collect();
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let policy = Arc::clone(&policy);
            let expected = expected.clone();
            std::thread::spawn(move || {
                for round in 0..200 {
                    let k = (i + round) % texts.len();
                    assert_eq!(policy.classify(texts[k]), expected[k]);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    // A clone shares the compiled policy and decides the same.
    let clone = (*policy).clone();
    assert_eq!(clone.classify("kill you"), expected[0]);
}

#[test]
fn free_function_matches_method() {
    let policy = Policy::from_toml_str(POLICY).unwrap();
    assert_eq!(
        tosguard::classify(&policy, "kill you"),
        policy.classify("kill you")
    );
}

#[test]
fn verdict_accessors() {
    let policy = Policy::from_toml_str(POLICY).unwrap();
    let v = policy.classify("kill you");
    assert_eq!(v.action(), Action::Remove);
    assert_eq!(v.severity(), Some(Severity::Critical));
    assert_eq!(v.categories(), ["violence.threat"]);
    assert!(v.has_category("violence.threat"));
    assert!(v.has_category("violence.*"));
    assert!(v.has_category("violence."));
    assert!(!v.has_category("violence"));
    assert!(!v.has_category("hate.*"));
    let f = &v.findings()[0];
    assert_eq!(f.policy(), "api-test");
    assert!(f.tos_ref().unwrap().starts_with("Threats"));
    let clean = policy.classify("hello");
    assert!(clean.is_clean());
    assert_eq!(clean.action(), Action::None);
    assert_eq!(clean.severity(), None);
}

#[test]
fn embedded_examples_are_checked() {
    let policy = Policy::from_toml_str(POLICY).unwrap();
    let report = policy.check_examples();
    assert!(report.is_ok(), "{report}");
    assert_eq!(report.passed, 2);

    let broken = POLICY.replace(
        "examples.allowed = [\"never kill you\"]",
        "examples.allowed = [\"kill you now\"]",
    );
    let report = Policy::from_toml_str(&broken).unwrap().check_examples();
    assert_eq!(report.failures.len(), 1);
    let msg = report.to_string();
    assert!(
        msg.contains("FAIL api-test/t/allowed[0]\n  text:     \"kill you now\"\n  expected: `t` does not fire\n  got:      t (violence.threat) on [\"kill\", \"you\"]"),
        "{msg}"
    );
    assert!(msg.ends_with("1 passed, 1 failed"), "{msg}");
}

#[test]
fn builder_matches_toml() {
    let built = Policy::builder("api-test")
        .version("7")
        .extends("taxonomy")
        .lexicon("harm", ["kill{,s}", "tu{er,e}"])
        .lexicon("you", ["you", "te"])
        .rule(RuleDef::new("t", "violence.threat", "harm near(2) you").unless(["negated"]))
        .build()
        .unwrap();
    let parsed = Policy::from_toml_str(POLICY).unwrap();
    for text in ["kill you", "never kill you", "te tuer", "you are kind"] {
        assert_eq!(built.classify(text), parsed.classify(text), "{text}");
    }
}

#[test]
fn policy_introspection() {
    let policy = Policy::from_toml_str(POLICY).unwrap();
    assert_eq!(policy.id(), "api-test");
    assert_eq!(policy.version(), "7");
    let rules: Vec<_> = policy.rules().collect();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].when(), "harm near(2) you");
    assert_eq!(rules[0].category(), "violence.threat");
    assert_eq!(policy.categories().count(), 16);
}

#[test]
fn baseline_compiles_and_its_examples_pass() {
    let policy = Policy::try_baseline().unwrap_or_else(|e| panic!("{e}"));
    let report = policy.check_examples();
    assert!(report.is_ok(), "{report}");
    assert!(
        report.without_examples.is_empty(),
        "rules without examples: {:?}",
        report.without_examples
    );
}

#[test]
fn every_builtin_compiles() {
    for name in tosguard::builtin_names() {
        Policy::builtin(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn classify_never_panics_and_spans_are_sound(text in "\\PC{0,200}") {
        let policy = Policy::baseline();
        let v = policy.classify(&text);
        for f in v.findings() {
            prop_assert!(!f.evidence().is_empty());
            for e in f.evidence() {
                let r = e.span();
                prop_assert!(r.start < r.end && r.end <= text.len());
                prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
                prop_assert_eq!(&text[r], e.text());
            }
        }
    }

    #[test]
    fn threats_inside_noise_keep_exact_spans(prefix in "[\\PC&&[^.!?\\n]]{0,40}", suffix in "\\PC{0,40}") {
        let policy = Policy::from_toml_str(POLICY).unwrap();
        let text = format!("{prefix} . kill you . {suffix}");
        let v = policy.classify(&text);
        let words: Vec<&str> = v.findings().iter().flat_map(|f| f.evidence()).map(|e| &text[e.span()]).collect();
        prop_assert!(words.contains(&"kill") && words.contains(&"you"), "{:?} in {:?}", words, text);
    }
}

/// Inserts U+200B after every `k`-th char, uppercases every other letter, or turns
/// ASCII letters into their fullwidth forms.
fn disguise(text: &str, how: u8, k: usize) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        match how {
            0 => {
                out.push(c);
                if c.is_ascii_alphabetic() && i % k.max(1) == 0 {
                    out.push('\u{200B}');
                }
            }
            1 => out.extend(if i % 2 == 0 {
                c.to_uppercase().collect::<Vec<_>>()
            } else {
                vec![c]
            }),
            _ => out.push(if c.is_ascii_alphabetic() {
                char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c)
            } else {
                c
            }),
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Zero-width characters, alternating case and fullwidth letters never change which
    /// categories the baseline finds. (A word written as a name, `Biden`, is read by the
    /// `@name` operand: that capital is meaning, not disguise.)
    #[test]
    fn disguise_does_not_change_categories(
        words in prop::collection::vec(prop_oneof![
            Just("i"), Just("will"), Just("kill"), Just("you"), Just("immigrants"), Just("are"),
            Just("vermin"), Just("je"), Just("vais"), Just("te"), Just("tuer"), Just("never"),
            Just("women"), Just("should"), Just("be"), Just("shot"), Just("rats"), Just("the"),
            Just("hang"), Just("traitors"), Just("les"), Just("musulmans"), Just("sont"), Just("des"),
        ], 1..9),
        how in 0u8..3,
        k in 1usize..4,
    ) {
        let text = words.join(" ");
        let policy = Policy::baseline();
        let plain = policy.classify(&text).categories().iter().map(|c| c.to_string()).collect::<Vec<_>>();
        let disguised_text = disguise(&text, how, k);
        let disguised = policy.classify(&disguised_text);
        let got = disguised.categories().iter().map(|c| c.to_string()).collect::<Vec<_>>();
        prop_assert_eq!(&plain, &got, "{:?} vs {:?}", text, disguised_text);
        for f in disguised.findings() {
            for e in f.evidence() {
                prop_assert_eq!(&disguised_text[e.span()], e.text());
            }
        }
    }
}

#[test]
fn disguised_threats_keep_their_category() {
    let policy = Policy::baseline();
    for text in [
        "i will kill you",
        "je vais te tuer",
        "immigrants are vermin",
    ] {
        let want = policy
            .classify(text)
            .categories()
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>();
        assert!(!want.is_empty(), "{text}");
        for how in 0..3 {
            let d = disguise(text, how, 1);
            let got = policy
                .classify(&d)
                .categories()
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>();
            assert_eq!(want, got, "{d:?}");
        }
    }
}

#[test]
fn except_drops_only_the_matches_it_touches() {
    let policy = Policy::from_toml_str(
        r#"
[policy]
id = "except-test"
extends = ["taxonomy"]

[lexicons.harm]
terms = ["kill{,s}", "tu{er,e}"]

[lexicons.idiom]
terms = ["kill time", "tuer le temps"]

[[rules]]
id = "harm"
category = "violence.threat"
when = "harm except idiom"
"#,
    )
    .unwrap();
    let evidence = |text: &str| -> Vec<String> {
        policy
            .classify(text)
            .findings()
            .iter()
            .flat_map(|f| f.evidence().iter().map(|e| e.text().to_string()))
            .collect()
    };
    assert!(evidence("we kill time here").is_empty());
    assert!(evidence("on va tuer le temps").is_empty());
    // Unlike `and not`, a harm word the idiom does not cover still counts.
    assert_eq!(evidence("we kill time, then we kill them"), ["kill"]);
    assert_eq!(evidence("on va tuer le temps puis le tuer"), ["tuer"]);
    assert_eq!(evidence("kill them"), ["kill"]);
}
