//! Unit tests of the normalization (tables of cases; raw offsets only in map tests).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests"
)]

use std::collections::HashSet;

use super::*;

/// Every family switched off, the invisible characters kept too.
fn all_off() -> NormalizeOptions {
    NormalizeOptions {
        confusables: false,
        invisible: false,
        leetspeak: false,
        separated_letters: false,
        repeated_letters: false,
        masked_letters: false,
    }
}

/// Folds `s` with `opts`.
fn fold_with(s: &str, opts: &NormalizeOptions) -> String {
    let mut n = Normalized::new();
    normalize_into(s, opts, &mut n);
    n.text().to_owned()
}

/// Folds `s` with the default options.
fn fold(s: &str) -> String {
    fold_with(s, &NormalizeOptions::default())
}

#[test]
fn smoke() {
    assert_eq!(fold("Hello  World"), "hello world");
}

/// Folds with every evasion family off (core folding and invisibles only).
fn fold_core(s: &str) -> String {
    let opts = NormalizeOptions::core_only();
    fold_with(s, &opts)
}

/// Asserts every folded byte maps in bounds, on char boundaries, monotonically.
fn check_map(input: &str, n: &Normalized) {
    let mut prev = (0u32, 0u32);
    for &(s, e) in n.byte_map() {
        let (su, eu) = (s as usize, e as usize);
        assert!(su <= eu && eu <= input.len(), "{input:?}: {s}..{e}");
        assert!(
            input.is_char_boundary(su) && input.is_char_boundary(eu),
            "{input:?}"
        );
        assert!(s >= prev.0 && e >= prev.1, "{input:?}: not monotone");
        prev = (s, e);
    }
}

#[test]
fn core_folding_table() {
    let cases: &[(&str, &str)] = &[
        ("Hello  World", "hello world"),
        ("a \t b\r\n c", "a b\nc"),
        ("  lead", " lead"),
        ("Élève Ça Œuvre straße", "eleve ca oeuvre strasse"),
        ("ẞ", "ss"),
        ("naïve café résumé", "naive cafe resume"),
        ("ＫＩＬＬ", "kill"),
        ("𝐤𝐢𝐥𝐥 𝕜𝕚𝕝𝕝 𝓀𝒾𝓁𝓁", "kill kill kill"),
        ("ⓚⓘⓛⓛ", "kill"),
        ("⒦⒤⒧⒧", "kill"),
        ("🄚🄘🄛🄛", "kill"),
        ("🅺🅸🅻🅻 🅚🅘🅛🅛", "kill kill"),
        ("ﬁnd ﬂy", "find fly"),
        ("ᵏⁱˡˡ", "kill"),
        ("it’s l‘homme ʼx´y`z′", "it's l'homme 'x'y'z'"),
        ("“quoted” „low‟", "\"quoted\" \"low\""),
        ("« guillemets »", "« guillemets »"),
        ("ΣΊΣΥΦΟΣ ς", "σισυφοσ σ"),
        ("Привет, МИР", "привет, мир"),
        ("日本語のテキスト", "日本語のテキスト"),
        ("が か\u{3099}", "が が"),
        ("한국어", "한국어"),
        ("हिन्दी", "हिन्दी"),
        ("مرحبا بالعالم", "مرحبا بالعالم"),
        ("e\u{301}te\u{301}", "ete"),
        (
            "z\u{335}\u{31b}\u{358}a\u{30f}\u{34c}\u{350}l\u{317}go",
            "zalgo",
        ),
        ("k\u{200B}i\u{200C}l\u{200D}l\u{2060}\u{FEFF}", "kill"),
        ("ki\u{AD}ll \u{202E}x\u{202C} y\u{FE0F}", "kill x y"),
        ("ab\u{00A0}cd\u{2003}ef\u{2028}gh", "ab cd ef\ngh"),
        ("x\u{FDD0}y", "x\u{FFFD}y"),
        ("", ""),
    ];
    for (input, want) in cases {
        assert_eq!(fold(input), *want, "input {input:?}");
        let mut n = Normalized::new();
        normalize_into(input, &NormalizeOptions::default(), &mut n);
        check_map(input, &n);
    }
}

#[test]
fn ascii_fast_path_map() {
    let mut n = Normalized::new();
    normalize_into("Ab  \n c", &NormalizeOptions::default(), &mut n);
    assert_eq!(n.text(), "ab\nc");
    assert_eq!(n.byte_map(), &[(0, 1), (1, 2), (2, 6), (6, 7)]);
    assert_eq!(n.original_range(0..2), 0..2);
    assert_eq!(n.original_range(2..3), 2..6);
    assert_eq!(n.original_range(0..4), 0..7);
}

