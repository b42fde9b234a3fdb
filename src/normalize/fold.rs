//! The core folding: one pass from the input to units (one folded char each, with its
//! original byte range).

use unicode_normalization::char::{compose, decompose_compatible, is_combining_mark};

use super::confusables_table::CONFUSABLES;
use super::{NormalizeOptions, Unit, WILDCARD, off};

/// Longest NFKD expansion of one char is 18 (U+FDFA); room to spare.
const MAX_DECOMP: usize = 32;

/// Folds `input` into `units` (which the caller has cleared).
pub(super) fn fold_units(input: &str, opts: &NormalizeOptions, units: &mut Vec<Unit>) {
    units.reserve(input.len());
    if input.is_ascii() {
        // Fast path: no Unicode table is touched.
        for (i, b) in input.bytes().enumerate() {
            push_ascii_byte(units, b, off(i), off(i + 1));
        }
        return;
    }
    let bytes = input.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii() {
            push_ascii_byte(units, b, off(i), off(i + 1));
            i += 1;
            continue;
        }
        let Some(c) = input.get(i..).and_then(|s| s.chars().next()) else {
            break; // unreachable: `i` is always on a char boundary
        };
        let end = i + c.len_utf8();
        fold_char(c, off(i), off(end), opts, units);
        i = end;
    }
}

/// [`ASCII`] class: an ordinary char.
pub(super) const CLASS_CHAR: u8 = 0;
/// [`ASCII`] class: whitespace.
const CLASS_SPACE: u8 = 1;
/// [`ASCII`] class: a line break.
pub(super) const CLASS_BREAK: u8 = 2;

/// For each ASCII byte: its folded byte, its [`Unit::kind`] and its class.
pub(super) static ASCII: [(u8, u8, u8); 128] = ascii_table();

/// Builds [`ASCII`] (the same folding as [`push_ascii`]).
#[allow(
    clippy::indexing_slicing,
    reason = "evaluated at compile time: an index out of bounds is a compile error"
)]
const fn ascii_table() -> [(u8, u8, u8); 128] {
    let mut t = [(0u8, 0u8, CLASS_CHAR); 128];
    let mut b = 0u8;
    while b < 128 {
        let f = match b {
            b'A'..=b'Z' => b + 32,
            b'`' => b'\'',
            _ => b,
        };
        let kind = if f.is_ascii_alphabetic() {
            Unit::ALPHA | Unit::WORD | Unit::PASS
        } else if f.is_ascii_digit() {
            Unit::WORD | Unit::PASS
        } else if matches!(f, b'@' | b'$' | b'!' | b'*') {
            Unit::PASS
        } else {
            0
        };
        let class = match b {
            b' ' | b'\t' => CLASS_SPACE,
            b'\n' | b'\r' | 0x0B | 0x0C => CLASS_BREAK,
            _ => CLASS_CHAR,
        };
        t[b as usize] = (f, kind, class);
        b += 1;
    }
    t
}

/// Pushes the folding of one ASCII byte, through [`ASCII`].
fn push_ascii_byte(units: &mut Vec<Unit>, b: u8, start: u32, end: u32) {
    match ASCII.get(usize::from(b)) {
        Some(&(f, kind, CLASS_CHAR)) => units.push(Unit {
            c: char::from(f),
            alt: '\0',
            start,
            end,
            kind,
        }),
        Some(&(_, _, class)) => push_space(units, class == CLASS_BREAK, start, end),
        None => {}
    }
}

/// Pushes the folding of one ASCII char.
fn push_ascii(units: &mut Vec<Unit>, c: char, start: u32, end: u32) {
    match c {
        'A'..='Z' => push(units, c.to_ascii_lowercase(), '\0', start, end),
        ' ' | '\t' => push_space(units, false, start, end),
        '\n' | '\r' | '\x0B' | '\x0C' => push_space(units, true, start, end),
        '`' => push(units, '\'', '\0', start, end),
        _ => push(units, c, '\0', start, end),
    }
}

/// Pushes one unit.
fn push(units: &mut Vec<Unit>, c: char, alt: char, start: u32, end: u32) {
    units.push(Unit::new(c, alt, start, end));
}

/// Pushes whitespace, merging it into a whitespace unit just before.
fn push_space(units: &mut Vec<Unit>, line_break: bool, start: u32, end: u32) {
    if let Some(last) = units.last_mut()
        && (last.c == ' ' || last.c == '\n')
    {
        last.end = end;
        if line_break {
            last.set('\n');
        }
        return;
    }
    let c = if line_break { '\n' } else { ' ' };
    push(units, c, '\0', start, end);
}

