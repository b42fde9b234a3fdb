//! `signal(…)` operands in policies: `[signals.NAME]` model files, located errors,
//! did-you-mean, the fingerprint over the model bytes, lazy scoring, `explain`, and
//! stacks. Classification cases are in `tests/cases/signals.toml`.

use std::path::PathBuf;

use tosguard::signal::SignalModel;
use tosguard::{Policy, PolicyStack, ProblemKind};

const HEAD: &str = r#"
[policy]
id = "sig"
extends = ["taxonomy"]

[lexicons.you]
terms = ["you", "tu"]
"#;

fn policy(rules: &str) -> Result<Policy, tosguard::PolicyError> {
    Policy::from_toml_str(&format!("{HEAD}\n{rules}"))
}

fn rule(when: &str) -> String {
    format!(
        "[[rules]]\nid = \"r\"\ncategory = \"harassment.insult\"\nwhen = '{when}'\nunless = [\"negated\"]\n"
    )
}

/// A folder of its own under the target directory, for model files.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("signals-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn an_unknown_category_is_an_error_with_did_you_mean() {
    let err = policy(&rule("signal(harasment) >= 0.8 and you")).unwrap_err();
    let p = &err.problems()[0];
    assert_eq!(p.kind(), ProblemKind::UnknownSignal);
    assert!(p.message().contains("did you mean `harassment`?"), "{p}");
    assert!(
        p.message().contains("`violence`"),
        "lists the categories: {p}"
    );
    // Located at the operand, in the policy source.
    let loc = p.location().expect("located");
    assert_eq!(loc.line, HEAD.lines().count() + 5, "the `when` line");
    assert!(p.to_string().contains("^^^"), "underlined: {p}");
}

#[test]
fn an_unknown_model_is_an_error_with_did_you_mean() {
    let err = policy(&rule("signal(bultin.hate) >= 0.8 and you")).unwrap_err();
    let p = &err.problems()[0];
    assert_eq!(p.kind(), ProblemKind::UnknownSignal);
    assert!(p.message().contains("did you mean `builtin`?"), "{p}");
    assert!(p.message().contains("[signals.bultin]"), "{p}");
    // `builtin.hate` is `hate`: one operand, one pseudo-lexicon.
    let a = policy(&rule("signal(builtin.hate) >= 0.5 and you")).unwrap();
    let b = policy(&rule("signal(hate) >= 0.5 and you")).unwrap();
    assert_eq!(a.fingerprint(), b.fingerprint());
}

#[test]
fn thresholds_and_operators_are_checked_and_distinct() {
    let err = policy(&rule("signal(hate) >= 2 and you")).unwrap_err();
    assert_eq!(err.problems()[0].kind(), ProblemKind::BadCondition);
    let ge = policy(&rule("signal(hate) >= 0.5 and you")).unwrap();
    let gt = policy(&rule("signal(hate) > 0.5 and you")).unwrap();
    let other = policy(&rule("signal(hate) >= 0.6 and you")).unwrap();
    assert_ne!(ge.fingerprint(), gt.fingerprint());
    assert_ne!(ge.fingerprint(), other.fingerprint());
    // `> 1` can never pass; `>= 0` always does.
    let never = policy(&rule("signal(harassment) > 1 and you")).unwrap();
    assert!(never.classify("you are a stupid idiot").is_clean());
    let always = policy(&rule("signal(harassment) >= 0 and you")).unwrap();
    assert!(!always.classify("see you tomorrow").is_clean());
}

#[test]
fn a_policy_names_its_own_model_relative_to_its_file() {
    let dir = scratch("own");
    let bytes = SignalModel::builtin().unwrap().to_bytes();
    std::fs::create_dir_all(dir.join("models")).unwrap();
    std::fs::write(dir.join("models/mine.bin"), &bytes).unwrap();
    let src = format!(
        "{HEAD}\n[signals.mine]\nfile = \"models/mine.bin\"\n\n{}",
        rule("signal(mine.harassment) >= 0.8 and you")
    );
    std::fs::write(dir.join("policy.toml"), &src).unwrap();
    let p = Policy::from_file(dir.join("policy.toml")).unwrap_or_else(|e| panic!("{e}"));
    let v = p.classify("you are a stupid worthless idiot");
    assert!(v.has_category("harassment.insult"), "{v:?}");
    assert!(p.classify("I would never call you an idiot").is_clean());
    // An unknown category of the policy's own model.
    let src = src.replace("mine.harassment", "mine.harrassment");
    std::fs::write(dir.join("typo.toml"), &src).unwrap();
    let err = Policy::from_file(dir.join("typo.toml")).unwrap_err();
    assert_eq!(err.problems()[0].kind(), ProblemKind::UnknownSignal);
    assert!(
        err.problems()[0]
            .message()
            .contains("did you mean `harassment`?")
    );
}

