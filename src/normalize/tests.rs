//! Unit tests of the normalization (tables of cases; raw offsets only in map tests).

use super::*;

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
    let opts = NormalizeOptions {
        confusables: false,
        invisible: true,
        leetspeak: false,
        separated_letters: false,
        repeated_letters: false,
        masked_letters: false,
    };
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

#[test]
#[ignore = "exploration helper"]
fn explore() {
    for s in std::env::var("NZ").unwrap_or_default().split('|') {
        println!("{s:?} -> {:?}", fold(s));
    }
}
