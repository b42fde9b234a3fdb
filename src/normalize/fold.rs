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
            push_ascii(units, char::from(b), off(i), off(i + 1));
        }
        return;
    }
    for (i, c) in input.char_indices() {
        let (start, end) = (off(i), off(i + c.len_utf8()));
        if c.is_ascii() {
            push_ascii(units, c, start, end);
        } else {
            fold_char(c, start, end, opts, units);
        }
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
    units.push(Unit { c, alt, start, end });
}

/// Pushes whitespace, merging it into a whitespace unit just before.
fn push_space(units: &mut Vec<Unit>, line_break: bool, start: u32, end: u32) {
    if let Some(last) = units.last_mut()
        && (last.c == ' ' || last.c == '\n')
    {
        last.end = end;
        if line_break {
            last.c = '\n';
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

/// The Latin letter a confusable reads as.
pub(super) fn confusable(c: char) -> Option<char> {
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

/// Folds one non-ASCII char.
fn fold_char(c: char, start: u32, end: u32, opts: &NormalizeOptions, units: &mut Vec<Unit>) {
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
            last.c = composed;
            last.end = end;
            return;
        }
        return push(units, l, '\0', start, end);
    }
    let alt = if opts.confusables && l.is_alphabetic() {
        single
            .then(|| confusable(orig))
            .flatten()
            .or_else(|| confusable(l))
            .unwrap_or('\0')
    } else {
        '\0'
    };
    push(units, l, alt, start, end);
}