/// The ASCII fast path folds and maps exactly as the unit pipeline does, on texts where
/// every evasion family fires next to ordinary words, whitespace runs and codes.
#[test]
fn ascii_fast_path_agrees_with_the_reference() {
    let texts = [
        "I will k1ll you, k.i.l.l y0u, kiiiiill you, k*ll you and k i l l you.",
        "Meeting at 3pm in room 4B; bring the Q4 numbers (v2.1) and $50.",
        "k - i - l - l them\r\n\tall   now!!! wow!! sh!t a b c d",
        "mail me at j0hn@example.com or see http://k1ll.example/x?a=1",
        "  leading and trailing  \n\n ",
        "x|y|z|w and J. R. R. T. and il y a u n e and l'a d'i",
        "TUEEEEER `quoted` f**k B-52 covid-19 4x4 2021 1st 10am a$$ @j0hn",
        "",
        " ",
        "a",
    ];
    for opts in [NormalizeOptions::default(), all_off()] {
        for text in texts {
            let (mut fast, mut reference) = (Normalized::new(), Normalized::new());
            normalize_into(text, &opts, &mut fast);
            normalize_reference_into(text, &opts, &mut reference);
            assert_eq!(fast.text(), reference.text(), "input {text:?}");
            assert_eq!(fast.byte_map(), reference.byte_map(), "input {text:?}");
        }
    }
}

#[test]
fn unicode_map_offsets() {
    let mut n = Normalized::new();
    let input = "Straße ﬁ é";
    normalize_into(input, &NormalizeOptions::default(), &mut n);
    assert_eq!(n.text(), "strasse fi e");
    // ß (bytes 4..6) -> "ss" (folded 4..6)
    assert_eq!(n.original_range(4..5), 4..6);
    assert_eq!(n.original_range(4..6), 4..6);
    // ﬁ (bytes 8..11) -> "fi" (folded 8..10)
    assert_eq!(n.original_range(8..9), 8..11);
    // é (bytes 12..14) -> "e" (folded 11..12)
    assert_eq!(n.original_range(11..12), 12..14);
    assert_eq!(&input[n.original_range(0..12)], input);
}

#[test]
fn original_range_clamps() {
    let mut n = Normalized::new();
    normalize_into("héllo", &NormalizeOptions::default(), &mut n);
    assert_eq!(n.original_range(0..100), 0..6);
    assert_eq!(n.original_range(100..200), 6..6);
    #[allow(clippy::reversed_empty_ranges)]
    let r = n.original_range(3..1);
    assert_eq!(r, 4..4);
    assert_eq!(n.original_range(2..2), 3..3);
    let empty = Normalized::new();
    assert_eq!(empty.original_range(0..5), 0..0);
}

#[test]
fn buffers_are_reused() {
    let mut n = Normalized::new();
    let opts = NormalizeOptions::default();
    normalize_into(&"Kill ça k.i.l.l ".repeat(50), &opts, &mut n);
    let caps = (n.text.capacity(), n.src.capacity(), n.units.capacity());
    normalize_into(&"Kill ça k.i.l.l ".repeat(40), &opts, &mut n);
    assert_eq!(
        caps,
        (n.text.capacity(), n.src.capacity(), n.units.capacity())
    );
}

#[test]
fn invisible_off_keeps_them() {
    let opts = NormalizeOptions {
        invisible: false,
        ..NormalizeOptions::default()
    };
    assert_eq!(fold_with("k\u{200B}ill", &opts), "k\u{200B}ill");
}

/// Folds `input` and returns the original text of the first whole-word occurrence of
/// `folded_word` in the folded text.
fn evidence<'a>(input: &'a str, folded_word: &str) -> Option<&'a str> {
    let mut n = Normalized::new();
    normalize_into(input, &NormalizeOptions::default(), &mut n);
    let text = n.text();
    for (at, _) in text.match_indices(folded_word) {
        let end = at + folded_word.len();
        let before = text[..at].chars().next_back();
        let after = text[end..].chars().next();
        if !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char) {
            return Some(&input[n.original_range(at..end)]);
        }
    }
    None
}