/// Characters dropped when [`NormalizeOptions::invisible`] is on: zero-width characters,
/// bidi controls, soft hyphen, variation selectors, tags, fillers.
pub(super) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}'
        | '\u{17B5}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
        | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Combining marks dropped by the diacritics removal: the generic diacritical marks
/// used with Latin, Greek and Cyrillic (and by "Zalgo" text). Marks of other scripts
/// (Indic vowel signs, kana voicing, Hebrew and Arabic points) are kept.
pub(super) fn is_diacritic(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}' | '\u{0483}'..='\u{0489}' | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// Line breaks (a whitespace run holding one folds to `'\n'`).
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\x0B' | '\x0C' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Hangul medial vowel and final consonant jamo, which compose with what precedes.
fn is_hangul_vt(c: char) -> bool {
    matches!(c, '\u{1161}'..='\u{1175}' | '\u{11A8}'..='\u{11C2}')
}

/// No confusable in the table lies in this range (CJK, kana; checked by a unit test):
/// the look-up is skipped there.
pub(super) const NO_CONFUSABLES: std::ops::Range<char> = '\u{3000}'..'\u{A000}';

/// The Latin letter a confusable reads as.
pub(super) fn confusable(c: char) -> Option<char> {
    if NO_CONFUSABLES.contains(&c) {
        return None;
    }
    CONFUSABLES
        .binary_search_by_key(&c, |&(k, _)| k)
        .ok()
        .and_then(|i| CONFUSABLES.get(i))
        .map(|&(_, v)| v)
}

/// Letters drawn inside shapes that NFKC leaves alone or expands with parentheses.
fn boxed_letter(c: char) -> Option<char> {
    let base = match c {
        '\u{249C}'..='\u{24B5}' => 0x249C,    // ⒜ parenthesized small
        '\u{1F110}'..='\u{1F129}' => 0x1F110, // 🄐 parenthesized capital
        '\u{1F150}'..='\u{1F169}' => 0x1F150, // 🅐 negative circled
        '\u{1F170}'..='\u{1F189}' => 0x1F170, // 🅰 negative squared
        _ => return None,
    };
    let d = u32::from(c).checked_sub(base)?;
    char::from_u32(u32::from('a') + d)
}

/// Latin letters whose diacritic (stroke, ligature) has no canonical decomposition.
fn stroked_base(l: char) -> Option<&'static str> {
    Some(match l {
        'œ' => "oe",
        'æ' => "ae",
        'ø' => "o",
        'đ' | 'ð' => "d",
        'ł' => "l",
        'ħ' => "h",
        'ŧ' => "t",
        'ı' => "i",
        'ƀ' => "b",
        'ɨ' => "i",
        'ȼ' => "c",
        'ɇ' => "e",
        'ƶ' => "z",
        _ => return None,
    })
}

/// Letters of the commonest scripts that NFKC leaves alone and that have no diacritic
/// to drop, with their case folding: basic Cyrillic but `й` (which decomposes), basic
/// Greek, CJK ideographs, kana without voicing marks, and the letters of the Arabic,
/// Hebrew, Devanagari and Thai blocks that NFKC keeps. The general path gives the same
/// result (checked by a unit test), only slower.
pub(super) fn simple_letter(c: char) -> Option<char> {
    let u = u32::from(c);
    let l = match u {
        0x0430..=0x0438 | 0x043A..=0x044F => u,        // а-и к-я
        0x0410..=0x0418 | 0x041A..=0x042F => u + 0x20, // А-И К-Я
        0x03B1..=0x03C1 | 0x03C3..=0x03C9 => u,        // α-ρ σ-ω
        0x03C2 => 0x03C3,                              // ς
        0x0391..=0x03A1 | 0x03A3..=0x03A9 => u + 0x20, // Α-Ρ Σ-Ω
        0x4E00..=0x9FFF | 0x3041..=0x3096 | 0x30A1..=0x30FA => u, // CJK, kana
        0x0621..=0x064A | 0x05D0..=0x05EA | 0x0905..=0x0939 | 0x0E01..=0x0E30 => u, // Arabic, Hebrew, Devanagari, Thai
        _ => return None,
    };
    char::from_u32(l)
}

