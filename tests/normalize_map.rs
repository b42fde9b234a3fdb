//! The offset map of the normalization: raw offsets for a few fixed cases, and
//! property tests over arbitrary input (never panics, ranges in bounds, on char
//! boundaries and monotone; invariance under zero-width characters, case and
//! fullwidth forms).
//!
//! The normalization module is crate-private, so it is compiled into this test crate
//! from its source (it depends on nothing else in the crate).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests"
)]

#[allow(dead_code, unused_imports, clippy::all)]
#[path = "../src/normalize/mod.rs"]
mod normalize;

#[allow(dead_code)]
#[path = "../src/built.rs"]
mod built;

use normalize::{
    NormalizeOptions, Normalized, Vocab, normalize_into, normalize_reference_into,
    normalize_reference_with, normalize_with,
};
use proptest::prelude::*;

/// Folds `s` with the default options.
fn norm(s: &str) -> Normalized {
    let mut n = Normalized::new();
    normalize_into(s, &NormalizeOptions::default(), &mut n);
    n
}

/// An input, its folded text, and `(folded range, original range)` pairs.
type Case = (
    &'static str,
    &'static str,
    &'static [(std::ops::Range<usize>, std::ops::Range<usize>)],
);

/// `(folded range, original range)` pairs, raw offsets.
#[test]
fn raw_offsets() {
    let cases: &[Case] = &[
        ("Kill", "kill", &[(0..4, 0..4), (1..2, 1..2)]),
        ("a  b", "a b", &[(1..2, 1..3), (2..3, 3..4)]),
        (
            "k.i.l.l x",
            "kill x",
            &[(0..4, 0..7), (1..2, 2..3), (4..5, 7..8)],
        ),
        (
            "k\u{200B}ill",
            "kill",
            &[(0..4, 0..7), (0..1, 0..1), (1..2, 4..5)],
        ),
        (
            "kiiiiill",
            "kiiill",
            &[(0..6, 0..8), (3..4, 3..6), (4..5, 6..7)],
        ),
        ("Éa", "ea", &[(0..1, 0..2), (1..2, 2..3)]),
        ("e\u{301}a", "ea", &[(0..1, 0..3), (1..2, 3..4)]),
        (
            "ﬁx",
            "fix",
            &[(0..1, 0..3), (1..2, 0..3), (0..2, 0..3), (2..3, 3..4)],
        ),
        ("ß", "ss", &[(0..2, 0..2), (1..2, 0..2)]),
        ("ＫＩＬＬ", "kill", &[(0..4, 0..12), (2..3, 6..9)]),
        ("k1ll", "kill", &[(1..2, 1..2)]),
        ("f*ck", "f\u{FDD0}ck", &[(1..4, 1..2), (0..6, 0..4)]),
        ("x \n\t y", "x\ny", &[(1..2, 1..5), (2..3, 5..6)]),
        ("", "", &[(0..0, 0..0), (0..5, 0..0)]),
    ];
    for (input, folded, pairs) in cases {
        let n = norm(input);
        assert_eq!(n.text(), *folded, "{input:?}");
        for (f, o) in pairs.iter() {
            assert_eq!(n.original_range(f.clone()), *o, "{input:?} {f:?}");
        }
    }
}

/// Checks the map of `n` for `input`: every range in bounds, on char boundaries,
/// monotone, and whole words map back to what produced them.
fn check(input: &str, n: &Normalized) -> Result<(), TestCaseError> {
    let len = n.text().len();
    let mut prev = 0..0;
    for i in 0..=len {
        let r = n.original_range(i..(i + 1).min(len));
        prop_assert!(r.start <= r.end && r.end <= input.len());
        prop_assert!(input.is_char_boundary(r.start) && input.is_char_boundary(r.end));
        prop_assert!(r.start >= prev.start && (r.is_empty() || r.end >= prev.end));
        if !r.is_empty() {
            prev = r;
        }
    }
    let all = n.original_range(0..len);
    prop_assert!(all.end <= input.len());
    Ok(())
}

/// Characters that exercise every pass.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        prop::sample::select(vec![
            'a',
            'k',
            'i',
            'l',
            'L',
            'E',
            'e',
            's',
            'o',
            ' ',
            ' ',
            '.',
            '-',
            '_',
            '*',
            '|',
            '$',
            '@',
            '!',
            '1',
            '0',
            '3',
            '4',
            '5',
            '2',
            '\'',
            '\n',
            '/',
            'é',
            'É',
            'ß',
            'ﬁ',
            'ｋ',
            '𝐤',
            'ⓚ',
            '⒦',
            '🅺',
            'і',
            'а',
            'о',
            'к',
            'Ж',
            'ο',
            'κ',
            'λ',
            '\u{200B}',
            '\u{AD}',
            '\u{202E}',
            '\u{FE0F}',
            '\u{301}',
            '\u{337}',
            '\u{3099}',
            'か',
            '한',
            '\u{1161}',
            '\u{FDD0}',
            '“',
            '’',
            '«',
            'ｶ',
            'ﾞ',
            '\u{0}',
            '\u{10FFFF}',
            '\u{93F}',
            'न',
        ]),
        any::<char>(),
    ]
}