#[test]
fn evasion_table() {
    // (input, folded text, a folded word, its original evidence)
    let cases: &[(&str, &str, &str, &str)] = &[
        ("I will k1ll you", "i will kill you", "kill", "k1ll"),
        ("$h00t them", "$hoot them", "$hoot", "$h00t"),
        ("tu3r", "tuer", "tuer", "tu3r"),
        ("4ss", "ass", "ass", "4ss"),
        ("a$$", "ass", "ass", "a$$"),
        ("r@pe", "rape", "rape", "r@pe"),
        ("sh!t!", "shit!", "shit", "sh!t"),
        ("h4x0r n00b", "haxor noob", "haxor", "h4x0r"),
        ("s4l0p3", "salope", "salope", "s4l0p3"),
        ("go k.i.l.l them", "go kill them", "kill", "k.i.l.l"),
        ("go k i l l them", "go kill them", "kill", "k i l l"),
        ("go K-I-L-L", "go kill", "kill", "K-I-L-L"),
        ("go k_i_l_l.", "go kill.", "kill", "k_i_l_l"),
        ("go k . i . l . l", "go kill", "kill", "k . i . l . l"),
        ("p e n d r e", "pendre", "pendre", "p e n d r e"),
        ("K 1 L L", "kill", "kill", "K 1 L L"),
        (
            "k\u{200B}i\u{200B}l\u{200B}l",
            "kill",
            "kill",
            "k\u{200B}i\u{200B}l\u{200B}l",
        ),
        ("kiiiiill", "kiiill", "kiiill", "kiiiiill"),
        ("TUEEEEER", "tueeer", "tueeer", "TUEEEEER"),
        ("sh0000t", "shooot", "shooot", "sh0000t"),
        (
            "k\u{456}\u{456}\u{456}\u{456}ll",
            "kiiill",
            "kiiill",
            "k\u{456}\u{456}\u{456}\u{456}ll",
        ),
        ("k*ll", "k\u{FDD0}ll", "k\u{FDD0}ll", "k*ll"),
        (
            "n***er",
            "n\u{FDD0}\u{FDD0}\u{FDD0}er",
            "n\u{FDD0}\u{FDD0}\u{FDD0}er",
            "n***er",
        ),
        ("k\u{456}ll", "kill", "kill", "k\u{456}ll"),
        (
            "\u{41A}\u{406}LL you",
            "kill you",
            "kill",
            "\u{41A}\u{406}LL",
        ),
        ("\u{3BA}\u{3B9}ll", "kill", "kill", "\u{3BA}\u{3B9}ll"),
        (
            "k\u{337}i\u{337}l\u{337}l\u{337} x",
            "kill x",
            "kill",
            "k\u{337}i\u{337}l\u{337}l\u{337}",
        ),
    ];
    for (input, folded, word, ev) in cases {
        assert_eq!(fold(input), *folded, "input {input:?}");
        assert_eq!(evidence(input, word), Some(*ev), "input {input:?}");
    }
}

#[test]
fn benign_table() {
    // Inputs the evasion families must leave as the core folding leaves them.
    let cases = [
        "2021",
        "$50",
        "US$50",
        "4x4",
        "B-52",
        "covid-19",
        "covid19",
        "mp3",
        "win10",
        "1st 2nd 3rd 4th",
        "10am",
        "5km",
        "3eme",
        "k8s",
        "i18n",
        "v1.2.3",
        "3.14",
        "bob@mail.com",
        "https://x.com/k1ll",
        "@j0hn",
        "hello!",
        "**bold**",
        "a*b",
        "il y a à manger",
        "y a-t-il",
        "l'homme",
        "tuez-les",
        "as too been ben ass",
        "рор и сор",
        "Привет мир",
        "ο κόσμος",
        "$HOME",
        "x|y|z",
        "J. R. R. Tolkien",
        "a b",
        "www",
        "zzz",
        "12h30",
        "ps5",
        "h1n1",
        "4chan",
    ];
    for input in cases {
        assert_eq!(fold(input), fold_core(input), "input {input:?}");
    }
}

#[test]
fn documented_joins() {
    // Harmless joins of separated single letters (no letter is invented).
    assert_eq!(fold("U.S.A."), "usa.");
    assert_eq!(fold("a b c d"), "abcd");
    // Only common one-letter words: not joined.
    assert_eq!(fold("y a a"), "y a a");
    // A letter glued by an apostrophe is not a single.
    assert_eq!(fold("y a l'homme"), "y a l'homme");
    // Mixed separators are not one run.
    assert_eq!(fold("a b.c d"), "a b.c d");
    // Weak separators need four singles.
    assert_eq!(fold("a/b/c"), "a/b/c");
    assert_eq!(fold("k/i/l/l"), "kill");
}

#[test]
fn confusables_only_in_latin_words() {
    // A Russian word made of Latin-looking letters stays Cyrillic.
    assert_eq!(
        fold("\u{440}\u{430}\u{440}\u{430}"),
        "\u{440}\u{430}\u{440}\u{430}"
    );
    // One Latin letter inside a Russian word does not make it Latin.
    assert_eq!(
        fold("\u{43F}p\u{438}\u{432}\u{435}\u{442}"),
        "\u{43F}p\u{438}\u{432}\u{435}\u{442}"
    );
    let off = NormalizeOptions {
        confusables: false,
        ..NormalizeOptions::default()
    };
    assert_eq!(fold_with("k\u{456}ll", &off), "k\u{456}ll");
}

#[test]
fn options_switch_families_off() {
    let none = all_off();
    for input in ["k1ll", "k i l l", "kiiiiill", "f*ck", "k\u{456}ll"] {
        assert_eq!(fold_with(input, &none), fold_core(input), "{input:?}");
    }
    assert_eq!(fold_with("Élève  ＫＩＬＬ", &none), "eleve kill");
}

#[test]
fn confusables_table_sorted_unique_and_latin() {
    let t = confusables_table::CONFUSABLES;
    assert!(t.len() > 300);
    assert!(t.windows(2).all(|w| w[0].0 < w[1].0), "sorted and unique");
    assert!(
        t.iter()
            .all(|&(k, v)| !k.is_ascii() && v.is_ascii_lowercase())
    );
    for (c, want) in [
        ('\u{456}', 'i'),
        ('\u{430}', 'a'),
        ('\u{3BF}', 'o'),
        ('\u{3BD}', 'v'),
        ('\u{3BA}', 'k'),
    ] {
        assert_eq!(fold::confusable(c), Some(want), "{c:?}");
    }
}

