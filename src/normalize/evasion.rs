//! Evasion folding over the units of the core folding: confusables, leetspeak and masked
//! letters per word, separated single letters joined (and split back into the words of
//! a vocabulary), long letter runs shortened (to one or two letters when that makes a
//! word of the vocabulary).
//!
//! Every pass is linear in the number of units.

use std::mem;
use std::ops::Range;

use super::common::{MASKED_MARGIN, is_common, masked_reads_otherwise, zipf};
use super::words::is_listed;
use super::{NormalizeOptions, Normalized, Unit, Vocab, WILDCARD, is_word_char};

/// Runs the passes switched on in `opts`. `scratch` is a reusable second buffer.
///
/// The word pass also notes whether the other two passes have anything to do (a
/// one-char word, a run of three identical letters), so most texts skip them.
///
/// `input` is the whole original text (the units' byte ranges index it): a masked
/// word is read by its neighbours there ([`read_masked`]), so that the ASCII fast
/// path, which folds a token alone, reads it as the unit pipeline does.
pub(super) fn apply(
    opts: &NormalizeOptions,
    vocab: Option<&Vocab>,
    input: &str,
    units: &mut Vec<Unit>,
    scratch: &mut Vec<Unit>,
) {
    let seen = words_pass(opts, vocab, input, units);
    let mut joined = false;
    // Run whenever the option is on, not only when a one-char word was seen: leetspeak
    // may make singles of a word (`K*!*!*l` reads `k*i*i*l`), and the result for a token
    // must not depend on whether another token of the text holds a single (the ASCII
    // fast path folds tokens on their own).
    if opts.separated_letters {
        joined = join_separated(opts, vocab, input, units, scratch);
        if joined {
            mem::swap(units, scratch);
        }
    }
    if opts.repeated_letters && (seen.long_run || joined) {
        collapse_repeats(units, vocab, scratch);
        mem::swap(units, scratch);
    }
}

/// What the word pass saw.
#[derive(Default)]
struct Seen {
    /// A run of three identical letters or more.
    long_run: bool,
}

/// Folded whitespace.
fn is_space(c: char) -> bool {
    c == ' ' || c == '\n'
}

/// Symbols read as letters inside words.
fn is_leet_symbol(c: char) -> bool {
    matches!(c, '@' | '$' | '!')
}

/// Digits and symbols that may be leetspeak.
fn is_leetish(c: char) -> bool {
    c.is_ascii_digit() || is_leet_symbol(c)
}

/// The letter a leetspeak char reads as. `1` and `!` read `i` (terms get the `l`
/// readings as variants); `2` and `6` have no reading (they mark codes: `b2b`, `x86`).
/// `|` is not read (too common as a separator: `x|y`, tables); `k|ll` stays.
pub(super) fn leet_of(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' | '!' => 'i',
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' => 't',
        '8' => 'b',
        '9' => 'g',
        _ => return None,
    })
}

/// Words that look like leetspeak but are codes or names: left as they are.
const CODES: &[&str] = &[
    "i18n", "l10n", "a11y", "g11n", "m17n", "k8s", "k3s", "w3c", "c3po", "h1n1", "h5n1", "h7n9",
    "mp3s", "mp4s", "4chan", "8chan", "9gag", "3com", "7up", "4ever", "0day", "y2k", "web3",
];

/// Letters after a leading number that make it a quantity, an ordinal or a date
/// (`1st`, `10am`, `5km`, `3eme`, `30ans`), not leetspeak.
const UNIT_SUFFIXES: &[&str] = &[
    "st", "nd", "rd", "th", "s", "am", "pm", "h", "k", "g", "x", "d", "p", "m", "km", "kg", "mg",
    "mb", "gb", "kb", "tb", "px", "fps", "hz", "khz", "mhz", "ghz", "min", "mn", "ms", "er", "ere",
    "e", "eme", "ieme", "em", "an", "ans", "mois", "jours", "cm", "mm", "ml", "cl", "lb", "lbs",
    "oz", "ft", "yo", "yrs", "kw", "mw", "ah", "mah", "hp", "bit", "bits", "sec", "hrs", "eur",
    "usd", "btc", "ko", "mo", "go", "to", "bis", "ter",
];

/// Do the units spell exactly `s`?
fn spells(w: &[Unit], s: &str) -> bool {
    let mut it = w.iter();
    s.chars().all(|c| it.next().is_some_and(|u| u.c == c)) && it.next().is_none()
}

/// Does the token (whitespace-delimited) look like a URL or an e-mail address?
fn looks_like_url(tok: &[Unit]) -> bool {
    let scheme = tok
        .windows(3)
        .any(|w| matches!(w, [a, b, c] if a.c == ':' && b.c == '/' && c.c == '/'));
    let www = tok.len() > 4 && tok.iter().take(4).map(|u| u.c).eq("www.".chars());
    // `x@y.z`: a dot after the `@` with a word char after it (`c@ges.` ending a
    // sentence is a word).
    let email = tok.iter().position(|u| u.c == '@').is_some_and(|p| {
        p > 0
            && tok
                .windows(2)
                .skip(p)
                .any(|w| matches!(w, [d, c] if d.c == '.' && c.is_word()))
    });
    scheme || www || email
}

/// The per-word pass: confusables, leetspeak, masked letters (as switched on).
fn words_pass(
    opts: &NormalizeOptions,
    vocab: Option<&Vocab>,
    input: &str,
    units: &mut [Unit],
) -> Seen {
    let mut seen = Seen::default();
    // The token (whitespace-delimited) of the last word that needed it, and whether it
    // is a URL or an address: computed once per token, only for words with symbols.
    let mut token: Option<(usize, usize, bool)> = None;
    let n = units.len();
    let mut k = 0;
    while k < n {
        if units.get(k).is_none_or(|u| !u.is_pass()) {
            k += 1;
            continue;
        }
        let ws = k;
        let mut stats = WordStats::default();
        let mut run = ('\0', 0usize);
        while let Some(u) = units.get(k).filter(|u| u.is_pass()) {
            stats.add(u, &mut run);
            k += 1;
        }
        seen.long_run |= stats.long_run;
        let fold_symbols = (opts.leetspeak || opts.masked_letters)
            && (stats.leetish || stats.star)
            && !token_is_url(units, ws, &mut token);
        // `d*n't`: the word is the first half of an `n't` contraction.
        let stem = units.get(k).is_some_and(|u| u.c == '\'')
            && units.get(k + 1).is_some_and(|u| u.c == 't')
            && units.get(k + 2).is_none_or(|u| !u.is_word());
        if let Some(w) = units.get_mut(ws..k) {
            let confusables = opts.confusables && stats.alt;
            if confusables {
                fold_confusables(w);
            }
            if fold_symbols {
                // `k*i*l*l` is left to the separated-letters pass.
                fold_word(opts, vocab, input, w, &stats, stem);
            }
            // Folded letters may make a long run (`sh0000t`, `kііііll`).
            if (confusables || fold_symbols) && !seen.long_run {
                seen.long_run = scan_word(w).long_run;
            }
        }
    }
    seen
}

/// Is the token holding the unit at `at` a URL or an e-mail address? `cache` keeps the
/// last token's bounds and answer (words are visited left to right, so every token is
/// scanned at most once).
fn token_is_url(units: &[Unit], at: usize, cache: &mut Option<(usize, usize, bool)>) -> bool {
    if let Some((s, e, url)) = *cache
        && s <= at
        && at < e
    {
        return url;
    }
    let back = units
        .get(..at)
        .map_or(0, |b| b.iter().rev().take_while(|u| !is_space(u.c)).count());
    let fwd = units
        .get(at..)
        .map_or(0, |f| f.iter().take_while(|u| !is_space(u.c)).count());
    let (s, e) = (at - back, at + fwd);
    let url = units.get(s..e).is_some_and(looks_like_url);
    *cache = Some((s, e, url));
    url
}

/// What one scan of a word finds.
#[derive(Default)]
struct WordStats {
    /// A unit with a confusable reading.
    alt: bool,
    /// A leetspeak digit or symbol.
    leetish: bool,
    /// A `*`.
    star: bool,
    /// An ASCII digit.
    digit: bool,
    /// Letters.
    letters: usize,
    /// A run of three identical letters or more.
    long_run: bool,
}

