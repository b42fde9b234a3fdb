//! The ASCII fast path: pure-ASCII input folded in bulk, with the unit pipeline run
//! only on the tokens an evasion pass could change.
//!
//! # Why a token can be folded on its own
//!
//! A *token* is a maximal run of non-whitespace bytes. ASCII holds no confusable, and
//! every evasion pass is local:
//!
//! - leetspeak and masked letters act on one word and look at its token (URLs);
//! - a run of more than three identical letters lies inside one word;
//! - a run of separated single letters lies inside a *group*: consecutive tokens each
//!   made only of separators (no word char) or holding a *free single* (a word char
//!   with no word char beside it and no apostrophe after it). A token without either
//!   holds no single of a run, and a run never crosses it.
//!
//! A token is *hot* when a word of it holds a letter and a digit or one of `@ $ * !` (a
//! trailing `!` run excepted: `wow!!` is never read), or a run of three identical
//! letters; a group is hot when it holds three free singles or a hot token. Hot tokens
//! and groups go through the unit pipeline ([`super::fold::fold_units`] and
//! [`super::evasion::apply`]) on their own, from token start to token end, so the
//! whitespace around them is folded here either way; the rest is copied, lower-cased in
//! place, with whitespace runs collapsed. The result is byte for byte the unit
//! pipeline's over the whole input; a property test checks this against
//! [`super::normalize_reference_into`].
//!
//! # Finding hot tokens cheaply
//!
//! Most tokens hold nothing suspicious, and branching on every token end costs more
//! than the folding itself. So one branch-light loop looks for *candidate* bytes — a
//! digit or symbol, a free single, the third of three identical letters — and only the
//! token (or group) around a candidate is examined.

use super::fold::{ASCII, CLASS_BREAK, CLASS_CHAR};
use super::{NormalizeOptions, Normalized, Vocab, evasion, fold, off, write_units};

/// Which evasion checks the options call for.
#[derive(Clone, Copy)]
struct Checks {
    /// Leetspeak or masked letters.
    symbols: bool,
    /// Runs of identical letters.
    repeats: bool,
    /// Separated single letters.
    singles: bool,
}

/// [`BYTES`] bit: a word char (ASCII alphanumeric).
const WORD: u8 = 1;
/// [`BYTES`] bit: a letter.
const ALPHA: u8 = 2;
/// [`BYTES`] bit: a digit or one of `@ $ * !`.
const SYMBOL: u8 = 4;
/// [`BYTES`] bit: an apostrophe (`'`, or `` ` `` which folds to it).
const APOSTROPHE: u8 = 8;
/// [`BYTES`] bit: whitespace.
const SPACE: u8 = 16;
/// [`BYTES`] bit: a byte the bulk copy cannot keep as it is (whitespace other than a
/// lone `' '` or `'\n'` is checked separately; this marks `\t \r \x0b \x0c` and `` ` ``).
const REWRITE: u8 = 32;

/// Class bits of every byte (non-ASCII bytes have none; the input is ASCII).
static BYTES: [u8; 256] = byte_table();

/// Builds [`BYTES`].
#[allow(
    clippy::indexing_slicing,
    reason = "evaluated at compile time: an index out of bounds is a compile error"
)]
const fn byte_table() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut b = 0usize;
    while b < 128 {
        let c = b as u8;
        let mut bits = 0;
        if c.is_ascii_alphanumeric() {
            bits |= WORD;
        }
        if c.is_ascii_alphabetic() {
            bits |= ALPHA;
        }
        if c.is_ascii_digit() || matches!(c, b'@' | b'$' | b'*' | b'!') {
            bits |= SYMBOL;
        }
        if matches!(c, b'\'' | b'`') {
            bits |= APOSTROPHE;
        }
        if matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C) {
            bits |= SPACE;
        }
        if matches!(c, b'\t' | b'\r' | 0x0B | 0x0C | b'`') {
            bits |= REWRITE;
        }
        t[b] = bits;
        b += 1;
    }
    t
}

/// The class bits of a byte.
fn class(b: u8) -> u8 {
    BYTES.get(usize::from(b)).copied().unwrap_or(0)
}

/// The class bits of the byte at `i` (none past the ends).
fn bits(bytes: &[u8], i: usize) -> u8 {
    bytes.get(i).map_or(0, |&b| class(b))
}

/// The byte at `i`, lower-cased (0 past the end).
fn lower(bytes: &[u8], i: usize) -> u8 {
    bytes.get(i).map_or(0, u8::to_ascii_lowercase)
}

