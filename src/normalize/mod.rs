//! Normalization: the folded text all matching runs on, with a map from every folded
//! byte back to the original byte range it came from.
//!
//! This first part folds compatibility forms, case, diacritics, whitespace, quotes and
//! invisible characters; evasion folding (confusables, leetspeak, separated and
//! repeated letters) plugs into the same map.

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// Which folding families a policy applies before matching.
///
/// Every family is on by default; a host that wants literal matching switches them off
/// in its policy file under `[policy.normalize]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NormalizeOptions {
    /// Fold letters of other scripts that look Latin inside Latin words.
    pub confusables: bool,
    /// Drop zero-width, bidi and decorative characters.
    pub invisible: bool,
    /// Read leetspeak digits and symbols inside words as letters.
    pub leetspeak: bool,
    /// Join single letters separated by spaces or punctuation (`k i l l`).
    pub separated_letters: bool,
    /// Collapse runs of a repeated letter (`kiiiill`).
    pub repeated_letters: bool,
}

impl Default for NormalizeOptions {
    fn default() -> Self {
        NormalizeOptions {
            confusables: true,
            invisible: true,
            leetspeak: true,
            separated_letters: true,
            repeated_letters: true,
        }
    }
}

/// The folded text and its map back to the original.
#[derive(Clone, Debug, Default)]
pub(crate) struct Normalized {
    text: String,
    /// For every byte of `text`, the original byte range it came from.
    src: Vec<(u32, u32)>,
}

impl Normalized {
    /// An empty buffer, to be filled by [`normalize_into`].
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The folded text.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// The original byte range covering the folded bytes `folded`.
    /// Always on char boundaries of the original; empty input range maps to an empty range.
    pub(crate) fn original_range(&self, folded: Range<usize>) -> Range<usize> {
        if folded.start >= folded.end || folded.end > self.src.len() {
            let at = self
                .src
                .get(folded.start)
                .map(|s| s.0 as usize)
                .unwrap_or(0);
            return at..at;
        }
        let start = self.src[folded.start].0 as usize;
        let end = self.src[folded.end - 1].1 as usize;
        start..end.max(start)
    }
}

/// Fills `out` with the folded form of `input`.
///
/// Contract: the folded text is lower case, without diacritics, in compatibility form
/// (NFKC letters: fullwidth and mathematical letters fold to ASCII); whitespace runs
/// become one `' '` (or one `'\n'` if the run holds a line break); apostrophe-like
/// characters (`’ ‘ ʼ ´ \``) become `'`, curly double quotes (`“ ” „`) become `"`,
/// `« »` stay. Every folded byte maps back to the original character(s) it came from;
/// a dropped character (an accent, an invisible character) joins the range of the
/// character before it.
pub(crate) fn normalize_into(input: &str, opts: &NormalizeOptions, out: &mut Normalized) {
    out.text.clear();
    out.src.clear();
    out.text.reserve(input.len());
    out.src.reserve(input.len());
    if input.is_ascii() {
        ascii_into(input, out);
        return;
    }
    let mut last_space = false;
    for (i, c) in input.char_indices() {
        let start = i as u32;
        let end = (i + c.len_utf8()) as u32;
        if c.is_whitespace() {
            push_space(out, c, start, end, &mut last_space);
            continue;
        }
        if c.is_ascii() {
            last_space = false;
            out.text.push(if c == '`' {
                '\''
            } else {
                c.to_ascii_lowercase()
            });
            out.src.push((start, end));
            continue;
        }
        if is_dropped(c, opts) {
            extend_last(out, start, end);
            continue;
        }
        last_space = false;
        match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{00B4}' | '`' | '\u{2032}' | '\u{201B}' => {
                push(out, '\'', start, end);
                continue;
            }
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => {
                push(out, '"', start, end);
                continue;
            }
            '«' | '»' => {
                push(out, c, start, end);
                continue;
            }
            _ => {}
        }
        let before = out.text.len();
        unicode_normalization::char::decompose_compatible(c, |d| {
            if unicode_normalization::char::is_combining_mark(d) {
                return;
            }
            if let Some(s) = special_fold(d) {
                for f in s.chars() {
                    push(out, f, start, end);
                }
                return;
            }
            for l in d.to_lowercase() {
                if !unicode_normalization::char::is_combining_mark(l) {
                    push(out, l, start, end);
                }
            }
        });
        if out.text.len() == before {
            // The character folded to nothing (a lone combining mark, say).
            extend_last(out, start, end);
        }
    }
}

/// Pure ASCII: lower case and whitespace only, no Unicode tables.
fn ascii_into(input: &str, out: &mut Normalized) {
    let mut last_space = false;
    for (i, b) in input.bytes().enumerate() {
        let (start, end) = (i as u32, i as u32 + 1);
        if b.is_ascii_whitespace() {
            push_space(out, b as char, start, end, &mut last_space);
            continue;
        }
        last_space = false;
        let c = if b == b'`' {
            '\''
        } else {
            b.to_ascii_lowercase() as char
        };
        out.text.push(c);
        out.src.push((start, end));
    }
}

