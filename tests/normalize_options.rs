//! The public `NormalizeOptions`: defaults and the `[policy.normalize]` serde form.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests"
)]

use tosguard::NormalizeOptions;

#[test]
fn defaults_are_all_on() {
    let o = NormalizeOptions::default();
    assert!(o.confusables && o.invisible && o.leetspeak);
    assert!(o.separated_letters && o.repeated_letters && o.masked_letters);
}

#[test]
fn partial_toml_keeps_defaults() {
    let o: NormalizeOptions = toml::from_str("leetspeak = false\nmasked_letters = false").unwrap();
    assert!(!o.leetspeak && !o.masked_letters);
    assert!(o.confusables && o.separated_letters);
    let empty: NormalizeOptions = toml::from_str("").unwrap();
    assert_eq!(empty, NormalizeOptions::default());
}

#[test]
fn unknown_fields_are_rejected() {
    let err = toml::from_str::<NormalizeOptions>("leet = true").unwrap_err();
    assert!(err.to_string().contains("leet"), "{err}");
}

#[test]
fn json_round_trip() {
    let o = NormalizeOptions {
        repeated_letters: false,
        ..NormalizeOptions::default()
    };
    let s = serde_json::to_string(&o).unwrap();
    assert_eq!(serde_json::from_str::<NormalizeOptions>(&s).unwrap(), o);
}