impl WordStats {
    /// Counts the next unit of the word; `run` is the current run of one char.
    fn add(&mut self, u: &Unit, run: &mut (char, usize)) {
        if !u.c.is_ascii_alphabetic() {
            self.alt |= u.alt != '\0';
            self.leetish |= is_leetish(u.c);
            self.star |= u.c == '*';
            self.digit |= u.c.is_ascii_digit();
        }
        self.letters += usize::from(u.is_alpha());
        *run = if u.c == run.0 {
            (u.c, run.1 + 1)
        } else {
            (u.c, 1)
        };
        self.long_run |= run.1 >= 3 && u.is_alpha();
    }
}

/// Scans a word once.
fn scan_word(w: &[Unit]) -> WordStats {
    let mut st = WordStats::default();
    let mut run = ('\0', 0usize);
    for u in w {
        st.add(u, &mut run);
    }
    st
}

/// Is the char Latin script (after the core folding)?
pub(super) fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic()
        || matches!(c,
            '\u{00C0}'..='\u{024F}' | '\u{0250}'..='\u{02AF}' | '\u{1D00}'..='\u{1DBF}'
            | '\u{1E00}'..='\u{1EFF}' | '\u{2C60}'..='\u{2C7F}' | '\u{A720}'..='\u{A7FF}'
            | '\u{AB30}'..='\u{AB6F}')
            && c.is_alphabetic()
}

/// Reads the confusables of a word as Latin letters if the word is Latin-dominant: some
/// Latin letter, and at least as many Latin letters as letters of other scripts that
/// have no Latin reading.
fn fold_confusables(w: &mut [Unit]) {
    let (mut latin, mut foreign) = (0usize, 0usize);
    for u in w.iter() {
        if is_latin(u.c) {
            latin += 1;
        } else if u.alt == '\0' && u.is_alpha() {
            foreign += 1;
        }
    }
    if latin > 0 && latin >= foreign {
        for u in w.iter_mut() {
            if u.alt != '\0' {
                u.set(u.alt);
            }
        }
    }
}

/// Reads the leetspeak and masked letters of one word (a maximal run of
/// [`Unit::is_pass`] units inside a token that is not a URL). A word of spelled-out
/// single chars (`k*i*l*l`) is left for the separated-letters pass.
fn fold_word(
    opts: &NormalizeOptions,
    vocab: Option<&Vocab>,
    input: &str,
    w: &mut [Unit],
    st: &WordStats,
    stem: bool,
) {
    // At least two letters, or one when no digit is involved (`a$$`).
    let min_letters = if st.digit { 2 } else { 1 };
    if st.letters < min_letters {
        return;
    }
    if is_spaced_pattern(w) {
        return;
    }
    // `@name` is a mention, not leetspeak.
    if opts.leetspeak && st.leetish && w.first().is_none_or(|u| u.c != '@') {
        leet_word(w);
        if let Some(vocab) = vocab {
            leet_word_whole(w, vocab);
        }
    }
    // `a*b` is arithmetic; `f*ck`, `f**k` are four long, and `d*n` before `'t` is the
    // first half of a contraction.
    if opts.masked_letters && st.star && (w.len() >= 4 || stem && w.len() == 3) {
        mask_word(w);
        if let Some(vocab) = vocab {
            if stem {
                read_masked_stem(w, vocab);
            } else {
                read_masked(w, vocab, input);
            }
        }
    }
}

/// Longest masked word read as a word of the vocabulary.
const MAX_READ_MASKED: usize = 24;

/// Reads a masked word (`w\u{FDD0}ll`, from `w*ll`) as a word of the vocabulary.
///
/// First by its neighbours in `input` (the words on either side, across one run of
/// whitespace, when they are plain ASCII words): the reading that makes a pair of
/// neighbouring words of one of the policy's phrases ([`Vocab::is_pair`]) with them,
/// the most pairs first, then the most common (`je v**s te` is `je vais te`, though
/// `vous` is more common; `lesser b**ngs` is `lesser beings`, not `brings`). Otherwise
/// as the most common word of the vocabulary it fits, unless it fits another common
/// word ten times as common (see [`masked_reads_otherwise`] and [`MASKED_MARGIN`]):
/// `w*ll` is `will`, `b**cks` is `blacks` (`blocks` is not ten times as common),
/// `t*at` is `that` (`twat` is 5,000 times less common). The rules read these words
/// (auxiliaries, pronouns, negations), and the words of the policy's phrases (`can't
/// s*and`), which are looked up as written. A word with no such reading, or two as
/// likely, stays masked (lexicon terms are still found from it by length and visible
/// letters).
fn read_masked(w: &mut [Unit], vocab: &Vocab, input: &str) {
    let n = w.len();
    if n > MAX_READ_MASKED
        || !w.iter().any(|u| u.c == WILDCARD)
        || !w
            .iter()
            .all(|u| u.c == WILDCARD || u.c.is_ascii_lowercase())
    {
        return;
    }
    let (Some(first), Some(last)) = (w.first().map(|u| u.c), w.last().map(|u| u.c)) else {
        return;
    };
    if first == WILDCARD || last == WILDCARD {
        return;
    }
    let mut masked = ['\0'; MAX_READ_MASKED];
    for (m, u) in masked.iter_mut().zip(w.iter()) {
        *m = u.c;
    }
    let masked = masked.get(..n).unwrap_or_default();
    let (before, after) = match (w.first(), w.last()) {
        (Some(a), Some(b)) => neighbours(input, a.start as usize, b.end as usize),
        _ => (None, None),
    };
    let (before, after) = (before.as_deref(), after.as_deref());
    let mut buf = String::new();
    // The most common word of the vocabulary that fits (two as common: none), and the
    // one with the most neighbour pairs, then the most common (likewise).
    let mut best: Option<(&str, u16)> = None;
    let mut tie = false;
    let mut paired: Option<(&str, (u8, u16))> = None;
    let mut paired_tie = false;
    for v in vocab.masked_fits(n, first, last) {
        let fits = v.chars().zip(masked).all(|(c, &m)| m == WILDCARD || m == c);
        if !fits {
            continue;
        }
        let z = zipf(v);
        match best {
            Some((_, bz)) if bz > z => {}
            Some((_, bz)) if bz == z => tie = true,
            _ => {
                best = Some((v, z));
                tie = false;
            }
        }
        let pairs = u8::from(before.is_some_and(|b| is_pair_fit(vocab, b, v, true, &mut buf)))
            + u8::from(after.is_some_and(|a| is_pair_fit(vocab, a, v, false, &mut buf)));
        if pairs == 0 {
            continue;
        }
        match paired {
            Some((_, bk)) if bk > (pairs, z) => {}
            Some((_, bk)) if bk == (pairs, z) => paired_tie = true,
            _ => {
                paired = Some((v, (pairs, z)));
                paired_tie = false;
            }
        }
    }
    let reading = match paired.filter(|_| !paired_tie) {
        Some((v, _)) => v,
        None => {
            let Some((v, _)) = best.filter(|_| !tie) else {
                return;
            };
            let mut word = ['\0'; MAX_READ_MASKED];
            for (x, c) in word.iter_mut().zip(v.chars()) {
                *x = c;
            }
            if masked_reads_otherwise(word.get(..n).unwrap_or_default(), masked, MASKED_MARGIN) {
                return;
            }
            v
        }
    };
    for (u, c) in w.iter_mut().zip(reading.chars()) {
        if u.c == WILDCARD {
            u.set(c);
        }
    }
}

