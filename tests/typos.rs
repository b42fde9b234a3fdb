//! Typo variants of fuzzy lexicons (`fuzzy = 1`) and the `[typos] exclude` list.

use tosguard::{Loader, Policy, ProblemKind};

/// A policy with one fuzzy lexicon of harm verbs and one exact target list.
fn policy(extra: &str) -> Result<Policy, tosguard::PolicyError> {
    Loader::new().from_toml_str(&format!(
        r#"
[policy]
id = "typo-test"
extends = ["taxonomy"]
{extra}

[lexicons.harm]
fuzzy = 1
terms = ["shoot", "tuer", "violer", "manque de respect"]

[[rules]]
id = "harm"
category = "violence.threat"
when = "harm"
"#
    ))
}

#[test]
fn fuzzy_words_of_four_letters_and_phrases_of_three_words_match_typos() {
    let p = policy("").unwrap();
    for text in [
        "je vais te teur",           // swapped, four-letter word
        "I will shooot",             // doubled
        "un manque de respct total", // missing, in a three-word phrase
        "vioelr",
    ] {
        let v = p.classify(text);
        assert!(v.has_category("violence.threat"), "{text}");
    }
    // Two letters off is not a typo.
    for text in ["je vais te tr", "I will sht", "un manque de rspct"] {
        assert!(p.classify(text).is_clean(), "{text}");
    }
}

#[test]
fn excluded_words_are_never_read_as_typos() {
    // A real word is read only as a term less its final letter (`viole` as `violer`),
    // never with a letter missing inside (`shot` is no `shoot`, `voler` no `violer`).
    let p = policy("").unwrap();
    assert!(
        p.classify("nice shot").is_clean(),
        "a real word, not a typo"
    );
    assert!(
        p.classify("on va voler").is_clean(),
        "a real word, not a typo"
    );
    assert!(p.classify("on va la viole").has_category("violence.threat"));

    let p = policy("\n[typos]\nexclude = [\"shot\", \"VIOLE\"]\n").unwrap();
    assert!(p.classify("nice shot").is_clean(), "excluded");
    assert!(p.classify("on va la viole").is_clean(), "excluded, folded");
    // The exact term and its other typos still match.
    assert!(p.classify("shoot").has_category("violence.threat"));
    assert!(p.classify("shooot").has_category("violence.threat"));
    assert!(p.classify("vilor").is_clean());
    assert!(p.classify("vioelr").has_category("violence.threat"));
}

#[test]
fn exclusions_of_every_pack_apply() {
    let parent = "[policy]\nid = \"words\"\n[typos]\nexclude = [\"shot\"]\n";
    let child = r#"
[policy]
id = "child"
extends = ["taxonomy", "words"]

[lexicons.harm]
fuzzy = 1
terms = ["shoot"]

[[rules]]
id = "harm"
category = "violence.threat"
when = "harm"
"#;
    let p = Loader::new()
        .source("words", parent)
        .from_toml_str(child)
        .unwrap();
    assert!(p.classify("nice shot").is_clean());
    assert!(p.classify("shooot").has_category("violence.threat"));
}

#[test]
fn the_baseline_does_not_read_real_words_as_typos() {
    let p = Policy::baseline();
    for text in [
        "We are going to put an end to all pollution.",
        "Les enfants jouent tout nus sur la plage",
        "I shot a great photo of the lake",
    ] {
        let v = p.classify(text);
        assert!(
            !v.has_category("hate.slur") && !v.has_category("sexual.minors"),
            "{text}: {:?}",
            v.findings().iter().map(|f| f.rule()).collect::<Vec<_>>()
        );
    }
}

#[test]
fn exclude_entries_must_be_single_words() {
    let err = policy("\n[typos]\nexclude = [\"two words\", \"\", \"ok\"]\n").unwrap_err();
    let kinds: Vec<(ProblemKind, String)> = err
        .problems()
        .iter()
        .map(|p| (p.kind(), p.path().to_string()))
        .collect();
    assert!(
        kinds.contains(&(ProblemKind::InvalidValue, "typos.exclude[0]".into())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(ProblemKind::EmptyTerm, "typos.exclude[1]".into())),
        "{kinds:?}"
    );
    assert_eq!(kinds.len(), 2, "{kinds:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("`two words` is not one word of letters"),
        "{msg}"
    );
}