#[test]
fn confusables_table_matches_its_data_version() {
    let table = include_str!("confusables_table.rs");
    let data = include_str!("../../data/unicode/confusables.txt");
    let version = data
        .lines()
        .find_map(|l| l.strip_prefix("# Version: "))
        .unwrap();
    assert!(table.starts_with("// DO NOT EDIT THIS FILE. IT WAS AUTOMATICALLY GENERATED BY:"));
    assert!(table.contains(&format!("Unicode version: {version}")));
}

/// Does some variant of `term` equal the whole folded `text`?
fn variant_matches(term: &str, text: &str, fuzzy: u8) -> bool {
    let folded = fold(text);
    term_variants(term, &NormalizeOptions::default(), fuzzy).contains(&folded)
}

#[test]
fn term_variants_first_is_folded_term() {
    let opts = NormalizeOptions::default();
    for t in ["Kill", " tuer ", "Égorger", "kill them all", "ＫＩＬＬ"] {
        assert_eq!(term_variants(t, &opts, 0)[0], fold(t.trim()));
    }
    assert_eq!(term_variants("", &opts, 1), vec![String::new()]);
}

#[test]
fn repeated_letters_do_not_collide() {
    // Elongated text matches the term ...
    for (term, text) in [
        ("kill", "kiiiiill"),
        ("kill", "killllll"),
        ("kill", "kiiiiilllll"),
        ("tuer", "TUEEEEER"),
        ("murder", "muuuurder"),
        ("ass", "asssss"),
        ("to", "toooo"),
    ] {
        assert!(variant_matches(term, text, 0), "{term} / {text}");
    }
    // ... but ordinary doubled words never match a shorter term, nor the reverse.
    for (term, text) in [
        ("as", "ass"),
        ("ass", "as"),
        ("to", "too"),
        ("too", "to"),
        ("ben", "been"),
        ("been", "ben"),
        ("kil", "kill"),
        ("kill", "kil"),
        ("god", "good"),
    ] {
        assert!(!variant_matches(term, text, 0), "{term} / {text}");
    }
}

#[test]
fn masked_variants() {
    for (term, text) in [
        ("kill", "k*ll"),
        ("kill", "k**l"),
        ("fuck", "f*ck"),
        ("fuck", "f**k"),
        ("nigger", "n*gger"),
        ("salope", "s*lope"),
        ("salope", "s**ope"),
    ] {
        assert!(variant_matches(term, text, 0), "{term} / {text}");
    }
    // a mask that also fits a word ten times as common reads as neither: `n***er`
    // fits `number`, `s****e` fits `simple`; `p*te` fits `pote`, more common than
    // `pute` but not ten times
    for (term, text) in [("nigger", "n***er"), ("salope", "s****e")] {
        assert!(!variant_matches(term, text, 0), "{term} / {text}");
    }
    assert!(variant_matches("pute", "p*te", 0));
    // the first and last letters are never masked, and each star is one letter
    for (term, text) in [
        ("kill", "*ill"),
        ("kill", "kil*"),
        ("kill", "k*l"),
        ("kill", "k***ll"),
    ] {
        assert!(!variant_matches(term, text, 0), "{term} / {text}");
    }
}

#[test]
fn l_reads_as_one() {
    for (term, text) in [
        ("loser", "1oser"),
        ("kill", "ki11"),
        ("kill", "k1ll"),
        ("kill", "k1l1"),
        ("slut", "s1ut"),
    ] {
        assert!(variant_matches(term, text, 0), "{term} / {text}");
    }
}

#[test]
fn typo_variants() {
    for (term, text) in [
        ("murder", "murdr"),
        ("murder", "mudrer"),
        ("strangle", "strangel"),
        ("bitch", "btich"),
    ] {
        assert!(variant_matches(term, text, 1), "{term} / {text}");
        assert!(
            !variant_matches(term, text, 0),
            "{term} / {text} without fuzzy"
        );
    }
    // A doubled letter is a typo, and an evasion variant of every term too.
    for (term, text) in [("murder", "murrder"), ("bitch", "bitchh")] {
        assert!(variant_matches(term, text, 1), "{term} / {text}");
        assert!(variant_matches(term, text, 0), "{term} / {text}");
    }
    // Words of four letters get them too, down to three letters ...
    for (term, text) in [
        ("kill", "kil"),
        ("tuer", "teur"),
        ("mort", "mrt"),
        ("homo", "omo"),
    ] {
        assert!(variant_matches(term, text, 1), "{term} / {text}");
    }
    // ... never words of three letters, never down to two.
    for (term, text) in [("con", "cn"), ("con", "ocn"), ("gay", "gy"), ("tue", "te")] {
        assert!(!variant_matches(term, text, 1), "{term} / {text}");
    }
}

