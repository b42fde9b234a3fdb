//! Hashed features of folded text: the same integers on every platform.
//!
//! Text is read as *tokens*: maximal runs of word chars ([`is_word_char`]) of the folded
//! text. Every token gives
//!
//! - its word (`kind` [`WORD`]),
//! - the pair of it and the token before it ([`BIGRAM`]), when there is one,
//! - its character n-grams of 3, 4 and 5 chars, read with a `<` before the token and a
//!   `>` after it ([`CHARS`]): `<ki`, `kil`, `ill`, `ll>`, `<kil`, ...
//!
//! Every feature is a 32-bit hash (FNV-style multiply-xor over the chars' code points,
//! one seed per kind), so a model keeps no vocabulary; the bucket of a hash is its top
//! `bits` bits after a multiplicative mix ([`bucket`]). Only integer arithmetic: the
//! same text gives the same buckets everywhere.

use std::ops::Range;

use crate::normalize::is_word_char;

/// Seed of a token's word feature.
pub(crate) const WORD: u32 = 0x9e37_79b9;
/// Seed of a token-pair feature.
pub(crate) const BIGRAM: u32 = 0x85eb_ca6b;
/// Seed of a character n-gram feature.
pub(crate) const CHARS: u32 = 0xc2b2_ae35;
/// Seed of the previous token's word, for the tagger.
pub(crate) const PREV: u32 = 0x27d4_eb2f;
/// Seed of the next token's word, for the tagger.
pub(crate) const NEXT: u32 = 0x1656_67b1;
/// Seed of the tagger's bias-like feature for the token's shape.
pub(crate) const SHAPE: u32 = 0x61c8_8647;

/// The shortest and longest character n-gram.
pub(crate) const MIN_GRAM: usize = 3;
/// See [`MIN_GRAM`].
pub(crate) const MAX_GRAM: usize = 5;

/// One step of the hash: FNV-1a's xor-multiply over a 32-bit value.
#[inline]
pub(crate) fn step(h: u32, v: u32) -> u32 {
    (h ^ v).wrapping_mul(0x0100_0193)
}

/// The bucket (`0 .. 1 << bits`) of feature hash `h`. `bits` is in `1..=31`.
#[inline]
pub(crate) fn bucket(h: u32, bits: u32) -> usize {
    // A final avalanche so that nearby hashes spread over the buckets.
    let mut x = h ^ (h >> 16);
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^= x >> 16;
    (x >> (32 - bits)) as usize
}

/// One token of folded text: its byte range and the hash of its chars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tok {
    /// Byte range in the folded text.
    pub(crate) start: u32,
    /// End of the byte range (exclusive).
    pub(crate) end: u32,
    /// [`hash_str`] of the token under [`WORD`].
    pub(crate) hash: u32,
}