/// The options with each family switched on or off by `flags`.
fn options(flags: [bool; 6]) -> NormalizeOptions {
    NormalizeOptions {
        confusables: flags[0],
        invisible: flags[1],
        leetspeak: flags[2],
        separated_letters: flags[3],
        repeated_letters: flags[4],
        masked_letters: flags[5],
    }
}

/// Pieces of ASCII text that exercise every evasion pass: single letters and digits,
/// separators, leet symbols, stars, letter runs, URLs, whitespace of every kind.
fn ascii_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z]{1,6}",
        3 => prop::sample::select(vec![" ", "  ", "\n", " \t ", "\r\n", "\x0b"]).prop_map(String::from),
        3 => "[a-z0-9@$!*._|/'`-]",
        2 => "[kK][iI1!*]{1,5}[lL1]{1,3}",
        1 => prop::sample::select(vec![
            "http://x.io/k1ll", "a@b.c", "www.k1ll.com", "$50", "2021", "4x4", "k.i.l.l",
            "k i l l", "k - i - l - l", "f*ck", "wow!!", "sh!t", "1st", "mp3", "kiiiill",
            "aaaa", "x|y|z|w", "J. R. R. T.", "il y a", "@j0hn", "y o u", "m o o o r t",
            "j e  v a i s", "l'a b c", "mooort", "a b c d",
        ]).prop_map(String::from),
        1 => "[\x00-\x7f]{1,4}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_and_map_is_sound(s in "\\PC{0,40}") {
        let n = norm(&s);
        check(&s, &n)?;
    }

    #[test]
    fn tricky_inputs_map_is_sound(chars in prop::collection::vec(tricky_char(), 0..60)) {
        let s: String = chars.into_iter().collect();
        let n = norm(&s);
        check(&s, &n)?;
        // Arbitrary (also reversed or out of range) ranges never panic.
        let len = n.text().len();
        for (a, b) in [(0, len + 3), (len, 0), (len / 2, len / 3), (usize::MAX, usize::MAX)] {
            let r = n.original_range(a..b);
            prop_assert!(r.end <= s.len() && s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
        }
    }

    #[test]
    fn ascii_fast_path_agrees_with_the_unit_pipeline(
        parts in prop::collection::vec(ascii_piece(), 0..40),
        flags in any::<[bool; 6]>(),
    ) {
        let s: String = parts.concat();
        let opts = options(flags);
        for opts in [opts, NormalizeOptions::default()] {
            let (mut fast, mut reference) = (Normalized::new(), Normalized::new());
            normalize_into(&s, &opts, &mut fast);
            normalize_reference_into(&s, &opts, &mut reference);
            prop_assert_eq!(fast.text(), reference.text(), "input {:?}", s);
            prop_assert_eq!(fast.byte_map(), reference.byte_map(), "input {:?}", s);
            // With a vocabulary (spelled-out words split, elongations read) too.
            let vocab = Vocab::from_terms(["a b", "ab cd", "kill you", "je vais te", "mort"], &opts);
            normalize_with(&s, &opts, Some(&vocab), &mut fast);
            normalize_reference_with(&s, &opts, Some(&vocab), &mut reference);
            prop_assert_eq!(fast.text(), reference.text(), "input {:?}", s);
            prop_assert_eq!(fast.byte_map(), reference.byte_map(), "input {:?}", s);
        }
    }

    #[test]
    fn every_option_combination_is_sound(
        chars in prop::collection::vec(tricky_char(), 0..40),
        flags in any::<[bool; 6]>(),
    ) {
        let s: String = chars.into_iter().collect();
        let opts = options(flags);
        let mut n = Normalized::new();
        normalize_into(&s, &opts, &mut n);
        check(&s, &n)?;
    }

    #[test]
    fn invisible_case_and_fullwidth_change_nothing(
        s in "[a-zA-Z]{1,8}( [a-zA-Z]{1,8}){0,6}",
        zw in prop::collection::vec((0usize..64, 0usize..5), 0..8),
        upper in any::<bool>(),
        wide in prop::collection::vec(any::<bool>(), 64),
    ) {
        let base = norm(&s).text().to_owned();
        // zero-width characters anywhere
        let zws = ['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'];
        let mut chars: Vec<char> = s.chars().collect();
        for (at, which) in zw {
            chars.insert(at.min(chars.len()), zws[which]);
        }
        let with_zw: String = chars.iter().collect();
        let got = norm(&with_zw);
        prop_assert_eq!(got.text(), base.as_str());
        // case
        let cased = if upper { s.to_uppercase() } else { s.to_lowercase() };
        let got = norm(&cased);
        prop_assert_eq!(got.text(), base.as_str());
        // fullwidth letters
        let widened: String = s
            .chars()
            .zip(wide.iter().cycle())
            .map(|(c, &w)| {
                if w && c.is_ascii_alphabetic() {
                    char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap()
                } else {
                    c
                }
            })
            .collect();
        let got = norm(&widened);
        prop_assert_eq!(got.text(), base.as_str());
    }

    #[test]
    fn folding_is_idempotent_on_words(s in "[a-zA-Zéèàç0-9 .'-]{0,40}") {
        let once = norm(&s).text().to_owned();
        let twice = norm(&once).text().to_owned();
        prop_assert_eq!(twice, once);
    }
}
