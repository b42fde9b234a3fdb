//! A lexicon's `lang` (docs/policy-format.md, "Languages of lexicons"): `en` and `fr`
//! scope a lexicon, so that its words more common in the other language are not read in
//! a sentence of that language; a lexicon without `lang`, or with another value, reads
//! every word everywhere, and a policy without scoped lexicons keeps its fingerprint.

use tosguard::Policy;

/// A policy of one rule over one lexicon of `terms`, with `lang` when given.
fn policy(lang: Option<&str>, terms: &str) -> Policy {
    let lang = lang
        .map(|l| format!("lang = \"{l}\"\n"))
        .unwrap_or_default();
    Policy::from_toml_str(&format!(
        r#"
[policy]
id = "langs"
extends = ["taxonomy"]

[lexicons.words]
{lang}terms = [{terms}]

[[rules]]
id = "langs.word"
category = "profanity"
when = "words"
"#
    ))
    .expect("the policy compiles")
}

fn fires(p: &Policy, text: &str) -> bool {
    !p.classify(text).findings().is_empty()
}

#[test]
fn an_english_lexicon_does_not_read_its_french_words_in_french_sentences() {
    let en = policy(Some("en"), r#""retard", "douche", "nigger{,s}""#);
    // French sentences: `retard` and `douche` are French words first.
    assert!(!fires(&en, "Le train a du retard ce matin"));
    assert!(!fires(&en, "Je prends une douche et j'arrive"));
    // A word that is not more common in French is still read there.
    assert!(fires(&en, "Ces niggers n'ont rien à faire ici"));
    // English sentences, and sentences of no clear language, read every word.
    assert!(fires(&en, "Shut up, you retard"));
    assert!(fires(&en, "retard"));
}

#[test]
fn a_french_lexicon_does_not_read_its_english_words_in_english_sentences() {
    let fr = policy(Some("fr"), r#""sale", "bite", "pute""#);
    assert!(!fires(
        &fr,
        "There is a big sale on shoes at the mall this weekend"
    ));
    assert!(!fires(&fr, "I got a mosquito bite on my arm"));
    assert!(fires(&fr, "Your mother is a pute"));
    // French sentences read every word of a French lexicon.
    assert!(fires(&fr, "C'est une sale histoire"));
}

#[test]
fn a_lexicon_without_a_known_language_reads_every_word_everywhere() {
    for lang in [None, Some("any"), Some("de")] {
        let p = policy(lang, r#""retard", "sale""#);
        assert!(fires(&p, "Le train a du retard ce matin"), "{lang:?}");
        assert!(
            fires(&p, "There is a big sale on shoes at the mall this weekend"),
            "{lang:?}"
        );
    }
}

#[test]
fn only_a_known_language_changes_the_fingerprint() {
    let none = policy(None, r#""retard""#);
    let any = policy(Some("any"), r#""retard""#);
    let en = policy(Some("en"), r#""retard""#);
    let fr = policy(Some("fr"), r#""retard""#);
    assert_eq!(none.fingerprint(), any.fingerprint());
    assert_ne!(none.fingerprint(), en.fingerprint());
    assert_ne!(en.fingerprint(), fr.fingerprint());
}

#[test]
fn the_language_survives_the_stored_form() {
    let en = policy(Some("en"), r#""retard""#);
    let back = Policy::from_bytes(&en.to_bytes()).expect("the stored form loads");
    assert_eq!(back.fingerprint(), en.fingerprint());
    assert!(!fires(&back, "Le train a du retard ce matin"));
    assert!(fires(&back, "Shut up, you retard"));
}
