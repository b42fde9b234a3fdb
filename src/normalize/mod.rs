//! Normalization: the folded text all matching runs on, with a map from every folded
//! byte back to the original byte range it came from.
//!
//! STUB — to be replaced by the full implementation (NFKC, case folding, diacritics,
//! evasion folding). The contract below is what the rest of the crate relies on.

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
/// Contract: the folded text is lower case, without diacritics; whitespace runs become one
/// `' '` (or one `'\n'` if the run holds a line break); apostrophe-like characters
/// (`’ ‘ ʼ ´ \``) become `'`, curly double quotes (`“ ” „`) become `"`, `« »` stay.
pub(crate) fn normalize_into(input: &str, _opts: &NormalizeOptions, out: &mut Normalized) {
    out.text.clear();
    out.src.clear();
    let mut last_space = false;
    for (i, c) in input.char_indices() {
        let end = (i + c.len_utf8()) as u32;
        let i32_ = i as u32;
        if c.is_whitespace() {
            if last_space {
                if c == '\n' {
                    if let Some(last) = out.text.pop() {
                        let _ = last;
                        out.src.pop();
                    }
                    out.text.push('\n');
                    out.src.push((i32_, end));
                } else if let Some(s) = out.src.last_mut() {
                    s.1 = end;
                }
                continue;
            }
            last_space = true;
            out.text.push(if c == '\n' { '\n' } else { ' ' });
            out.src.push((i32_, end));
            continue;
        }
        last_space = false;
        for l in c.to_lowercase() {
            let before = out.text.len();
            out.text.push(l);
            for _ in before..out.text.len() {
                out.src.push((i32_, end));
            }
        }
    }
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