impl Tok {
    /// The byte range in the folded text.
    pub(crate) fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Calls `f` with every token of `folded`, in order.
pub(crate) fn tokens(folded: &str, mut f: impl FnMut(Tok)) {
    let mut start = None;
    let mut h = WORD;
    for (i, c) in folded.char_indices() {
        if is_word_char(c) {
            if start.is_none() {
                start = Some(i);
                h = WORD;
            }
            h = step(h, c as u32);
        } else if let Some(s) = start.take() {
            f(Tok {
                start: s as u32,
                end: i as u32,
                hash: h,
            });
        }
    }
    if let Some(s) = start {
        f(Tok {
            start: s as u32,
            end: folded.len() as u32,
            hash: h,
        });
    }
}

/// Calls `f` with the hash of every character n-gram of `token` (lengths
/// [`MIN_GRAM`]..=[`MAX_GRAM`], with `<` and `>` marking its ends): for each char, the
/// n-grams ending there, shortest first.
#[inline]
pub(crate) fn char_grams(token: &str, mut f: impl FnMut(u32)) {
    // The last MAX_GRAM chars, newest first, and how many have been seen.
    let mut window = [0u32; MAX_GRAM];
    let mut n = 0usize;
    push_char(&mut window, &mut n, '<' as u32, &mut f);
    for c in token.chars() {
        push_char(&mut window, &mut n, c as u32, &mut f);
    }
    push_char(&mut window, &mut n, '>' as u32, &mut f);
}

/// One char of [`char_grams`]: shifts it into `window` and hashes the n-grams ending
/// with it, read backwards from it. Generic, not `dyn`: the scoring loop inlines `f`.
#[inline(always)]
fn push_char<F: FnMut(u32)>(window: &mut [u32; MAX_GRAM], n: &mut usize, c: u32, f: &mut F) {
    window.copy_within(0..MAX_GRAM - 1, 1);
    window[0] = c;
    *n += 1;
    let longest = (*n).min(MAX_GRAM);
    let mut h = CHARS;
    for (k, &x) in window.iter().enumerate().take(longest) {
        h = step(h, x);
        if k + 1 >= MIN_GRAM {
            f(h);
        }
    }
}

/// Calls `f` with the hash of every feature of `folded` for the document model, in a
/// fixed order.
pub(crate) fn doc_features(folded: &str, mut f: impl FnMut(u32)) {
    let mut prev: Option<u32> = None;
    tokens(folded, |t| {
        f(t.hash);
        if let Some(p) = prev {
            f(step(step(BIGRAM, p), t.hash));
        }
        prev = Some(t.hash);
        if let Some(word) = folded.get(t.range()) {
            char_grams(word, &mut f);
        }
    });
}

/// [`doc_features`] with a readable name for each feature (`word:kill`,
/// `pair:will kill`, `chars:<ki`), for explanations. Allocates.
pub(crate) fn described_features(folded: &str, mut f: impl FnMut(u32, String)) {
    let mut prev: Option<(u32, &str)> = None;
    tokens(folded, |t| {
        let word = folded.get(t.range()).unwrap_or("");
        f(t.hash, format!("word:{word}"));
        if let Some((p, pw)) = prev {
            f(step(step(BIGRAM, p), t.hash), format!("pair:{pw} {word}"));
        }
        prev = Some((t.hash, word));
        let marked: Vec<char> = std::iter::once('<')
            .chain(word.chars())
            .chain(std::iter::once('>'))
            .collect();
        let mut grams = Vec::new();
        char_grams(word, |h| grams.push(h));
        // `char_grams` emits, for each end position, the grams of length MIN..=MAX
        // that fit, shortest first.
        let mut it = grams.into_iter();
        for end in 0..marked.len() {
            for len in MIN_GRAM..=MAX_GRAM.min(end + 1) {
                let Some(h) = it.next() else { return };
                let s: String = marked
                    .get(end + 1 - len..=end)
                    .unwrap_or(&[])
                    .iter()
                    .collect();
                f(h, format!("chars:{s}"));
            }
        }
    });
}

/// Calls `f` with the hash of every tagger feature of token `i` of `toks` (over
/// `folded`): its word, its character n-grams, its shape, and the words before and
/// after it.
pub(crate) fn token_features(folded: &str, toks: &[Tok], i: usize, mut f: impl FnMut(u32)) {
    let Some(t) = toks.get(i) else { return };
    f(t.hash);
    let word = folded.get(t.range()).unwrap_or("");
    char_grams(word, &mut f);
    let len = word.chars().count().min(12) as u32;
    f(step(SHAPE, len));
    match i.checked_sub(1).and_then(|j| toks.get(j)) {
        Some(p) => f(step(PREV, p.hash)),
        None => f(PREV),
    }
    match toks.get(i + 1) {
        Some(n) => f(step(NEXT, n.hash)),
        None => f(NEXT),
    }
    if let Some(p) = i.checked_sub(1).and_then(|j| toks.get(j)) {
        f(step(step(BIGRAM, p.hash), t.hash));
    }
    if let Some(n) = toks.get(i + 1) {
        f(step(step(BIGRAM ^ NEXT, t.hash), n.hash));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(folded: &str) -> Vec<u32> {
        let mut v = Vec::new();
        doc_features(folded, |h| v.push(h));
        v
    }

    #[test]
    fn counts_words_pairs_and_grams() {
        // "kill": <ki kil ill ll> (3) + <kil kill ill> (4)... : 6 chars with marks →
        // n-grams of 3: 4, of 4: 3, of 5: 2 = 9; plus the word.
        assert_eq!(collect("kill").len(), 10);
        // Two words: 2 words + 1 pair + grams of each.
        let two = collect("kill you");
        assert_eq!(two.len(), 10 + 1 + 1 + (3 + 2 + 1));
    }

    #[test]
    fn same_token_same_hashes_wherever_it_stands() {
        let a = collect("idiot");
        let b = collect("you idiot");
        assert!(a.iter().all(|h| b.contains(h)));
        assert_ne!(collect("idiot"), collect("idiom"));
    }

    #[test]
    fn described_features_are_the_scored_features() {
        for text in [
            "kill you all",
            "l'homme, 2 chiens!",
            "a",
            "",
            "sale con de merde",
        ] {
            let mut named = Vec::new();
            described_features(text, |h, _| named.push(h));
            assert_eq!(named, collect(text), "{text}");
        }
        let mut names = Vec::new();
        described_features("you idiot", |_, n| names.push(n));
        assert!(names.contains(&"word:idiot".to_string()));
        assert!(names.contains(&"pair:you idiot".to_string()));
        assert!(names.contains(&"chars:<idi".to_string()));
        assert!(names.contains(&"chars:iot>".to_string()));
    }

    #[test]
    fn char_grams_hash_each_marked_substring_read_backwards() {
        for word in ["kill", "tuée", "a", "abcdefghij"] {
            let marked: Vec<u32> = std::iter::once('<')
                .chain(word.chars())
                .chain(std::iter::once('>'))
                .map(|c| c as u32)
                .collect();
            let mut want = Vec::new();
            for end in 0..marked.len() {
                for len in MIN_GRAM..=MAX_GRAM.min(end + 1) {
                    let gram = &marked[end + 1 - len..=end];
                    want.push(gram.iter().rev().fold(CHARS, |h, &c| step(h, c)));
                }
            }
            let mut got = Vec::new();
            char_grams(word, |h| got.push(h));
            assert_eq!(got, want, "{word}");
        }
    }

    #[test]
    fn tokens_are_word_char_runs() {
        let mut got = Vec::new();
        tokens("l'homme, 2 chiens!", |t| got.push(t.range()));
        assert_eq!(got, vec![0..1, 2..7, 9..10, 11..17]);
    }

    #[test]
    fn buckets_stay_in_range() {
        for h in [0u32, 1, u32::MAX, 0x1234_5678] {
            assert!(bucket(h, 10) < 1024);
            assert!(bucket(h, 31) < 1 << 31);
        }
    }
}