#[test]
fn a_missing_or_corrupt_model_is_a_located_error() {
    let dir = scratch("bad");
    let body = |file: &str| {
        format!(
            "{HEAD}\n[signals.mine]\nfile = \"{file}\"\n\n{}",
            rule("signal(mine.hate) >= 0.8 and you")
        )
    };
    std::fs::write(dir.join("missing.toml"), body("nowhere.bin")).unwrap();
    let err = Policy::from_file(dir.join("missing.toml")).unwrap_err();
    assert_eq!(err.problems().len(), 1, "one problem, not a cascade: {err}");
    let p = &err.problems()[0];
    assert_eq!(p.kind(), ProblemKind::Io);
    assert_eq!(p.path(), "signals.mine.file");
    assert!(p.message().contains("nowhere.bin"), "{p}");
    assert_eq!(p.location().map(|l| l.line), Some(HEAD.lines().count() + 3));

    let mut bytes = SignalModel::builtin().unwrap().to_bytes();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(dir.join("corrupt.bin"), &bytes).unwrap();
    std::fs::write(dir.join("corrupt.toml"), body("corrupt.bin")).unwrap();
    let err = Policy::from_file(dir.join("corrupt.toml")).unwrap_err();
    let p = &err.problems()[0];
    assert_eq!(p.kind(), ProblemKind::InvalidSignalModel);
    assert!(p.message().contains("checksum"), "{p}");

    std::fs::write(dir.join("text.bin"), "not a model").unwrap();
    std::fs::write(dir.join("text.toml"), body("text.bin")).unwrap();
    let err = Policy::from_file(dir.join("text.toml")).unwrap_err();
    assert_eq!(err.problems()[0].kind(), ProblemKind::InvalidSignalModel);

    // `builtin` is reserved.
    let src = format!("{HEAD}\n[signals.builtin]\nfile = \"x.bin\"\n");
    let err = Policy::from_toml_str(&src).unwrap_err();
    assert!(
        err.problems()[0].message().contains("built-in model"),
        "{err}"
    );
}

#[test]
fn the_fingerprint_covers_the_model_bytes() {
    let dir = scratch("fingerprint");
    let model = SignalModel::builtin().unwrap();
    std::fs::write(dir.join("a.bin"), model.to_bytes()).unwrap();
    // The same model with one weight changed, and its checksum fixed.
    let mut retuned = model.to_bytes();
    let body_end = retuned.len() - 8;
    retuned[200] = retuned[200].wrapping_add(1);
    let sum = retuned[..body_end]
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    retuned[body_end..].copy_from_slice(&sum.to_le_bytes());
    assert!(SignalModel::from_bytes(&retuned).is_ok());
    std::fs::write(dir.join("b.bin"), &retuned).unwrap();
    let load = |file: &str| {
        let src = format!(
            "{HEAD}\n[signals.mine]\nfile = \"{file}\"\n\n{}",
            rule("signal(mine.hate) >= 0.8 and you")
        );
        std::fs::write(dir.join("p.toml"), src).unwrap();
        Policy::from_file(dir.join("p.toml")).unwrap_or_else(|e| panic!("{e}"))
    };
    let a = load("a.bin");
    let b = load("b.bin");
    assert_ne!(a.fingerprint(), b.fingerprint());
    assert_eq!(a.fingerprint(), load("a.bin").fingerprint());
    // A model defined but never referenced decides nothing.
    let unused = Policy::from_toml_str(&format!(
        "{HEAD}\n[signals.mine]\nfile = \"{}\"\n\n{}",
        dir.join("a.bin").display(),
        rule("you")
    ))
    .unwrap();
    assert_eq!(
        unused.fingerprint(),
        policy(&rule("you")).unwrap().fingerprint()
    );
}