#[test]
fn typo_variants_leave_out_excluded_words() {
    let opts = NormalizeOptions::default();
    let exclude: HashSet<String> = ["shot", "voler", "rein"].map(String::from).into();
    for (term, real_word, typo) in [
        ("shoot", "shot", "shooot"),
        ("violer", "voler", "vioelr"),
        ("rien", "rein", "rie"),
        ("manque de respect", "manque de respct", "manque de repsect"),
    ] {
        let v = typo_variants_of(term, &opts, &exclude);
        assert!(v.contains(&typo.to_string()), "{term}: {typo} in {v:?}");
        if exclude.contains(real_word) {
            assert!(
                !v.contains(&real_word.to_string()),
                "{term}: {real_word} excluded"
            );
        } else {
            assert!(v.contains(&real_word.to_string()), "{term}: {real_word}");
        }
        // Without the list, the real word is a variant.
        let all = typo_variants_of(term, &opts, &HashSet::new());
        assert!(
            all.contains(&real_word.to_string()),
            "{term}: {real_word} unfiltered"
        );
    }
}

#[test]
fn joined_variants() {
    assert_eq!(
        joined_variant("kill them all").as_deref(),
        Some("killthemall")
    );
    assert_eq!(
        joined_variant("Kill Them ALL").as_deref(),
        Some("killthemall")
    );
    assert_eq!(
        joined_variant("tuez-les tous").as_deref(),
        Some("tuezlestous")
    );
    assert_eq!(joined_variant("kill 'em all").as_deref(), Some("killemall"));
    assert_eq!(joined_variant("egorgez-les").as_deref(), Some("egorgezles"));
    assert_eq!(joined_variant("go die"), None); // fewer than 8 letters
    assert_eq!(joined_variant("assassination"), None); // one word
}

#[test]
fn variants_are_unique_and_bounded() {
    let opts = NormalizeOptions::default();
    for t in [
        "kill",
        "murder",
        "kill them all",
        "tuer",
        "egorger",
        "antidisestablishmentarianism",
    ] {
        let v = term_variants(t, &opts, 1);
        let set: std::collections::HashSet<_> = v.iter().collect();
        assert_eq!(set.len(), v.len(), "{t}");
        assert!(v.len() < 1500, "{t}: {} variants", v.len());
    }
}

#[test]
fn word_chars() {
    assert!(is_word_char('a') && is_word_char('7') && is_word_char(WILDCARD));
    assert!(is_word_char('\u{93F}')); // Devanagari vowel sign
    assert!(!is_word_char(' ') && !is_word_char('\'') && !is_word_char('-') && !is_word_char('*'));
}

#[test]
fn linear_on_pathological_inputs() {
    // Long runs that each pass looks at: single letters, separators, repeats, leet.
    let inputs = [
        "a ".repeat(200_000),
        "a b.".repeat(100_000),
        "k".repeat(400_000),
        "1a".repeat(200_000),
        "*a".repeat(200_000),
        "\u{301}".repeat(100_000),
        "y a ".repeat(100_000),
    ];
    let mut n = Normalized::new();
    let t = std::time::Instant::now();
    for input in &inputs {
        normalize_into(input, &NormalizeOptions::default(), &mut n);
        assert!(n.text().len() <= input.len() * 3);
    }
    assert!(t.elapsed().as_secs() < 20, "took {:?}", t.elapsed());
}

#[test]
fn confusables_skip_range_holds_no_entry() {
    let t = confusables_table::CONFUSABLES;
    assert!(!t.iter().any(|(k, _)| fold::NO_CONFUSABLES.contains(k)));
}

#[test]
fn unit_kind_matches_is_word_char() {
    for c in [
        'a', 'Z', '7', ' ', '*', 'é', 'ж', '日', '\u{93F}', WILDCARD, '٣', '\u{301}', '!', '@',
        '$', '#',
    ] {
        let u = Unit::new(c, '\0', 0, 0);
        assert_eq!(u.is_word(), is_word_char(c), "{c:?}");
        assert_eq!(u.is_alpha(), c.is_alphabetic(), "{c:?}");
        let symbol = matches!(c, '@' | '$' | '!' | '*');
        assert_eq!(u.is_pass(), is_word_char(c) || symbol, "{c:?}");
    }
}

#[test]
fn ascii_table_agrees_with_the_general_path() {
    // Every ASCII char next to a non-ASCII one takes the general path.
    for b in 0u8..128 {
        let c = char::from(b);
        let fast = fold_core(&format!("x{c}y"));
        let slow = fold_core(&format!("x{c}y\u{E9}"));
        assert_eq!(format!("{fast}e"), slow, "{c:?}");
    }
}

#[test]
fn common_forms_come_first() {
    // An engine keeping 16 variants per term still gets one-letter masks, `l` as `1`,
    // one elongated run and edge leetspeak for a short word.
    let v = term_variants("kill", &NormalizeOptions::default(), 0);
    let first: Vec<&str> = v.iter().take(16).map(String::as_str).collect();
    for want in [
        "kill",
        "k\u{FDD0}ll",
        "ki\u{FDD0}l",
        "kiil",
        "kiii",
        "kiiill",
        "kil1",
        "ki11",
        "k\u{FDD0}\u{FDD0}l",
    ] {
        assert!(first.contains(&want), "{want:?} not in {first:?}");
    }
}