fn push(out: &mut Normalized, c: char, start: u32, end: u32) {
    out.text.push(c);
    for _ in 0..c.len_utf8() {
        out.src.push((start, end));
    }
}

/// Whitespace: runs collapse to one space, or one line break if the run holds one.
fn push_space(out: &mut Normalized, c: char, start: u32, end: u32, last_space: &mut bool) {
    let newline = c == '\n' || c == '\u{2028}' || c == '\u{2029}';
    if *last_space {
        if let Some(s) = out.src.last_mut() {
            s.1 = end;
        }
        if newline && out.text.ends_with(' ') {
            out.text.pop();
            out.text.push('\n');
        }
        return;
    }
    *last_space = true;
    out.text.push(if newline { '\n' } else { ' ' });
    out.src.push((start, end));
}

/// Adds a dropped character's bytes to the range of the folded character before it.
fn extend_last(out: &mut Normalized, start: u32, end: u32) {
    let n = out
        .text
        .chars()
        .next_back()
        .map(char::len_utf8)
        .unwrap_or(0);
    let len = out.src.len();
    if let Some(tail) = out.src.get_mut(len.saturating_sub(n)..) {
        for s in tail {
            if s.1 == start {
                s.1 = end;
            }
        }
    }
}

/// Characters that carry no letter: invisible and bidi controls, variation selectors.
fn is_dropped(c: char, opts: &NormalizeOptions) -> bool {
    if unicode_normalization::char::is_combining_mark(c) {
        return true;
    }
    opts.invisible
        && matches!(c,
            '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
            | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FE00}'..='\u{FE0F}'
            | '\u{E0100}'..='\u{E01EF}' | '\u{034F}' | '\u{180E}')
}

/// Letters whose folding is not a decomposition.
fn special_fold(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' | 'ẞ' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ø' | 'Ø' => "o",
        'ł' | 'Ł' => "l",
        'đ' | 'Đ' => "d",
        'ı' => "i",
        _ => return None,
    })
}

/// The folded forms under which a lexicon term is compiled: the first is the term folded
/// exactly as [`normalize_into`] folds text; further variants (for example typo
/// variants when `fuzzy > 0`) follow. Never empty for a non-empty term.
pub(crate) fn term_variants(term: &str, opts: &NormalizeOptions, _fuzzy: u8) -> Vec<String> {
    let mut n = Normalized::new();
    normalize_into(term.trim(), opts, &mut n);
    vec![n.text]
}

/// Is `c` (a char of the folded text) part of a word?
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold(s: &str) -> Normalized {
        let mut n = Normalized::new();
        normalize_into(s, &NormalizeOptions::default(), &mut n);
        n
    }

    #[test]
    fn ascii_fast_path() {
        let n = fold("I  Will\tKILL\n\n you");
        assert_eq!(n.text(), "i will kill\nyou");
        assert_eq!(n.original_range(7..11), 8..12);
        assert_eq!(n.original_range(11..12), 12..15);
        assert_eq!(n.original_range(12..15), 15..18);
    }

    #[test]
    fn accents_case_compatibility() {
        let n = fold("Ça DÉÇOIT ｋｉｌｌ 𝐤𝐢𝐥𝐥 ﬁn Straße Œuvre");
        assert_eq!(n.text(), "ca decoit kill kill fin strasse oeuvre");
        let src = "Ça DÉÇOIT ｋｉｌｌ 𝐤𝐢𝐥𝐥 ﬁn Straße Œuvre";
        let k = n.text().find("kill").unwrap();
        assert_eq!(&src[n.original_range(k..k + 4)], "ｋｉｌｌ");
        let k2 = n.text().rfind("kill").unwrap();
        assert_eq!(&src[n.original_range(k2..k2 + 4)], "𝐤𝐢𝐥𝐥");
        let f = n.text().find("fin").unwrap();
        assert_eq!(&src[n.original_range(f..f + 3)], "ﬁn");
        assert_eq!(&src[n.original_range(f..f + 1)], "ﬁ");
    }

    #[test]
    fn decomposed_accents_stay_inside_the_span() {
        let src = "tue\u{0301} x";
        let n = fold(src);
        assert_eq!(n.text(), "tue x");
        assert_eq!(&src[n.original_range(0..3)], "tue\u{0301}");
    }

    #[test]
    fn invisible_characters_are_dropped_inside_the_span() {
        let src = "k\u{200B}i\u{200D}ll you";
        let n = fold(src);
        assert_eq!(n.text(), "kill you");
        assert_eq!(&src[n.original_range(0..4)], "k\u{200B}i\u{200D}ll");
    }

    #[test]
    fn quotes_and_apostrophes() {
        assert_eq!(fold("I’ll “go” « là »").text(), "i'll \"go\" « la »");
    }

    #[test]
    fn ranges_never_panic() {
        let n = fold("é");
        for a in 0..5 {
            for b in 0..5 {
                let r = n.original_range(a..b);
                assert!(r.start <= r.end && r.end <= 2);
            }
        }
    }
}