#[test]
fn explain_prints_scores_and_strongest_features() {
    let p = policy(&rule("signal(harassment) >= 0.8 and you")).unwrap();
    let why = p.explain("you are a stupid worthless idiot");
    assert_eq!(why.signals.len(), 1);
    let sig = &why.signals[0];
    assert_eq!(sig.signal, "harassment");
    assert!(sig.score > 0.8, "{sig:?}");
    assert_eq!(
        sig.comparisons,
        vec![("signal(harassment) >= 0.8".to_string(), true)]
    );
    assert!(!sig.features.is_empty() && sig.features.iter().all(|f| f.weight > 0));
    let text = why.to_string();
    assert!(text.contains("signals:\n  harassment: 0.99"), "{text}");
    assert!(text.contains("strongest features: "), "{text}");
    assert!(
        why.hits
            .iter()
            .any(|h| h.lexicon == "signal(harassment) >= 0.8"),
        "the signal's hits are listed: {text}"
    );
    // A policy without signals explains without a signals section.
    let plain = policy(&rule("you")).unwrap().explain("you");
    assert!(plain.signals.is_empty());
    assert!(!plain.to_string().contains("signals:"));
}

#[test]
fn a_signal_needs_its_partner_in_the_same_sentence() {
    let p = policy(&rule("signal(harassment) >= 0.8 and you")).unwrap();
    let text = "What a stupid worthless idiot. Anyway, see you tomorrow";
    let why = p.explain(text);
    assert!(why.signals[0].score >= 0.8, "the score passes: {why}");
    assert!(
        why.verdict.is_clean(),
        "but `you` is in another sentence: {why}"
    );
    assert!(
        !p.classify("What a stupid worthless idiot you are. See you")
            .is_clean()
    );
}

#[test]
fn stacks_keep_each_layers_signals() {
    let a = policy(&rule("signal(harassment) >= 0.8 and you")).unwrap();
    let b = Policy::from_toml_str(&format!(
        "{}\n{}",
        HEAD.replace("\"sig\"", "\"sig2\""),
        "[[rules]]\nid = \"h\"\ncategory = \"hate.derogation\"\nwhen = 'signal(hate) > 0.5'\n"
    ))
    .unwrap();
    let stack = PolicyStack::new()
        .layer(a.clone())
        .layer(b.clone())
        .build()
        .unwrap();
    assert!(stack.is_single_pass());
    for text in [
        "you are a stupid worthless idiot",
        "les musulmans sont des terroristes",
        "Thank you, see you tomorrow",
    ] {
        let sv = stack.classify(text);
        let got: Vec<bool> = sv.layers().iter().map(|v| v.is_clean()).collect();
        assert_eq!(
            got,
            vec![a.classify(text).is_clean(), b.classify(text).is_clean()],
            "{text}"
        );
    }
}

#[test]
fn the_baseline_uses_the_signal_and_an_override_switches_it_off() {
    let fired = |p: &Policy, text: &str| {
        p.classify(text)
            .findings()
            .iter()
            .any(|f| f.rule() == "signal.hate.group")
    };
    let baseline = Policy::baseline();
    let rules_only = Policy::from_toml_str(
        "[policy]\nid = \"rules-only\"\nextends = [\"baseline\"]\n\n\
         [override.rules.\"signal.hate.group\"]\nenabled = false\n",
    )
    .unwrap();
    for text in ["those muslims are trash", "Les gays sont des pervers"] {
        assert!(fired(&baseline, text), "{text}");
        assert!(!fired(&rules_only, text), "{text}");
    }
    // Suspended like the hate rules: negated, reported.
    for text in [
        "Not all muslims are trash",
        "Il a dit que les gays sont des pervers",
    ] {
        assert!(!fired(&baseline, text), "{text}");
    }
    // The same text gives the same verdict every time (the model is deterministic).
    let a = format!("{:?}", baseline.classify("those muslims are trash"));
    let b = format!("{:?}", baseline.classify("those muslims are trash"));
    assert_eq!(a, b);
}
