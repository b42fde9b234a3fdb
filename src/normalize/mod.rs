//! Normalization: the folded text all matching runs on, with a map from every folded
//! byte back to the original byte range it came from.
//!
//! # Pipeline
//!
//! One left-to-right pass ([`fold`]) turns the input into *units*: one folded char each,
//! with the half-open original byte range it came from. It applies the core folding
//! that is always on: NFKC (compatibility forms, ligatures, circled and parenthesized
//! letters), full case folding, diacritics removed (NFKD, combining diacritical marks
//! dropped; marks of other scripts — kana voicing, Indic vowel signs — are kept and
//! recomposed), whitespace runs collapsed, apostrophes and curly double quotes unified;
//! and, behind [`NormalizeOptions::invisible`], invisible characters dropped. Pure-ASCII
//! input takes a fast path that touches no Unicode table.
//!
//! Then the evasion passes ([`evasion`]) rewrite the units, each in linear time and
//! behind its option: confusables and leetspeak and masked letters per word, separated
//! single letters joined, long runs of one letter shortened. Finally the units are
//! written out as the folded text and a per-byte map.
//!
//! # Folding decisions the matcher must know (see [`term_variants`])
//!
//! - `1`, `!` and `|` inside words read as `i`. Terms containing `l` also get variants
//!   where some `l` read `i`, so `1oser` (folded `ioser`) still matches `loser`.
//! - A `*` between letters of a word (`f*ck`, `n***er`) becomes [`WILDCARD`], one per
//!   star; terms get variants with inner letters replaced by [`WILDCARD`].
//! - A run of more than three identical letters is shortened to three (`kiiiiill` →
//!   `kiiill`); runs of one, two or three are left alone, so `too` never becomes `to`
//!   and `ass` never becomes `as`. Terms get variants where one or two letter runs are
//!   made three long (`kill` → `kiiill`, `killl`, ...).

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]
// The engine (developed on another branch) is the caller of most of this module.
#![allow(dead_code, reason = "called by the scanning engine, merged separately")]

mod confusables_table;
mod evasion;
mod fold;
#[cfg(test)]
mod tests;
mod variants;

use std::ops::Range;

use serde::{Deserialize, Serialize};

#[allow(
    unused_imports,
    reason = "called by the scanning engine, merged separately"
)]
pub(crate) use variants::{joined_variant, term_variants};

/// The char a `*` inside a word folds to (a masked letter, as in `f*ck`).
///
/// U+FDD0 is a Unicode noncharacter, reserved for internal use: an input U+FDD0 folds to
/// U+FFFD, so in folded text this char only ever stands for a masked letter.
pub(crate) const WILDCARD: char = '\u{FDD0}';

/// Which folding families a policy applies before matching.
///
/// Every family is on by default; a host that wants literal matching switches them off
/// in its policy file under `[policy.normalize]`. The core folding (NFKC, case folding,
/// diacritics removed, whitespace collapsed) is always applied.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NormalizeOptions {
    /// Fold letters of other scripts that look Latin inside Latin words (`kіll` with a
    /// Cyrillic `і`). Words written mostly in another script are left alone.
    pub confusables: bool,
    /// Drop zero-width, bidi and decorative characters (variation selectors, soft
    /// hyphen, tags, Hangul fillers).
    pub invisible: bool,
    /// Read leetspeak digits and symbols inside words as letters (`k1ll`, `$h00t`):
    /// `0→o 1→i 3→e 4→a 5→s 7→t 8→b 9→g @→a $→s !→i |→i`. Numbers, prices, dates and
    /// codes (`2021`, `$50`, `4x4`, `mp3`, `covid19`) are left alone.
    pub leetspeak: bool,
    /// Join single letters separated by spaces or punctuation (`k i l l`, `k.i.l.l`).
    pub separated_letters: bool,
    /// Shorten runs of more than three identical letters to three (`kiiiill`).
    pub repeated_letters: bool,
    /// Read `*` between letters of a word as a masked letter (`f*ck`, `k*ll`).
    pub masked_letters: bool,
}