impl Normalized {
    /// The word at the folded bytes `word` with the letters read from the `*`s of
    /// `input` (the text it was folded from) as [`WILDCARD`]s again, written to `out`:
    /// the masked form of a masked word that [`read_masked`] read as a word of the
    /// vocabulary (`p*st` read `post`: `p\u{FDD0}st`), so that the terms it may stand
    /// for are found beside the reading. `false` (and `out` left unspecified) when no
    /// letter of the word came from a `*`, or when some are still wildcards.
    pub(crate) fn masked_form(&self, input: &str, word: Range<usize>, out: &mut String) -> bool {
        out.clear();
        // The word's letters came from within the original range of its first and last
        // bytes (both ends of the ranges rise along the text): none from a `*` if the
        // range has none (most words of a text with a `*`).
        let whole = self
            .src
            .get(word.start)
            .zip(word.end.checked_sub(1).and_then(|e| self.src.get(e)))
            .and_then(|(&(a, _), &(_, b))| input.get(a as usize..b as usize));
        if whole.is_some_and(|w| !w.contains('*')) {
            return false;
        }
        let Some(folded) = self.text.get(word.clone()) else {
            return false;
        };
        let mut any = false;
        for (i, c) in folded.char_indices() {
            if c == WILDCARD {
                return false;
            }
            let star = self
                .src
                .get(word.start + i)
                .and_then(|&(a, b)| input.get(a as usize..b as usize))
                == Some("*");
            any |= star;
            out.push(if star { WILDCARD } else { c });
        }
        any
    }
}

/// Is `v` with the neighbour word `other` (before it if `before`, else after) a pair
/// of neighbouring words of one of the policy's phrases? A masked neighbour (`w*rth`,
/// stars one per letter) stands for any word of the vocabulary it fits: when every
/// word of a phrase is masked (`w*rth s*it`), the pair reads both.
fn is_pair_fit(vocab: &Vocab, other: &str, v: &str, before: bool, buf: &mut String) -> bool {
    let pair = |o: &str, buf: &mut String| {
        if before {
            vocab.is_pair(o, v, buf)
        } else {
            vocab.is_pair(v, o, buf)
        }
    };
    if !other.contains('*') {
        return pair(other, buf);
    }
    let (Some(first), Some(last)) = (other.chars().next(), other.chars().last()) else {
        return false;
    };
    vocab
        .masked_fits(other.len(), first, last)
        .filter(|w| {
            w.len() == other.len()
                && w.bytes()
                    .zip(other.bytes())
                    .all(|(c, m)| m == b'*' || m == c)
        })
        .any(|w| pair(w, buf))
}

/// Reads a masked word before `'t` (`d\u{FDD0}n` of `d*n't`) as the one first half of
/// an `n't` contraction of the vocabulary it fits (`don`; `w*n't` is `won`, `a*en't`
/// is `aren`), so that the negation it makes is read. Two fits, or none: left masked.
fn read_masked_stem(w: &mut [Unit], vocab: &Vocab) {
    let fits = |s: &str| {
        s.chars().count() == w.len()
            && s.chars()
                .zip(w.iter())
                .all(|(c, u)| u.c == WILDCARD || u.c == c)
    };
    let mut found = vocab.stems().filter(|s| fits(s));
    let (Some(stem), None) = (found.next(), found.next()) else {
        return;
    };
    for (u, c) in w.iter_mut().zip(stem.chars()) {
        if u.c == WILDCARD {
            u.set(c);
        }
    }
}

/// Longest neighbour word of a masked word that is read.
const MAX_NEIGHBOUR: usize = 24;

/// The plain words beside the word at `start..end` of `input` (byte offsets): the
/// word before it and the word after it, each across one run of whitespace, when the
/// masked word is a whole token (but for trailing punctuation, which ends its phrase:
/// no word after) and the neighbour a whole token of ASCII letters and apostrophes,
/// or a masked word (stars between letters, one per letter), lower-cased (the word
/// after may end in punctuation). `None` for a side with no such word.
fn neighbours(input: &str, start: usize, end: usize) -> (Option<String>, Option<String>) {
    let b = input.as_bytes();
    let is_letter = |c: &u8| c.is_ascii_alphabetic() || matches!(c, b'\'' | b'*');
    // Stars only between letters: a masked neighbour (`w*rth`).
    let plain = |w: &[u8]| {
        (1..=MAX_NEIGHBOUR).contains(&w.len())
            && w.iter().all(is_letter)
            && w.first().is_some_and(|c| *c != b'*')
            && w.last().is_some_and(|c| *c != b'*')
            && w.iter().any(u8::is_ascii_alphabetic)
    };
    let lower = |w: &[u8]| String::from_utf8_lossy(w).to_ascii_lowercase();
    // Before: whitespace, then a token ending at it.
    let before = start
        .checked_sub(1)
        .and_then(|p| b.get(p))
        .filter(|c| c.is_ascii_whitespace())
        .and_then(|_| {
            let head = b.get(..start)?;
            let gap_end = head.iter().rposition(|c| !c.is_ascii_whitespace())? + 1;
            let tok_start = head
                .get(..gap_end)?
                .iter()
                .rposition(u8::is_ascii_whitespace)
                .map_or(0, |p| p + 1);
            let tok = b.get(tok_start..gap_end)?;
            plain(tok).then(|| lower(tok))
        });
    // After: whitespace, then a token of letters and apostrophes, then punctuation.
    let after = b
        .get(end)
        .filter(|c| c.is_ascii_whitespace())
        .and_then(|_| {
            let tail = b.get(end..)?;
            let from = end + tail.iter().position(|c| !c.is_ascii_whitespace())?;
            let rest = b.get(from..)?;
            let len = rest.iter().take_while(|c| is_letter(c)).count();
            let after_word = rest.get(len..)?;
            let ends = after_word
                .iter()
                .take_while(|c| !c.is_ascii_whitespace())
                .all(|c| matches!(c, b'.' | b',' | b';' | b':' | b'!' | b'?'));
            let tok = rest.get(..len)?;
            (ends && plain(tok)).then(|| lower(tok))
        });
    (before, after)
}

/// `k*i*l*l`, `k|i|l|l`: single chars alternating with one symbol, left for the
/// separated-letters pass rather than read as masked or leet letters.
fn is_spaced_pattern(w: &[Unit]) -> bool {
    let Some(sym) = w.get(1).map(|u| u.c) else {
        return false;
    };
    w.len() >= 5
        && w.len() % 2 == 1
        && !is_word_char(sym)
        && w.iter()
            .enumerate()
            .all(|(j, u)| if j % 2 == 0 { u.is_word() } else { u.c == sym })
}

/// The next maximal run of leetish units at or after `from`, as `(start, end)`.
fn next_run(w: &[Unit], from: usize) -> Option<(usize, usize)> {
    let rest = w.get(from..)?;
    let a = from + rest.iter().position(|u| is_leetish(u.c))?;
    let len = w.get(a..)?.iter().take_while(|u| is_leetish(u.c)).count();
    Some((a, a + len))
}

/// How a run of leetish units is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RunFold {
    /// Left as it is.
    Keep,
    /// Read as letters.
    Fold,
    /// Trailing: read as letters only if another run of the word was.
    IfEvidence,
}

/// Decides a run. `None`: the whole word is a code, leave it.
fn classify_run(w: &[Unit], a: usize, b: usize) -> Option<RunFold> {
    let run = w.get(a..b)?;
    let digits = run.iter().filter(|u| u.c.is_ascii_digit()).count();
    let first_digit = run.iter().find(|u| u.c.is_ascii_digit()).map(|u| u.c);
    let same_digit = run
        .iter()
        .filter(|u| u.c.is_ascii_digit())
        .all(|u| Some(u.c) == first_digit);
    if digits >= 3 && !same_digit {
        return None; // a number: 2021, x1000
    }
    let dollar = run.iter().any(|u| u.c == '$');
    let leading = a == 0;
    let trailing = b == w.len();
    if leading && digits > 0 {
        let rest = w.get(b..)?;
        if UNIT_SUFFIXES.iter().any(|s| spells(rest, s)) {
            return None; // 1st, 10am, 5km
        }
    }
    if digits > 0 && dollar && (leading || trailing) {
        return Some(RunFold::Keep); // a price: `$5`, `5$`, `us$5`
    }
    Some(if !leading && !trailing {
        RunFold::Fold
    } else if leading && !trailing {
        if run.first().is_some_and(|u| is_leet_symbol(u.c)) {
            // @mention, !command, $HOME: terms get `$`/`@` initial variants instead.
            RunFold::Keep
        } else {
            RunFold::Fold
        }
    } else if run.iter().any(|u| u.c == '!' || u.c == '@') {
        RunFold::Keep // hello!
    } else if digits == 0 && run.len() >= 2 {
        RunFold::Fold // a$$
    } else {
        RunFold::IfEvidence
    })
}