#[test]
fn confusables_table_is_up_to_date() {
    use std::process::Command;
    let root = env!("CARGO_MANIFEST_DIR");
    let table = include_str!("confusables_table.rs");
    let Some(recorded) = table
        .lines()
        .find_map(|l| l.strip_prefix("// Python unicodedata version: "))
        .and_then(|l| l.split_whitespace().next())
    else {
        panic!("no unicodedata version in the table header");
    };
    let local = Command::new("python3")
        .args([
            "-c",
            "import unicodedata; print(unicodedata.unidata_version)",
        ])
        .output();
    let Ok(local) = local else {
        eprintln!("skipped: no python3");
        return;
    };
    if String::from_utf8_lossy(&local.stdout).trim() != recorded {
        eprintln!("skipped: python3 has another unicodedata version than {recorded}");
        return;
    }
    let out = Command::new("python3")
        .current_dir(root)
        .args([
            "tools/gen-confusables/gen.py",
            "data/unicode/confusables.txt",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout) == table,
        "src/normalize/confusables_table.rs is stale: rerun tools/gen-confusables/gen.py"
    );
}

#[test]
fn simple_letters_agree_with_the_general_path() {
    use unicode_normalization::UnicodeNormalization;
    let ranges = [
        0x0391..=0x03C9u32,
        0x0410..=0x044F,
        0x4E00..=0x9FFF,
        0x05D0..=0x05EA,
        0x0621..=0x064A,
        0x0905..=0x0939,
        0x0E01..=0x0E30,
        0x3041..=0x30FA,
    ];
    let mut checked = 0;
    for c in ranges.into_iter().flatten().filter_map(char::from_u32) {
        let Some(l) = fold::simple_letter(c) else {
            continue;
        };
        // Oracle: NFKD, lower case, diacritics dropped, final sigma folded, NFC.
        let want: String = c
            .to_string()
            .nfkd()
            .flat_map(char::to_lowercase)
            .filter(|&d| !fold::is_diacritic(d))
            .map(|d| if d == 'ς' { 'σ' } else { d })
            .collect::<String>()
            .nfc()
            .collect();
        assert_eq!(l.to_string(), want, "{c:?}");
        assert!(c.is_alphabetic(), "{c:?}");
        // Same unit as the general path, confusable reading included.
        let mut n = Normalized::new();
        normalize_into(&format!("{c}"), &NormalizeOptions::default(), &mut n);
        let want_alt = fold::confusable(c)
            .filter(|_| c != l)
            .or_else(|| fold::confusable(l));
        assert_eq!(
            n.units.first().map(|u| u.alt),
            Some(want_alt.unwrap_or('\0')),
            "{c:?}"
        );
        checked += 1;
    }
    assert!(checked > 20_000);
}

#[test]
fn latin1_letters_agree_with_the_general_path() {
    let opts = NormalizeOptions::default();
    let mut checked = 0;
    for c in ('\u{C0}'..='\u{17F}').filter(|c| fold::latin1_letter(*c).is_some()) {
        let mut fast = Vec::new();
        fold::fold_units(&c.to_string(), &opts, &mut fast);
        let mut slow = Vec::new();
        fold::fold_general(c, 0, off(c.len_utf8()), &opts, &mut slow);
        assert_eq!(fast, slow, "{c:?}");
        checked += 1;
    }
    assert!(checked >= 60);
}

/// A small policy vocabulary for the vocabulary-aware passes.
fn vocab() -> Vocab {
    let terms = [
        "i will kill you",
        "je vais te tuer",
        "kill them all",
        "the",
        "rape",
        "mort aux",
        "shot",
        "shoot",
        "killall",
    ];
    Vocab::from_terms(terms, &NormalizeOptions::default())
}

/// Folds `s` with the default options and [`vocab`], checking that the ASCII fast path
/// agrees with the reference.
fn fold_vocab(s: &str) -> String {
    let v = vocab();
    let opts = NormalizeOptions::default();
    let (mut fast, mut reference) = (Normalized::new(), Normalized::new());
    normalize_with(s, &opts, Some(&v), &mut fast);
    normalize_reference_with(s, &opts, Some(&v), &mut reference);
    assert_eq!(fast.text(), reference.text(), "input {s:?}");
    assert_eq!(fast.byte_map(), reference.byte_map(), "input {s:?}");
    fast.text().to_owned()
}

#[test]
fn leet_fragments_beside_spelled_out_letters_join_the_word() {
    // A digit stuck to its neighbours ends or starts the spelled-out word.
    assert_eq!(fold_vocab("s h o o7"), "shoot");
    assert_eq!(fold_vocab("j e v a i s t e t u3r"), "je vais te tuer");
    assert_eq!(fold_vocab("k1l l t h e m a l l"), "kill them all");
    // Between two runs of singles, it joins them.
    assert_eq!(fold_vocab("i w i l l k1l l y o u"), "i will kill you");
    // A leading digit is a quantity, not a letter; codes stay.
    assert_eq!(fold_vocab("r o o m 4b"), "room 4b");
    assert_eq!(fold_vocab("x y z 4g"), "xyz 4g");
}