/// The first candidate at or after `from` (a token end or the input start): a digit or
/// symbol, a free single, or the third of three identical letters.
///
/// One pass carrying the previous and next byte classes, one table look-up per byte
/// and no branch but the exit, so ordinary bytes cost a few instructions each.
fn next_candidate(bytes: &[u8], from: usize, checks: Checks) -> Option<usize> {
    const _: () = assert!(ALPHA << 4 == 0x20, "ALPHA shifted is the ASCII case bit");
    let at = |j: usize| bytes.get(j).copied().unwrap_or(0);
    let symbol_mask = if checks.symbols { SYMBOL } else { 0 };
    let word_mask = if checks.singles { WORD } else { 0 };
    let run_limit = if checks.repeats { 3 } else { u32::MAX };
    let mut k_prev = from.checked_sub(1).map_or(0, |j| bits(bytes, j));
    let (mut b, mut k) = (at(from), bits(bytes, from));
    let (mut prev_lower, mut run) = (0u8, 0u32);
    for i in from..bytes.len() {
        let b_next = at(i + 1);
        let k_next = class(b_next);
        // Lower-cased without a branch: the case bit set on letters only.
        let lower = b | ((k & ALPHA) << 4);
        run = if lower == prev_lower && k & ALPHA != 0 {
            run + 1
        } else {
            1
        };
        let symbol = k & symbol_mask != 0;
        let single = (k & word_mask != 0)
            & (k_prev & WORD == 0)
            & ((k_next & (WORD | APOSTROPHE) == 0)
                | ((k_next & APOSTROPHE != 0) && glued_ending(bytes, i)));
        if symbol | single | (run >= run_limit) {
            return Some(i);
        }
        (k_prev, k, b, prev_lower) = (k, k_next, b_next, lower);
    }
    None
}

/// May the word char at `i`, followed by an apostrophe, be a single (a superset of the
/// unit pipeline's rule): before a possessive `'s`, or a `u` (of `q u'`).
fn glued_ending(bytes: &[u8], i: usize) -> bool {
    let possessive = lower(bytes, i + 2) == b's' && bits(bytes, i + 3) & WORD == 0;
    possessive || lower(bytes, i) == b'u'
}

/// What one look at a token found.
#[derive(Default)]
struct Token {
    /// Free singles in it.
    singles: u32,
    /// Whether it holds a word char.
    word: bool,
    /// Whether an evasion pass could change it on its own.
    hot: bool,
    /// Whether it may be a leetspeak fragment beside spelled-out letters (`c3r` of
    /// `c a n c3r`): hot, with a few word chars.
    fragment: bool,
}

impl Token {
    /// Does the token belong to a group of singles and separators (a leetspeak
    /// fragment may end or start a run of singles)?
    fn groups(&self) -> bool {
        self.singles > 0 || !self.word || self.fragment
    }
}

/// Looks at the token `bytes[start..end]`.
fn scan_token(bytes: &[u8], start: usize, end: usize, checks: Checks) -> Token {
    let mut t = Token::default();
    let (mut any, mut symbol) = (0u8, false);
    let mut long_run = false;
    let mut word_chars = 0usize;
    for i in start..end {
        let k = bits(bytes, i);
        any |= k;
        word_chars += usize::from(k & WORD != 0);
        symbol |= k & SYMBOL != 0 && k & ALPHA == 0;
        if k & WORD != 0 {
            let free = |j: usize, not: u8| (j < start || j >= end) || bits(bytes, j) & not == 0;
            let after = free(i + 1, WORD | APOSTROPHE)
                || (bits(bytes, i + 1) & APOSTROPHE != 0 && glued_ending(bytes, i));
            t.singles += u32::from(free(i.wrapping_sub(1), WORD) && after);
        }
        long_run |= checks.repeats && k & ALPHA != 0 && {
            let c = lower(bytes, i);
            i + 2 < end && lower(bytes, i + 1) == c && lower(bytes, i + 2) == c
        };
    }
    t.word = any & WORD != 0;
    if !checks.singles {
        t.singles = 0;
    }
    t.hot = long_run
        || (checks.symbols
            && symbol
            && any & ALPHA != 0
            && bytes.get(start..end).is_some_and(reads_symbols));
    // Any hot token of two word chars or more: its words (split at a `*` or a quote)
    // may hold a fragment the unit pipeline joins to a run, so the group goes there.
    t.fragment = checks.singles && t.hot && word_chars >= 2;
    t
}

/// Does some word of the token (a run of alphanumerics and `@ $ ! *`) hold a letter and
/// a digit or symbol the leetspeak or masked-letter pass may read?
fn reads_symbols(token: &[u8]) -> bool {
    let (mut letter, mut symbol, mut bang) = (false, false, false);
    for &b in token {
        let k = BYTES.get(usize::from(b)).map_or(0, |&k| k);
        if k & (WORD | SYMBOL) == 0 {
            if letter && symbol {
                return true;
            }
            (letter, symbol, bang) = (false, false, false);
        } else if b == b'!' {
            bang = true;
        } else {
            // A `!` followed by more of the word is read (`sh!t`); a trailing run
            // never is (`wow!!`).
            symbol |= bang || k & ALPHA == 0;
            letter |= k & ALPHA != 0;
        }
    }
    letter && symbol
}

/// The end of the token starting at `i`.
fn token_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bits(bytes, i) & SPACE == 0 {
        i += 1;
    }
    i
}