/// Reads leetspeak digits and symbols of one word as letters, unless the word looks
/// like a number, a quantity, a code or a price.
fn leet_word(w: &mut [Unit]) {
    let first_digit = w.first().is_some_and(|u| u.c.is_ascii_digit());
    let last_digit = w.last().is_some_and(|u| u.c.is_ascii_digit());
    if (first_digit && last_digit)
        || w.iter()
            .any(|u| u.c.is_ascii_digit() && leet_of(u.c).is_none())
        || CODES.iter().any(|s| spells(w, s))
    {
        return;
    }
    let mut evidence = false;
    let mut from = 0;
    while let Some((a, b)) = next_run(w, from) {
        match classify_run(w, a, b) {
            None => return,
            Some(RunFold::Fold) => evidence = true,
            Some(_) => {}
        }
        from = b;
    }
    let mut from = 0;
    while let Some((a, b)) = next_run(w, from) {
        let fold = match classify_run(w, a, b) {
            Some(RunFold::Fold) => true,
            Some(RunFold::IfEvidence) => evidence,
            _ => false,
        };
        if fold && let Some(run) = w.get_mut(a..b) {
            for u in run {
                if let Some(l) = leet_of(u.c) {
                    u.set(l);
                }
            }
        }
        from = b;
    }
}

/// Longest word read as a whole by [`leet_word_whole`].
const MAX_LEET_WORD: usize = 24;

/// Reads the leetspeak chars [`leet_word`] left of a word with a letter (`plu5`,
/// `ju$7`, `4ucun3`, `r374rd`, `qu0!`) when the word read wholly as letters is a word of
/// the vocabulary or of the word lists, of four letters or more: a number, a price or
/// a code read so is no word (`10am`, `5$`, `x1000`), while a word disguised at its ends
/// or with several digits in a row is. Allocates nothing.
fn leet_word_whole(w: &mut [Unit], vocab: &Vocab) {
    let n = w.len();
    // A trailing run of `!` is never read alone (`tax!` is no `taxi`), as in the ASCII
    // fast path.
    let bangs = w.iter().rev().take_while(|u| u.c == '!').count();
    if !(4..=MAX_LEET_WORD).contains(&n)
        || !w.iter().any(|u| u.c.is_ascii_lowercase())
        || !w.iter().take(n - bangs).any(|u| is_leetish(u.c))
        || CODES.iter().any(|s| spells(w, s))
    {
        return;
    }
    let mut buf = [0u8; MAX_LEET_WORD];
    for (b, u) in buf.iter_mut().zip(w.iter()) {
        let c = if u.c.is_ascii_lowercase() {
            u.c
        } else {
            match leet_of(u.c) {
                Some(l) => l,
                None => return,
            }
        };
        *b = c as u8;
    }
    let Some(word) = buf.get(..n).and_then(|b| std::str::from_utf8(b).ok()) else {
        return;
    };
    if vocab.contains(word) || is_listed(word) {
        for u in w.iter_mut() {
            if let Some(l) = leet_of(u.c) {
                u.set(l);
            }
        }
    }
}

/// Turns runs of `*` between letters into [`WILDCARD`]s, one per star.
fn mask_word(w: &mut [Unit]) {
    let n = w.len();
    let mut j = 0;
    while j < n {
        if w.get(j).is_none_or(|u| u.c != '*') {
            j += 1;
            continue;
        }
        let a = j;
        while w.get(j).is_some_and(|u| u.c == '*') {
            j += 1;
        }
        if a > 0
            && j < n
            && let Some(run) = w.get_mut(a..j)
        {
            for u in run {
                u.set(WILDCARD);
            }
        }
    }
}

/// Separator chars between spelled-out letters (`k.i.l.l`, `k-i-l-l`, `k_i_l_l`).
fn is_sep_char(c: char) -> bool {
    matches!(
        c,
        '.' | '-' | '_' | '/' | '|' | '*' | '+' | '~' | '·' | '•' | '‧' | '=' | ':'
    )
}

/// Separators also common between single letters in ordinary text (`x|y|z`, `a/b/c`,
/// `a+b+c`, initials `J. R. R.`): a run joined by one of them needs four singles, not three.
fn is_weak_sep(sep: &Sep) -> bool {
    matches!(sep[1], '/' | '|' | '*' | '+' | '~' | '=' | ':') || *sep == ['\0', '.', ' ']
}