/// Folds one non-ASCII char.
fn fold_char(c: char, start: u32, end: u32, opts: &NormalizeOptions, units: &mut Vec<Unit>) {
    if let Some(l) = simple_letter(c) {
        let mut u = Unit {
            c: l,
            alt: '\0',
            start,
            end,
            kind: Unit::ALPHA | Unit::WORD | Unit::PASS,
        };
        if opts.confusables && c < '\u{0E80}' {
            u.alt = (c != l)
                .then(|| confusable(c))
                .flatten()
                .or_else(|| confusable(l))
                .unwrap_or('\0');
        }
        units.push(u);
        return;
    }
    if let Some(folded) = latin1_letter(c) {
        for b in folded.bytes() {
            push_ascii_byte(units, b, start, end);
        }
        return;
    }
    fold_general(c, start, end, opts, units);
}

/// Latin-1 letters with their folding (case folded, diacritics dropped): the general
/// path gives the same result (checked by a unit test), only slower. `Þ þ` are left to
/// the general path.
pub(super) fn latin1_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'À'..='Å' | 'à'..='å' => "a",
        'Æ' | 'æ' => "ae",
        'Ç' | 'ç' => "c",
        'È'..='Ë' | 'è'..='ë' => "e",
        'Ì'..='Ï' | 'ì'..='ï' => "i",
        'Ð' | 'ð' => "d",
        'Ñ' | 'ñ' => "n",
        'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' => "o",
        'Ù'..='Ü' | 'ù'..='ü' => "u",
        'Ý' | 'ý' | 'ÿ' => "y",
        'ß' => "ss",
        'œ' | 'Œ' => "oe",
        _ => return None,
    })
}

/// Folds one non-ASCII char by decomposition (every char not on a fast path).
pub(super) fn fold_general(
    c: char,
    start: u32,
    end: u32,
    opts: &NormalizeOptions,
    units: &mut Vec<Unit>,
) {
    if opts.invisible && is_invisible(c) {
        return;
    }
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '\u{02BB}' | '\u{00B4}'
        | '\u{2032}' | '\u{FF07}' | '\u{FF40}' => return push(units, '\'', '\0', start, end),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{FF02}' => {
            return push(units, '"', '\0', start, end);
        }
        WILDCARD => return push(units, '\u{FFFD}', '\0', start, end),
        '\u{AC00}'..='\u{D7A3}' => return push(units, c, '\0', start, end),
        _ => {}
    }
    if is_line_break(c) {
        return push_space(units, true, start, end);
    }
    if c.is_whitespace() {
        return push_space(units, false, start, end);
    }
    if let Some(l) = boxed_letter(c) {
        return push(units, l, '\0', start, end);
    }
    let mut buf = ['\0'; MAX_DECOMP];
    let mut n = 0;
    decompose_compatible(c, |d| {
        if let Some(slot) = buf.get_mut(n) {
            *slot = d;
            n += 1;
        }
    });
    let single = n == 1;
    for &d in buf.iter().take(n) {
        if d.is_ascii() {
            push_ascii(units, d, start, end);
            continue;
        }
        match d {
            'ß' | 'ẞ' => {
                push(units, 's', '\0', start, end);
                push(units, 's', '\0', start, end);
            }
            'ς' => push(units, 'σ', '\0', start, end),
            _ => {
                for l in d.to_lowercase() {
                    push_folded(units, c, l, single, opts, start, end);
                }
            }
        }
    }
}

/// Pushes one lower-cased char of a decomposition.
fn push_folded(
    units: &mut Vec<Unit>,
    orig: char,
    l: char,
    single: bool,
    opts: &NormalizeOptions,
    start: u32,
    end: u32,
) {
    if l.is_ascii() {
        return push_ascii(units, l, start, end);
    }
    if is_diacritic(l) {
        // A mark standing alone in the input belongs to the letter before it.
        if orig == l
            && let Some(last) = units.last_mut()
        {
            last.end = end;
        }
        return;
    }
    if let Some(base) = stroked_base(l) {
        for b in base.chars() {
            push(units, b, '\0', start, end);
        }
        return;
    }
    if l.is_whitespace() {
        return push_space(units, is_line_break(l), start, end);
    }
    if is_combining_mark(l) || is_hangul_vt(l) {
        if let Some(last) = units.last_mut()
            && let Some(composed) = compose(last.c, l)
        {
            last.set(composed);
            last.end = end;
            return;
        }
        return push(units, l, '\0', start, end);
    }
    let mut u = Unit::new(l, '\0', start, end);
    if opts.confusables && u.is_alpha() {
        // The original char first when it differs (upper case `Ν` reads `n`, lower
        // case `ν` reads `v`).
        u.alt = (single && orig != l)
            .then(|| confusable(orig))
            .flatten()
            .or_else(|| confusable(l))
            .unwrap_or('\0');
    }
    units.push(u);
}