impl Default for NormalizeOptions {
    fn default() -> Self {
        NormalizeOptions {
            confusables: true,
            invisible: true,
            leetspeak: true,
            separated_letters: true,
            repeated_letters: true,
            masked_letters: true,
        }
    }
}

impl NormalizeOptions {
    /// Is any evasion family on (anything beyond the core folding and invisibles)?
    fn any_evasion(&self) -> bool {
        self.confusables
            || self.leetspeak
            || self.separated_letters
            || self.repeated_letters
            || self.masked_letters
    }
}

/// One folded char and the half-open original byte range it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Unit {
    /// The folded char.
    c: char,
    /// The Latin letter this char reads as if it is a confusable, else `'\0'`.
    alt: char,
    /// Start of the original byte range.
    start: u32,
    /// End of the original byte range.
    end: u32,
}

/// Converts a byte offset to the map's `u32`, saturating (inputs over 4 GiB are not
/// supported: their offsets past 4 GiB are clamped, never a panic).
fn off(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// The folded text and its map back to the original.
#[derive(Clone, Debug, Default)]
pub(crate) struct Normalized {
    /// The folded text.
    text: String,
    /// For every byte of `text`, the original byte range it came from. Both ends are
    /// non-decreasing along the text.
    src: Vec<(u32, u32)>,
    /// Scratch: the units of the current input.
    units: Vec<Unit>,
    /// Scratch: the second buffer of the passes that change the number of units.
    scratch: Vec<Unit>,
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

    /// The original byte range covering the folded bytes `folded` (half-open).
    ///
    /// The result is on char boundaries of the original and covers every original char
    /// that produced those bytes, including characters dropped between them (the dots
    /// of `k.i.l.l`, zero-width characters). Out-of-range or reversed input is clamped;
    /// an empty range maps to an empty range at the matching original position.
    pub(crate) fn original_range(&self, folded: Range<usize>) -> Range<usize> {
        let len = self.src.len();
        let start = folded.start.min(len);
        let end = folded.end.min(len);
        let last_end = self.src.last().map_or(0, |s| s.1 as usize);
        if start >= end {
            let at = self.src.get(start).map_or(last_end, |s| s.0 as usize);
            return at..at;
        }
        let s = self.src.get(start).map_or(last_end, |s| s.0 as usize);
        let e = self
            .src
            .get(end.saturating_sub(1))
            .map_or(last_end, |s| s.1 as usize);
        s..e.max(s)
    }

    /// The original byte range of every folded byte (test helper).
    #[cfg(test)]
    pub(crate) fn byte_map(&self) -> &[(u32, u32)] {
        &self.src
    }
}

/// Fills `out` with the folded form of `input`, reusing its buffers (no allocation once
/// they are large enough).
///
/// Contract: the folded text is lower case, NFKC, without diacritics; whitespace runs
/// become one `' '` (or one `'\n'` if the run holds a line break); apostrophe-like
/// characters (`’ ‘ ʼ ´ \` ′`) become `'`, curly double quotes (`“ ” „ ‟`) become `"`,
/// `« »` stay; other punctuation stays. Linear time; never panics.
pub(crate) fn normalize_into(input: &str, opts: &NormalizeOptions, out: &mut Normalized) {
    out.text.clear();
    out.src.clear();
    out.units.clear();
    fold::fold_units(input, opts, &mut out.units);
    if opts.any_evasion() {
        evasion::apply(opts, &mut out.units, &mut out.scratch);
    }
    out.text.reserve(out.units.len());
    out.src.reserve(out.units.len());
    for u in &out.units {
        out.text.push(u.c);
        for _ in 0..u.c.len_utf8() {
            out.src.push((u.start, u.end));
        }
    }
}

/// Is `c` (a char of the folded text) part of a word?
///
/// Letters, digits, combining marks kept by the folding (Indic vowel signs, kana
/// voicing) and [`WILDCARD`].
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || c == WILDCARD || unicode_normalization::char::is_combining_mark(c)
}