/// One-letter words of English and French (and the Romance languages), which a run
/// joined by plain spaces must not consist of only (`il y a à`).
fn is_common_single(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// A separator: up to three chars, `'\0'`-padded.
type Sep = [char; 3];

/// Reads a separator at `j`: an optional space, an optional separator char, an optional
/// space (at least one of them). Returns it and its length.
fn read_sep(units: &[Unit], j: usize) -> Option<(Sep, usize)> {
    let mut sep = ['\0'; 3];
    let mut len = 0;
    let at = |k: usize| units.get(k).map(|u| u.c);
    if at(j) == Some(' ') {
        sep[0] = ' ';
        len = 1;
    }
    if let Some(c) = at(j + len).filter(|&c| is_sep_char(c)) {
        sep[1] = c;
        len += 1;
        if at(j + len) == Some(' ') {
            sep[2] = ' ';
            len += 1;
        }
    }
    (len > 0).then_some((sep, len))
}

/// Is the unit at `k` a free-standing single letter (or leet digit): no word char on
/// either side, no apostrophe after it (but a possessive `'s` or the `u'` of `qu'`),
/// an apostrophe before it only after an elision? Returns whether it is a letter.
fn single_at(units: &[Unit], k: usize, leet: bool) -> Option<bool> {
    let u = units.get(k)?;
    // Latin letters only: one-letter words of other scripts (Russian `а я в`) and
    // spaced CJK stay as they are.
    let letter = u.c.is_ascii_alphabetic();
    if !(letter || (leet && u.c.is_ascii_digit() && leet_of(u.c).is_some())) {
        return None;
    }
    // An apostrophe may stand before a single after a French elision (`l'a c c u s é`,
    // `qu'e l l e`), not after it (`l'homme`: `l` is not a single); `let's`, `I'm`,
    // `can't` end in a letter, which is not a single.
    let free = |o: Option<&Unit>| o.is_none_or(|v| !v.is_word());
    let before = k.checked_sub(1).and_then(|p| units.get(p));
    let after = units.get(k + 1);
    let before_ok = match before {
        // The `t` of an English `n't` (`w a s n't`) and the `s` of a possessive (`c o u
        // n c i l's`) are no singles after a French elision (`n'`, `l'`).
        Some(v) if v.c == '\'' => {
            k.checked_sub(1).is_some_and(|p| is_elision(units, p))
                && u.c != 's'
                && !(u.c == 't'
                    && k.checked_sub(2)
                        .and_then(|p| units.get(p))
                        .is_some_and(|n| n.c == 'n'))
        }
        other => free(other),
    };
    let after_ok = match after {
        Some(v) if v.c == '\'' => glued_ending(units, k),
        other => free(other),
    };
    (before_ok && after_ok).then_some(letter)
}

/// May the single at `k`, followed by an apostrophe, end a run: an English possessive
/// (`m a y o r's`) or the French `qu'` (`q u e l q u'un`)?
fn glued_ending(units: &[Unit], k: usize) -> bool {
    let c = |j: usize| units.get(j).map(|u| u.c);
    let possessive = c(k + 2) == Some('s') && units.get(k + 3).is_none_or(|u| !u.is_word());
    let qu = c(k) == Some('u') && k.checked_sub(2).is_some_and(|p| c(p) == Some('q'));
    possessive || qu
}

/// Does the apostrophe at `p` end a French elision: a word `l d j m t s n c` or one
/// ending in `qu` (`lorsqu'`)?
fn is_elision(units: &[Unit], p: usize) -> bool {
    let word_start = units.get(..p).map_or(0, |b| {
        p - b.iter().rev().take_while(|u| u.is_word()).count()
    });
    let word = units.get(word_start..p).unwrap_or_default();
    match word {
        [u] => matches!(u.c, 'l' | 'd' | 'j' | 'm' | 't' | 's' | 'n' | 'c'),
        [.., q, u] => q.c == 'q' && u.c == 'u',
        [] => false,
    }
}

/// A run of separated singles starting at `i`.
struct Run {
    /// Index of the last single.
    last: usize,
    /// Whether the run is joined.
    valid: bool,
    /// The separator between its singles.
    sep: Sep,
}

/// Counts of the singles of a run.
#[derive(Default)]
struct Tally {
    /// Singles seen.
    singles: usize,
    /// Singles that are letters (the others are leet digits).
    letters: usize,
    /// Whether a single is not a common one-letter word.
    uncommon: bool,
}

impl Tally {
    /// Counts the single at `k`.
    fn add(&mut self, units: &[Unit], k: usize, letter: bool) {
        self.singles += 1;
        if letter {
            self.letters += 1;
        }
        if units.get(k).is_some_and(|u| !is_common_single(u.c)) {
            self.uncommon = true;
        }
    }
}

/// Scans the run of singles starting at `i`, if `i` holds a single.
fn scan_run(units: &[Unit], i: usize, leet: bool) -> Option<Run> {
    let first_letter = single_at(units, i, leet)?;
    let (sep, sep_len) = read_sep(units, i + 1)?;
    let mut t = Tally::default();
    t.add(units, i, first_letter);
    let mut last = i;
    let mut next = i + 1 + sep_len;
    while let Some(letter) = single_at(units, next, leet) {
        match read_sep(units, next + 1) {
            // In a run joined by spaces, a single followed by a mark and another single
            // starts a run of its own (`n e v e r h.u.r.t`: `never`, then `hurt`).
            Some((s, l))
                if sep == [' ', '\0', '\0']
                    && s[0] == '\0'
                    && s[1] != '\0'
                    && s[2] == '\0'
                    && single_at(units, next + 1 + l, leet).is_some() =>
            {
                break;
            }
            other => {
                t.add(units, next, letter);
                last = next;
                match other {
                    Some((s, l)) if s == sep => next = next + 1 + l,
                    _ => break,
                }
            }
        }
    }
    let space_only = sep == [' ', '\0', '\0'];
    let min_singles = if is_weak_sep(&sep) { 4 } else { 3 };
    let valid = t.singles >= min_singles
        && (t.letters == t.singles || t.letters >= 3)
        && (!space_only || t.uncommon)
        && last > i;
    Some(Run { last, valid, sep })
}

/// Pushes the indices of the singles of the run `from..=last` (skipping separators).
fn push_singles(units: &[Unit], from: usize, last: usize, singles: &mut Vec<usize>) {
    let mut k = from;
    while k <= last {
        singles.push(k);
        k += 1;
        while k <= last && units.get(k).is_some_and(|v| !v.is_word()) {
            k += 1;
        }
    }
}

/// Longest leetspeak fragment a run of singles takes in (`c a n c3r`).
const MAX_FRAGMENT: usize = 5;

/// Is `units[s..e]` a word of leetspeak left whole beside spelled-out letters, where a
/// digit stuck to its neighbours (`c a n c3r`, `sh3m a l e`, `imm1g r a n t s`):
/// 2..=[`MAX_FRAGMENT`] units, one of them from a digit of `input`, the others Latin
/// letters or digits read as letters after the first, no word char on either side?
fn is_leet_fragment(units: &[Unit], input: &str, s: usize, e: usize) -> bool {
    let word = |k: Option<usize>| k.and_then(|k| units.get(k)).is_some_and(Unit::is_word);
    (2..=MAX_FRAGMENT).contains(&(e.saturating_sub(s)))
        && !word(s.checked_sub(1))
        && !word(Some(e))
        && units.get(s..e).is_some_and(|w| {
            // Letters, and digits read as letters but in first place (`4g` is a
            // quantity, `l3` of `c r i p p l3` a letter).
            w.iter().enumerate().all(|(j, u)| {
                u.c.is_ascii_alphabetic() || j > 0 && u.c.is_ascii_digit() && leet_of(u.c).is_some()
            }) && w.iter().any(|u| {
                input
                    .as_bytes()
                    .get(u.start as usize)
                    .is_some_and(u8::is_ascii_digit)
            })
        })
}

/// Do the units at `at..` spell the separator `sep`? Returns its length.
fn sep_at(units: &[Unit], at: usize, sep: &Sep) -> Option<usize> {
    let mut len = 0;
    for &c in sep.iter().filter(|&&c| c != '\0') {
        if units.get(at + len).map(|u| u.c) != Some(c) {
            return None;
        }
        len += 1;
    }
    (len > 0).then_some(len)
}

/// The leetspeak fragment ([`is_leet_fragment`]) right before the run whose first
/// single is at `i`, across the run's separator, not before `floor`: its bounds.
fn fragment_before(
    units: &[Unit],
    input: &str,
    i: usize,
    sep: &Sep,
    floor: usize,
) -> Option<(usize, usize)> {
    let len = sep.iter().filter(|&&c| c != '\0').count();
    let e = i.checked_sub(len)?;
    sep_at(units, e, sep)?;
    let back = units
        .get(floor..e)?
        .iter()
        .rev()
        .take_while(|u| u.is_word())
        .count();
    let s = e - back;
    (s > floor || floor == 0 && s == 0)
        .then_some(())
        .filter(|()| is_leet_fragment(units, input, s, e))
        .map(|()| (s, e))
}

/// The leetspeak fragment right after the run whose last single is at `last`, across
/// the run's separator: its bounds.
fn fragment_after(units: &[Unit], input: &str, last: usize, sep: &Sep) -> Option<(usize, usize)> {
    let s = last + 1 + sep_at(units, last + 1, sep)?;
    let fwd = units.get(s..)?.iter().take_while(|u| u.is_word()).count();
    is_leet_fragment(units, input, s, s + fwd).then_some((s, s + fwd))
}

/// Joins runs of ≥ 3 single letters separated by the same separator (`k i l l`) into
/// `out`, split back into words where the run spells several ([`word_cuts`]). Returns
/// whether it joined anything (if not, `out` is to be ignored).
fn join_separated(
    opts: &NormalizeOptions,
    vocab: Option<&Vocab>,
    input: &str,
    units: &[Unit],
    out: &mut Vec<Unit>,
) -> bool {
    out.clear();
    // The indices of the singles of the current run, and where it splits into words.
    let mut singles: Vec<usize> = Vec::new();
    let mut cuts: Vec<bool> = Vec::new();
    // Units before `copied` are in `out`; nothing is copied until a run is joined.
    let mut copied = 0;
    let n = units.len();
    let mut i = 0;
    while i < n {
        // Inside a word of two chars or more no run starts: skip to its end.
        if units.get(i).is_some_and(Unit::is_word) && units.get(i + 1).is_some_and(Unit::is_word) {
            i += 2;
            while units.get(i).is_some_and(Unit::is_word) {
                i += 1;
            }
            continue;
        }
        match scan_run(units, i, opts.leetspeak) {
            Some(run) if run.valid => {
                // A leetspeak fragment on either side, where a digit stuck to its
                // neighbours, is part of the word (`c a n c3r`, `sh3m a l e`).
                let before = opts
                    .leetspeak
                    .then(|| fragment_before(units, input, i, &run.sep, copied))
                    .flatten();
                let start = before.map_or(i, |(s, _)| s);
                out.extend(units.get(copied..start).unwrap_or_default());
                singles.clear();
                singles.extend(before.map_or(0..0, |(s, e)| s..e));
                push_singles(units, i, run.last, &mut singles);
                let mut last = run.last;
                // A fragment after it, and a run of singles after the fragment across
                // the same separator, continue the word (`m a n y b1t c h e s`).
                while opts.leetspeak
                    && let Some((fs, fe)) = fragment_after(units, input, last, &run.sep)
                {
                    singles.extend(fs..fe);
                    last = fe - 1;
                    let Some(l) = sep_at(units, fe, &run.sep) else {
                        break;
                    };
                    match scan_run(units, fe + l, true) {
                        Some(next) if next.valid && next.sep == run.sep => {
                            push_singles(units, fe + l, next.last, &mut singles);
                            last = next.last;
                        }
                        _ => break,
                    }
                }
                let letter = |k: usize| {
                    units.get(k).map_or('\0', |u| {
                        leet_of(u.c).filter(|_| u.c.is_ascii_digit()).unwrap_or(u.c)
                    })
                };
                word_cuts(units, &singles, vocab, &mut cuts);
                for (j, &k) in singles.iter().enumerate() {
                    let Some(mut u) = units.get(k).copied() else {
                        continue;
                    };
                    if j > 0
                        && cuts.get(j).copied().unwrap_or(false)
                        && let Some(&prev) = j.checked_sub(1).and_then(|p| singles.get(p))
                        && prev + 1 < k
                        && let (Some(a), Some(b)) = (units.get(prev + 1), units.get(k - 1))
                    {
                        // The separator between two words reads as a space.
                        out.push(Unit::new(' ', '\0', a.start, b.end));
                    }
                    u.set(letter(k));
                    out.push(u);
                }
                i = last + 1;
                if contraction_follows(units, i) {
                    // `a r e n't`, `a-r-e-n't`: the separator before `n't` is dropped
                    // (`aren't`).
                    i += 1;
                }
                copied = i;
            }
            Some(run) if run.last > i => i = run.last,
            _ => i += 1,
        }
    }
    if copied == 0 {
        return false;
    }
    out.extend(units.get(copied..).unwrap_or_default());
    true
}

/// Does a space or a separator char and an English `n't` ending stand at `k`, after a
/// run of spelled-out letters (`a r e n't`, `a-r-e-n't`, where the spelled-out letters
/// keep the contraction's ending whole)?
fn contraction_follows(units: &[Unit], k: usize) -> bool {
    let c = |j: usize| units.get(j).map(|u| u.c);
    c(k).is_some_and(|s| s == ' ' || is_sep_char(s))
        && c(k + 1) == Some('n')
        && c(k + 2) == Some('\'')
        && c(k + 3) == Some('t')
        && units.get(k + 4).is_none_or(|u| !u.is_word())
}

/// Longest run of spelled-out letters split into words by the vocabulary (longer runs
/// are only split at their wider gaps).
const MAX_SEGMENTED: usize = 64;

/// Longest word a run of spelled-out letters is split into.
const MAX_WORD: usize = 32;

/// Where the run of singles at `singles` splits into words: `cuts[j]` is whether a
/// word starts at single `j` (`cuts[0]` is false).
///
/// Where the gaps between the singles differ in width (`j e  v a i s  t e`), the run
/// splits at every gap wider than the narrowest, and nowhere else. Otherwise it splits
/// into words of the vocabulary and of the English and French word lists if it is
/// wholly made of them, in as few words as possible (`iwillkillyou` → `i will kill
/// you`, while `therapeute` stays one word); a run that is not stays whole.
fn word_cuts(units: &[Unit], singles: &[usize], vocab: Option<&Vocab>, cuts: &mut Vec<bool>) {
    cuts.clear();
    cuts.resize(singles.len(), false);
    // The width of a gap: the original bytes of the separator units (not of
    // invisible characters dropped beside them).
    let gap = |j: usize| -> u32 {
        match (
            j.checked_sub(1).and_then(|p| singles.get(p)),
            singles.get(j),
        ) {
            (Some(&a), Some(&b)) => units
                .get(a + 1..b)
                .unwrap_or_default()
                .iter()
                .map(|u| u.end.saturating_sub(u.start))
                .sum(),
            _ => 0,
        }
    };
    // Letters of a leetspeak fragment stand side by side (no gap): never a cut.
    let narrowest = (1..singles.len())
        .map(gap)
        .filter(|&g| g > 0)
        .min()
        .unwrap_or(0);
    let mut gaps = false;
    for (j, cut) in cuts.iter_mut().enumerate().skip(1) {
        *cut = gap(j) > narrowest;
        gaps |= *cut;
    }
    let Some(vocab) = vocab.filter(|v| v.len() > 0 && !gaps) else {
        return;
    };
    let mut letters = String::new();
    for &k in singles {
        if let Some(u) = units.get(k) {
            letters.push(leet_of(u.c).filter(|_| u.c.is_ascii_digit()).unwrap_or(u.c));
        }
    }
    // A misspelled word spelled out (`d i s g u t s e d`) is no run of words, or only
    // of short ones (`dis guts ed`): then a word one typo from a word of the
    // vocabulary may stand whole.
    if segment(&letters, vocab, cuts, false).is_none_or(|shortest| shortest <= 2) {
        cuts.fill(false);
        segment(&letters, vocab, cuts, true);
    }
}

/// Shortest word, in letters, that may be read as a typo of a word of the vocabulary
/// when spelled-out letters are split (the terms' typo tolerance starts there too).
const MIN_TYPO_WORD: usize = 4;

/// Longest such word.
const MAX_TYPO_WORD: usize = 16;

/// Writes a candidate form of a word into `buf` with `f`, reusing its allocation (the
/// bytes `f` writes are ASCII letters; anything else leaves `buf` empty).
pub(super) fn write_form(buf: &mut String, f: &mut dyn FnMut(&mut Vec<u8>)) {
    let mut bytes = mem::take(buf).into_bytes();
    bytes.clear();
    f(&mut bytes);
    *buf = String::from_utf8(bytes).unwrap_or_default();
}

/// Is `w` (ASCII letters, no word of the vocabulary or of the word lists) one typo from
/// a word of the vocabulary of [`MIN_TYPO_WORD`] letters or more: two neighbouring
/// letters swapped, a letter added or a letter missing (the typos the terms tolerate),
/// inside the word? Its first and last letters stay: a letter more or less at an end
/// is likelier a word of its own run in (`a v i r u s` is `a virus`, not `avirus`).
/// `buf` is reused.
fn is_typo_of_vocab(w: &str, vocab: &Vocab, buf: &mut String) -> bool {
    let b = w.as_bytes();
    let n = b.len();
    let mut try_form = |f: &mut dyn FnMut(&mut Vec<u8>)| {
        write_form(buf, f);
        buf.len() >= MIN_TYPO_WORD && vocab.is_word(buf)
    };
    for j in 1..n.saturating_sub(1) {
        // Swapped with the next letter.
        if j + 2 < n
            && b.get(j) != b.get(j + 1)
            && try_form(&mut |o| {
                o.extend_from_slice(b);
                o.swap(j, j + 1);
            })
        {
            return true;
        }
        // A letter added (it is removed).
        if try_form(&mut |o| {
            o.extend_from_slice(b.get(..j).unwrap_or_default());
            o.extend_from_slice(b.get(j + 1..).unwrap_or_default());
        }) {
            return true;
        }
    }
    // A letter missing inside the word: a word of the vocabulary one letter longer,
    // with the same first and last letters, that is `w` once one letter is removed.
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    vocab
        .masked_fits(n + 1, char::from(first), char::from(last))
        .any(|v| {
            let v = v.as_bytes();
            let k = v.iter().zip(b).take_while(|(x, y)| x == y).count();
            v.len() == n + 1 && v.get(k + 1..) == b.get(k..)
        })
}

/// Shortest word of the lists, not a common word, that counts as two words when
/// spelled-out letters are split (a long rare word is likelier two words run together).
const MIN_RARE_SPLIT: usize = 8;

/// Splits `letters` (ASCII letters, one per single) into words of `vocab` and of the
/// word lists, in as few words as possible (a long word of the lists that is no common
/// word counting as two; then with as many
/// words of the vocabulary as possible: `killthemall` is `kill them all`, not `kill the
/// mall`; then with more common words: `shoot every`, not `shoote very`; then with
/// longer words: `dateawoman` is `date a woman`, not `da tea woman`),
/// marking in `cuts` where each word after the first starts. Leaves `cuts` alone when the letters are
/// not wholly made of words (or too many). With `typos`, a piece that is one typo from
/// a word of the vocabulary ([`is_typo_of_vocab`]) is a word too, found only in the
/// word lists and counting as two, so that it never wins over a split into two words
/// (`je vais`), only over splits into more (`dis guts ed` of `disgutsed`). Returns the
/// length of the shortest word of the split, if split.
fn segment(letters: &str, vocab: &Vocab, cuts: &mut [bool], typos: bool) -> Option<usize> {
    let n = letters.len();
    if !(2..=MAX_SEGMENTED).contains(&n) || !letters.is_ascii() || cuts.len() != n {
        return None;
    }
    let mut buf = String::new();
    let bytes = letters.as_bytes();
    // With typos, no word starts inside a run of three identical letters or more: the
    // run is a stretched letter (`n e e e e v e r` is no `nee eever`).
    let inside_run = |j: usize| {
        let at = |k: Option<usize>| k.and_then(|k| bytes.get(k));
        let (p, c) = (at(j.checked_sub(1)), at(Some(j)));
        p.is_some() && p == c && (at(j.checked_sub(2)) == c || at(Some(j + 1)) == c)
    };
    // best[i]: the cost of the best split of letters[..i] (fewest words, then fewest
    // words found only in the word lists, then more common words: the largest sum of
    // Zipf frequencies, negated; then longer words: the largest sum of squared
    // lengths, negated), and where its last word starts.
    type Cost = (u32, u32, i64, i64);
    let mut best: Vec<Option<(Cost, usize)>> = vec![None; n + 1];
    if let Some(b) = best.first_mut() {
        *b = Some(((0, 0, 0, 0), 0));
    }
    for i in 1..=n {
        for j in i.saturating_sub(MAX_WORD)..i {
            let Some(((words, listed, freq, sq), _)) = best.get(j).copied().flatten() else {
                continue;
            };
            let Some(w) = letters.get(j..i) else {
                continue;
            };
            if typos && (inside_run(j) || inside_run(i)) {
                continue;
            }
            let len = i64::try_from(w.len()).unwrap_or(0);
            let sq = sq - len * len;
            let cost = if vocab.is_word(w) {
                (words + 1, listed, freq - i64::from(zipf(w)), sq)
            } else if w.len() >= 4 && is_listed(w) {
                // A long listed word rarer than every common word counts as two: `vous
                // seraient`, not the rare `vousseraient` (of `vousser`); short ones stay
                // whole (`thumb spica`, not `thumb spic a`).
                let z = zipf(w);
                let rare = z == 0 && w.len() >= MIN_RARE_SPLIT;
                (
                    words + 1 + u32::from(rare),
                    listed + 1,
                    freq - i64::from(z),
                    sq,
                )
            } else if typos
                && (MIN_TYPO_WORD..=MAX_TYPO_WORD).contains(&w.len())
                && !is_listed(w)
                && is_typo_of_vocab(w, vocab, &mut buf)
            {
                (words + 2, listed + 1, freq, sq)
            } else {
                continue;
            };
            let better = best.get(i).copied().flatten().is_none_or(|(c, _)| cost < c);
            if better && let Some(b) = best.get_mut(i) {
                *b = Some((cost, j));
            }
        }
    }
    best.get(n).copied().flatten()?;
    let mut shortest = n;
    let mut i = n;
    while i > 0 {
        let (_, j) = best.get(i).copied().flatten()?;
        if j > 0
            && let Some(c) = cuts.get_mut(j)
        {
            *c = true;
        }
        shortest = shortest.min(i - j);
        i = j;
    }
    Some(shortest)
}

/// Most runs of three letters or more in one word read against the vocabulary (each
/// doubles the readings tried).
const MAX_ELONGATED_RUNS: usize = 4;

/// Shortens runs of identical letters, word by word ([`collapse_word`]).
fn collapse_repeats(units: &[Unit], vocab: Option<&Vocab>, out: &mut Vec<Unit>) {
    out.clear();
    let mut word = String::new();
    let mut i = 0;
    while i < units.len() {
        let len = units
            .get(i..)
            .map_or(0, |r| r.iter().take_while(|u| u.is_word()).count());
        if len == 0 {
            out.extend(units.get(i).copied());
            i += 1;
            continue;
        }
        if let Some(w) = units.get(i..i + len) {
            collapse_word(w, vocab, &mut word, out);
        }
        i += len;
    }
}

/// The runs of three identical letters or more of a word, as `(start, len)`, at most
/// [`MAX_ELONGATED_RUNS`] (`None` past that).
fn elongated_runs(w: &[Unit]) -> Option<Vec<(usize, usize)>> {
    let mut runs = Vec::new();
    let mut k = 0;
    while let Some(u) = w.get(k) {
        let len = w
            .get(k..)
            .map_or(1, |r| r.iter().take_while(|v| v.c == u.c).count().max(1));
        if len >= 3 && u.is_alpha() {
            if runs.len() == MAX_ELONGATED_RUNS {
                return None;
            }
            runs.push((k, len));
        }
        k += len;
    }
    Some(runs)
}

/// The readings of a token that are words of the vocabulary: how many, the most
/// common, and how common the next is.
#[derive(Default)]
struct Readings {
    /// How many.
    n: u32,
    /// The most common: which runs keep two letters, and its Zipf frequency times 100.
    best: (u32, u16),
    /// The Zipf frequency times 100 of the next most common.
    runner: u16,
}

impl Readings {
    fn add(&mut self, mask: u32, zipf: u16) {
        if self.n == 0 || zipf > self.best.1 {
            if self.n > 0 {
                self.runner = self.runner.max(self.best.1);
            }
            self.best = (mask, zipf);
        } else {
            self.runner = self.runner.max(zipf);
        }
        self.n += 1;
    }

    /// The reading: the only one, or the one ten times as common ([`MASKED_MARGIN`])
    /// as every other (`kill` over `kil`, which is not a common word; not `shot` over
    /// `shoot`).
    fn pick(&self) -> Option<u32> {
        match self.n {
            0 => None,
            1 => Some(self.best.0),
            _ => (self.best.1 > 0 && self.best.1 >= self.runner.saturating_add(MASKED_MARGIN))
                .then_some(self.best.0),
        }
    }
}

/// Shortens the runs of identical letters of one word into `out`.
///
/// With a vocabulary, each run of three or more is read as one letter or as two, every
/// combination tried: if exactly one spells a word of the vocabulary, it is kept
/// (`mooooort` → `mort`, `kiiiillll` → `kill`); if none does, the first (double
/// letters first) that spells a word of the word lists is kept (`goooood` → `good`).
/// With no reading at all (a misspelled word stretched: `thraettttt`), every run is
/// read as one letter (`thraet`, which the terms' typo tolerance reads), unless the
/// word with its runs cut to three is a word itself (`xxx`, `www`). Otherwise — two readings
/// of the vocabulary (`shoooot`: `shot` or `shoot`), or no vocabulary — runs of more
/// than three are shortened to three, and runs of three stay: terms get variants with
/// a run three long, so `shooot` matches both. Either way the last letter kept covers
/// the rest of its run.
fn collapse_word(w: &[Unit], vocab: Option<&Vocab>, word: &mut String, out: &mut Vec<Unit>) {
    let runs = elongated_runs(w);
    let mut keep = 0u32; // bit r: run r keeps two letters, else one
    let mut found = false;
    // No reading makes a word (a misspelled word stretched: `thraettttt`): every run
    // is read as one letter, so that the typo tolerance of the terms applies.
    let mut unread = false;
    if let (Some(vocab), Some(runs)) = (vocab, runs.as_ref())
        && !runs.is_empty()
    {
        let all = 1u32 << runs.len();
        // Masks 0..all: the vocabulary; then all..2*all: the word lists, double
        // letters first.
        let mut in_vocab = 0;
        for step in 0..2 * all {
            if step == all && in_vocab > 0 {
                break;
            }
            let (listed, mask) = if step < all {
                (false, step)
            } else {
                (true, 2 * all - 1 - step)
            };
            word.clear();
            let mut k = 0;
            for (r, &(s, len)) in runs.iter().enumerate() {
                word.extend(w.get(k..s).unwrap_or_default().iter().map(|u| u.c));
                let n = if mask & (1 << r) != 0 { 2 } else { 1 };
                word.extend(w.get(s..s + n).unwrap_or_default().iter().map(|u| u.c));
                k = s + len;
            }
            word.extend(w.get(k..).unwrap_or_default().iter().map(|u| u.c));
            let known = if listed {
                word.len() >= 4 && is_listed(word)
            } else {
                vocab.contains(word)
            };
            if known {
                (keep, found) = (mask, true);
                if listed {
                    break;
                }
                in_vocab += 1;
            }
        }
        if in_vocab > 1 {
            found = false; // ambiguous: left to the terms' variants
        } else if !found {
            // Unless the word with its runs cut to three letters is a word (`xxx`).
            word.clear();
            let mut k = 0;
            for &(s, len) in runs {
                word.extend(
                    w.get(k..s + len.min(3))
                        .unwrap_or_default()
                        .iter()
                        .map(|u| u.c),
                );
                k = s + len;
            }
            word.extend(w.get(k..).unwrap_or_default().iter().map(|u| u.c));
            unread =
                !(vocab.contains(word) || is_common(word) || word.len() >= 4 && is_listed(word));
        }
    }
    let mut k = 0;
    let mut r = 0;
    while let Some(u) = w.get(k) {
        let len = w.get(k..).map_or(1, |run| {
            run.iter().take_while(|v| v.c == u.c).count().max(1)
        });
        let elongated = len >= 3 && u.is_alpha();
        let n = if found && elongated {
            let n = if keep & (1 << r) != 0 { 2 } else { 1 };
            r += 1;
            n
        } else if unread && elongated {
            1
        } else if u.is_alpha() {
            len.min(3)
        } else {
            len
        };
        out.extend(w.get(k..k + n).unwrap_or_default().iter().copied());
        if n < len
            && let (Some(last), Some(end)) = (out.last_mut(), w.get(k + len - 1))
        {
            last.end = end.end;
        }
        k += len;
    }
}

/// Most runs of doubled letters in one token that [`doubled_reading`] tries (each
/// doubles the readings tried).
const MAX_DOUBLED_RUNS: usize = 3;

/// The word of the vocabulary that a token with doubled letters stands for, if it is
/// the only one (`gooing` → `going`, `staand` → `stand`, `rienn` → `rien`): each run of
/// two or three identical letters (longer runs are already cut by the folding) read as
/// one letter or two. Written to `out`; `false` (and `out` left unspecified) when the
/// token is itself a word of the vocabulary or of the English and French word lists
/// (`good`, `too`, `belle`: never re-read), holds no such run or more than
/// [`MAX_DOUBLED_RUNS`], or has no reading or two as common. The scan looks the words of phrases
/// up with it, which are otherwise matched as written. Allocates nothing once `out` is
/// large enough. Of two readings, one ten times as common as the other ([`Readings`])
/// is kept: `killl` is `kill`, not the lexicon's misspelling `kil` (`killl myself`).
pub(crate) fn doubled_reading(token: &str, vocab: &Vocab, out: &mut String) -> bool {
    let b = token.as_bytes();
    // Runs as (start, len), over ASCII letters only.
    let mut runs = [(0usize, 0usize); MAX_DOUBLED_RUNS];
    let mut n = 0;
    let mut k = 0;
    while let Some(&c) = b.get(k) {
        if !c.is_ascii_lowercase() {
            return false;
        }
        let len = b
            .get(k..)
            .map_or(1, |r| r.iter().take_while(|&&x| x == c).count());
        if len >= 2 {
            match runs.get_mut(n) {
                Some(r) => *r = (k, len),
                None => return false,
            }
            n += 1;
        }
        k += len.max(1);
    }
    // A word of the vocabulary is never re-read (a hash lookup, before the readings:
    // `all`, `will`, `too` are).
    if n == 0 || token.len() < 3 || vocab.contains(token) {
        return false;
    }
    let runs = runs.get(..n).unwrap_or_default();
    let write = |mask: u32, out: &mut String| {
        out.clear();
        let mut k = 0;
        for (r, &(s, len)) in runs.iter().enumerate() {
            out.push_str(token.get(k..s).unwrap_or_default());
            let keep = if mask & (1 << r) != 0 { 2 } else { 1 };
            out.push_str(token.get(s..s + keep.min(len)).unwrap_or_default());
            k = s + len;
        }
        out.push_str(token.get(k..).unwrap_or_default());
    };
    let mut readings = Readings::default();
    for mask in 0..(1u32 << n) {
        write(mask, out);
        if out.len() == token.len() || out.len() < 2 || !vocab.contains(out) {
            continue;
        }
        readings.add(mask, zipf(out));
    }
    let found = readings.pick();
    // The costlier checks last: most tokens with doubled letters have no reading.
    let Some(mask) = found else {
        return false;
    };
    if (token.len() >= 4 && is_listed(token)) || is_common(token) {
        return false;
    }
    write(mask, out);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocab {
        Vocab::from_terms(
            [
                "going to",
                "can't stand",
                "will",
                "rien",
                "plus",
                "to",
                "i",
                "kill",
            ],
            &NormalizeOptions::default(),
        )
    }

    /// The words `segment` splits `letters` into.
    fn split(letters: &str, v: &Vocab) -> Vec<String> {
        let mut cuts = Vec::new();
        let singles: Vec<usize> = (0..letters.len()).collect();
        let units: Vec<Unit> = letters
            .chars()
            .enumerate()
            .map(|(k, c)| {
                let k = u32::try_from(k).unwrap_or(0);
                Unit::new(c, '\0', k, k + 1)
            })
            .collect();
        word_cuts(&units, &singles, Some(v), &mut cuts);
        let mut words = vec![String::new()];
        for (c, cut) in letters.chars().zip(&cuts) {
            if *cut {
                words.push(String::new());
            }
            if let Some(w) = words.last_mut() {
                w.push(c);
            }
        }
        words
    }

    #[test]
    fn a_misspelled_word_spelled_out_stands_whole() {
        let v = Vocab::from_terms(
            [
                "disgusted by",
                "torture",
                "a virus",
                "je vais",
                "ever",
                "the",
            ],
            &NormalizeOptions::default(),
        );
        // Two letters swapped inside: whole, not `dis guts ed`; beside words, cut off.
        assert_eq!(split("disgutsedby", &v), ["disgutsed", "by"]);
        assert_eq!(split("torutrethe", &v), ["torutre", "the"]);
        // Never over a split into two words, nor with a letter more at an end, nor
        // inside a stretched letter.
        assert_eq!(split("jevais", &v), ["je", "vais"]);
        assert_eq!(split("avirus", &v), ["a", "virus"]);
        assert_ne!(split("theeeever", &v), ["theee", "ever"]);
    }

    #[test]
    fn of_two_readings_the_one_ten_times_as_common_is_kept() {
        let v = Vocab::from_terms(
            ["kil", "kill", "shot", "shoot"],
            &NormalizeOptions::default(),
        );
        let mut out = String::new();
        // `kil` is no common word; `shot` is not ten times as common as `shoot`.
        assert!(doubled_reading("killl", &v, &mut out));
        assert_eq!(out, "kill");
        assert!(!doubled_reading("shooot", &v, &mut out));
    }

    #[test]
    fn doubled_letters_read_as_the_one_vocabulary_word() {
        let v = vocab();
        let mut out = String::new();
        for (tok, want) in [
            ("gooing", "going"),
            ("staand", "stand"),
            ("rienn", "rien"),
            ("pluss", "plus"),
            ("wiill", "will"),
        ] {
            assert!(doubled_reading(tok, &v, &mut out), "{tok}");
            assert_eq!(out, want);
        }
    }

    #[test]
    fn real_words_and_words_without_a_reading_are_not_re_read() {
        let v = vocab();
        let mut out = String::new();
        // Words of the vocabulary or of the word lists (`too` is no `to`, `good` no
        // `god`), no reading in the vocabulary, no doubled letter, not ASCII letters.
        for tok in [
            "will", "too", "good", "belle", "xyzzq", "bloodd", "kill", "kil", "k1ll", "ii",
        ] {
            assert!(!doubled_reading(tok, &v, &mut out), "{tok}");
        }
    }
}