#[test]
fn contraction_halves_are_read_in_elongations_but_not_split_out() {
    let opts = NormalizeOptions::default();
    let v = Vocab::from_terms(["i would never", "wouldn't", "aren't", "je ne"], &opts);
    assert!(v.contains("wouldn") && !v.is_word("wouldn") && v.is_word("would"));
    let fold = |s: &str| {
        let mut n = Normalized::new();
        normalize_with(s, &opts, Some(&v), &mut n);
        n.text().to_owned()
    };
    assert_eq!(fold("I w o u l d n e v e r"), "i would never");
    assert_eq!(fold("they arennnnn't"), "they aren't");
}

#[test]
fn spelled_out_words_are_split_back() {
    let table = [
        // neighbouring words spelled out, split by the vocabulary
        ("i w i l l k i l l y o u", "i will kill you"),
        ("I will k i l l y o u!", "i will kill you!"),
        ("j e v a i s t e t u e r", "je vais te tuer"),
        ("k-i-l-l-t-h-e-m-a-l-l", "kill them all"),
        // a vocabulary word is one word, even if two others spell it
        ("k i l l a l l", "killall"),
        // by the wider gaps, without the vocabulary
        ("j e  v a i s  t e  v o i r", "je vais te voir"),
        // one ordinary word stays whole, even when vocabulary words spell it
        ("t h e r a p e u t e", "therapeute"),
        ("p a s t a", "pasta"),
        // not wholly made of words: joined as before
        ("x q z w", "xqzw"),
        ("U S A", "usa"),
        // a single after an apostrophe (elision) starts a run
        ("l'a c c u s e", "l'accuse"),
        ("qu'e l l e", "qu'elle"),
        ("il y a l'homme", "il y a l'homme"),
        // not after a contraction
        ("let's k i l l y o u", "let's kill you"),
        ("I'm t h e r e", "i'm there"),
        // a possessive and the French `qu'` end a run
        ("the k i l l e r's knife", "the killer's knife"),
        ("q u e l q u'un", "quelqu'un"),
    ];
    for (input, want) in table {
        assert_eq!(fold_vocab(input), want, "{input:?}");
    }
    // Without a vocabulary only the gaps split.
    assert_eq!(fold("i w i l l k i l l y o u"), "iwillkillyou");
    assert_eq!(fold("i  w i l l  k i l l"), "i will kill");
}

#[test]
fn split_words_point_at_their_letters() {
    let v = vocab();
    let input = "i w i l l k i l l y o u";
    let mut n = Normalized::new();
    normalize_with(input, &NormalizeOptions::default(), Some(&v), &mut n);
    let folded = n.text();
    let at = folded.find("kill").unwrap();
    let r = n.original_range(at..at + 4);
    assert_eq!(&input[r], "k i l l");
    let at = folded.find("you").unwrap();
    let r = n.original_range(at..at + 3);
    assert_eq!(&input[r], "y o u");
    // The space between two split words maps to the gap between their letters.
    let r = n.original_range(at - 1..at);
    assert_eq!(&input[r], " ");
}

#[test]
fn elongated_letters_are_read_as_one_or_two() {
    let table = [
        // one reading is a vocabulary word: single or double letter
        ("Mooooort aux", "mort aux"),
        ("mooort", "mort"),
        ("kiiiiilllll", "kill"),
        ("tuerrrr", "tuer"),
        ("vaaaais", "vais"),
        // not in the vocabulary: the word lists, double letters first
        ("goooood", "good"),
        ("coooool", "cool"),
        // two vocabulary readings (`shot`, `shoot`): left to the variants
        ("shoooooot", "shooot"),
        // no reading: one letter per run (a stretched misspelling reads as its typo)
        ("thraettttt", "thraet"),
        ("ignoratnnnnn", "ignoratn"),
        // unless the word with runs of three is a word itself
        ("www.example.com", "www.example.com"),
    ];
    for (input, want) in table {
        assert_eq!(fold_vocab(input), want, "{input:?}");
    }
    // Without a vocabulary: shortened to three.
    assert_eq!(fold("kiiiiilllll"), "kiiilll");
    assert_eq!(fold("mooort"), "mooort");
}

/// Every string one edit (or one evasion) away from `base`: letters and leetspeak
/// digits deleted, inserted, replaced, neighbours swapped, runs tripled, inner runs
/// masked: the candidates the scan-time checks must judge as the generators do.
fn near_forms(base: &str) -> HashSet<String> {
    let chars: Vec<char> = base.chars().collect();
    let alphabet: Vec<char> = "abeilost013457\u{FDD0}".chars().collect();
    let mut out = HashSet::new();
    for j in 0..=chars.len() {
        for &x in &alphabet {
            let mut c = chars.clone();
            c.insert(j, x);
            out.insert(c.iter().collect());
            if j < chars.len() {
                let mut c = chars.clone();
                c[j] = x;
                out.insert(c.iter().collect());
            }
        }
        if j < chars.len() {
            let mut c = chars.clone();
            c.remove(j);
            out.insert(c.iter().collect());
            let mut c = chars.clone();
            c.insert(j, chars[j]);
            c.insert(j, chars[j]);
            out.insert(c.iter().collect());
        }
        if j + 1 < chars.len() {
            let mut c = chars.clone();
            c.swap(j, j + 1);
            out.insert(c.iter().collect());
        }
    }
    out.extend(term_variants(base, &NormalizeOptions::default(), 1));
    // Two edits of the generated variants: combinations no generator makes.
    for v in term_variants(base, &NormalizeOptions::default(), 0) {
        let mut c: Vec<char> = v.chars().collect();
        if let Some(x) = c.last().copied() {
            c.push(x);
        }
        out.insert(c.iter().collect());
    }
    out
}