/// The region to refold around the candidate at `p`, or `None`; and where examining
/// goes on. Nothing before `floor` is looked at again.
fn region_at(
    bytes: &[u8],
    p: usize,
    floor: usize,
    checks: Checks,
) -> (Option<(usize, usize)>, usize) {
    let mut start = p;
    while start > floor && bits(bytes, start - 1) & SPACE == 0 {
        start -= 1;
    }
    let end = token_end(bytes, p);
    let tok = scan_token(bytes, start, end, checks);
    if !(checks.singles && tok.groups()) {
        return (tok.hot.then_some((start, end)), end);
    }
    // The group: earlier tokens of separators only (a token with a single would have
    // been a candidate already), then every following token of singles or separators.
    let (mut gs, mut ge) = (start, end);
    let (mut singles, mut hot) = (tok.singles, tok.hot);
    loop {
        let mut e = gs;
        while e > floor && bits(bytes, e - 1) & SPACE != 0 {
            e -= 1;
        }
        let mut s = e;
        while s > floor && bits(bytes, s - 1) & SPACE == 0 {
            s -= 1;
        }
        if s == e || (s..e).any(|i| bits(bytes, i) & WORD != 0) {
            break;
        }
        gs = s;
    }
    loop {
        let mut s = ge;
        while s < bytes.len() && bits(bytes, s) & SPACE != 0 {
            s += 1;
        }
        let e = token_end(bytes, s);
        if s == e {
            break;
        }
        let t = scan_token(bytes, s, e, checks);
        if !t.groups() {
            break;
        }
        singles += t.singles;
        hot |= t.hot;
        ge = e;
    }
    ((hot || singles >= 3).then_some((gs, ge)), ge)
}

/// Folds pure-ASCII `input` into `out` (whose buffers the caller has cleared).
pub(super) fn normalize_ascii(
    input: &str,
    opts: &NormalizeOptions,
    vocab: Option<&Vocab>,
    out: &mut Normalized,
) {
    let checks = Checks {
        symbols: opts.leetspeak || opts.masked_letters,
        repeats: opts.repeated_letters,
        singles: opts.separated_letters,
    };
    let bytes = input.as_bytes();
    out.text.reserve(bytes.len());
    out.src.reserve(bytes.len());
    let mut folded = 0;
    let mut i = 0;
    if checks.symbols || checks.repeats || checks.singles {
        while let Some(p) = next_candidate(bytes, i, checks) {
            let (region, next) = region_at(bytes, p, i.min(p), checks);
            if let Some((s, e)) = region {
                fold_plain(input, folded, s, out);
                refold(input, opts, vocab, out, s, e);
                folded = e;
            }
            i = next.max(p + 1);
        }
    }
    fold_plain(input, folded, bytes.len(), out);
}

/// Folds `input[start..end]` with the core folding, in bulk: runs of bytes kept as they
/// are copied and lower-cased in place, whitespace runs collapsed.
///
/// `start` is 0 or follows a token; `end` is the input's end or a token start.
fn fold_plain(input: &str, start: usize, end: usize, out: &mut Normalized) {
    let bytes = input.as_bytes();
    let mut i = start;
    while i < end {
        let j = next_special(bytes, i, end);
        if let Some(run) = input.get(i..j) {
            let at = out.text.len();
            out.text.push_str(run);
            if let Some(copied) = out.text.get_mut(at..) {
                copied.make_ascii_lowercase();
            }
            out.src.extend((i..j).map(|k| (off(k), off(k + 1))));
        }
        if j >= end {
            break;
        }
        if bits(bytes, j) & SPACE == 0 {
            // A backquote: an apostrophe.
            out.text.push('\'');
            out.src.push((off(j), off(j + 1)));
            i = j + 1;
            continue;
        }
        // A whitespace run folds to one char (a line break if it holds one).
        let mut k = j;
        let mut line_break = false;
        while k < end
            && let Some(&(_, _, class)) = bytes.get(k).and_then(|&b| ASCII.get(usize::from(b)))
            && class != CLASS_CHAR
        {
            line_break |= class == CLASS_BREAK;
            k += 1;
        }
        out.text.push(if line_break { '\n' } else { ' ' });
        out.src.push((off(j), off(k)));
        i = k;
    }
}

/// The first byte in `i..end` the bulk copy cannot keep as it is (a byte to rewrite, or
/// the first of two whitespace bytes), or `end`.
fn next_special(bytes: &[u8], i: usize, end: usize) -> usize {
    let mut k = bits(bytes, i);
    for j in i..end {
        let next = bits(bytes, j + 1);
        if (k & REWRITE != 0) | (k & next & SPACE != 0) {
            return j;
        }
        k = next;
    }
    end
}

/// Appends the unit pipeline's folding of the tokens `input[start..end]`.
fn refold(
    input: &str,
    opts: &NormalizeOptions,
    vocab: Option<&Vocab>,
    out: &mut Normalized,
    start: usize,
    end: usize,
) {
    out.units.clear();
    let Some(part) = input.get(start..end) else {
        return; // unreachable: token bounds are char boundaries of ASCII input
    };
    fold::fold_units(part, opts, &mut out.units);
    let base = off(start);
    for u in &mut out.units {
        u.start = u.start.saturating_add(base);
        u.end = u.end.saturating_add(base);
    }
    evasion::apply(opts, vocab, input, &mut out.units, &mut out.scratch);
    write_units(&out.units, &mut out.text, &mut out.src);
}