#[test]
fn scan_time_variant_checks_agree_with_the_generators() {
    // English and French words with `l`s, doubled letters, leetspeak letters at the
    // edges, one and several letter runs, long and short.
    let terms = [
        "kill",
        "salope",
        "ass",
        "tuer",
        "shoot",
        "violer",
        "bullshit",
        "allah",
        "pute",
        "lollll",
        "illegal",
        "assassinate",
        "exterminer",
        "abattre",
        "gas",
        "hang",
        "massacrer",
        "egorger",
        "lyncher",
        "connasse",
        "imbecile",
        "parallel",
        "zz",
        "rien",
        "a1b2",
        "win10",
    ];
    let exclude: HashSet<String> = ["shot", "voler", "rein", "kil"].map(String::from).into();
    for opts in [NormalizeOptions::default(), all_off()] {
        for term in terms {
            let base: Vec<char> = fold_with(term, &opts).trim().chars().collect();
            let evasion: HashSet<String> = term_variants(term, &opts, 0).into_iter().collect();
            let typos: HashSet<String> = typo_variants_of(term, &opts, &exclude)
                .into_iter()
                .collect();
            let mut keys = HashSet::new();
            let mut calls = 0;
            typo_keys(&base, |k| {
                keys.insert(k.iter().collect::<String>());
                calls += 1;
            });
            assert_eq!(typo_key_count(&base), calls, "{term}");
            let mut base_key = String::new();
            variant_key(&base.iter().collect::<String>(), &mut base_key);
            let mut candidates = near_forms(&base.iter().collect::<String>());
            candidates.extend(evasion.iter().cloned());
            candidates.extend(typos.iter().cloned());
            for cand in candidates {
                let tok: Vec<char> = cand.chars().collect();
                if cand == base.iter().collect::<String>() || !tok.iter().all(|&c| is_word_char(c))
                {
                    continue;
                }
                let want_e = evasion.contains(&cand);
                assert_eq!(
                    is_evasion_variant(&base, &tok, &opts),
                    want_e,
                    "{term}: evasion {cand:?}"
                );
                if want_e {
                    // Found by its key, or (masked) by its shape.
                    let mut k = String::new();
                    variant_key(&cand, &mut k);
                    let shape = masked_shape(&base, &opts);
                    let by_shape = cand.contains(WILDCARD)
                        && shape == Some((tok.len(), tok[0], tok[tok.len() - 1]));
                    assert!(k == base_key || by_shape, "{term}: {cand:?} not found");
                }
                let want_t = typos.contains(&cand);
                assert_eq!(
                    is_typo_variant(&base, &tok, &exclude),
                    want_t,
                    "{term}: typo {cand:?}"
                );
                if want_t {
                    // Found as a key, or as the term once a doubled letter is removed.
                    let undoubled = (1..tok.len()).any(|j| {
                        tok[j] == tok[j - 1]
                            && tok
                                .iter()
                                .enumerate()
                                .filter(|&(k, _)| k != j)
                                .map(|(_, c)| c)
                                .eq(base.iter())
                    });
                    assert!(
                        keys.contains(&cand) || undoubled,
                        "{term}: {cand:?} not found"
                    );
                }
            }
        }
    }
}

#[test]
fn one_doubled_letter_is_a_variant_unless_it_spells_a_word() {
    for (term, text) in [
        ("worst", "woorst"),
        ("worst", "worstt"),
        ("deserve", "deservve"),
        ("tuer", "tuerr"),
        ("mort", "mmort"),
        ("die", "diie"),
    ] {
        assert!(variant_matches(term, text, 0), "{term} / {text}");
    }
    for (term, text) in [
        // the doubled form is a word of its own
        ("god", "good"),
        ("bel", "bell"),
        ("fole", "folle"),
        // two-letter words have too many neighbours, and a double stays a double
        ("to", "too"),
        ("kill", "kil"),
        // one letter, not two
        ("worst", "woorstt"),
    ] {
        assert!(!variant_matches(term, text, 0), "{term} / {text}");
    }
}

#[test]
fn leetspeak_inside_a_word_is_not_a_price_a_mention_or_an_address() {
    for (input, want) in [
        ("d1$abled", "disabled"),
        ("r3$pect", "respect"),
        ("5@ns", "sans"),
        ("8!tch", "bitch"),
        ("c@ges.", "cages."),
        ("h@te.", "hate."),
    ] {
        assert_eq!(fold(input), want, "{input}");
    }
    for input in [
        "$50",
        "us$50",
        "50$",
        "@name",
        "!help",
        "$home",
        "kill@example.com",
        "a@b.fr",
    ] {
        assert_eq!(fold(input), input, "{input}");
    }
}
