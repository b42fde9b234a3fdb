//! The one automaton of a policy and the patterns it is built from.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};

use super::{LexiconId, PatternUse};
use crate::normalize::is_word_char;
use crate::spec::MatchMode;

/// Pattern flags, computed once per automaton pattern.
pub(crate) const FIRST_IS_WORD: u8 = 1;
pub(crate) const LAST_IS_WORD: u8 = 2;
pub(crate) const HAS_WORD: u8 = 4;
pub(crate) const HAS_PREFIX: u8 = 8;
pub(crate) const HAS_INFIX: u8 = 16;

/// The flags of a pattern: whether it starts and ends with a word character, and
/// the match modes its lexicons use.
pub(crate) fn pattern_flags(text: &str, uses: &[PatternUse]) -> u8 {
    let mut f = 0;
    if text.chars().next().is_some_and(is_word_char) {
        f |= FIRST_IS_WORD;
    }
    if text.chars().next_back().is_some_and(is_word_char) {
        f |= LAST_IS_WORD;
    }
    for u in uses {
        f |= match u.mode {
            MatchMode::Word => HAS_WORD,
            MatchMode::Prefix => HAS_PREFIX,
            MatchMode::Infix => HAS_INFIX,
        };
    }
    f
}

/// Collects the patterns of the one automaton, each once, with every lexicon that
/// uses it.
#[derive(Default)]
pub(crate) struct PatternSet {
    index: HashMap<String, usize, BuildWordHasher>,
    /// The total length of the patterns.
    bytes: usize,
    pub(crate) text: Vec<String>,
    pub(crate) uses: Vec<Vec<PatternUse>>,
}

impl PatternSet {
    /// The flags of every pattern, in order.
    pub(crate) fn flags(&self) -> Vec<u8> {
        self.text
            .iter()
            .zip(&self.uses)
            .map(|(t, u)| pattern_flags(t, u))
            .collect()
    }

    /// The total length of the patterns, in bytes.
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// Adds `folded` as a pattern of lexicon `lex`.
    pub(crate) fn add(&mut self, folded: String, lex: LexiconId, mode: MatchMode) {
        let i = match self.index.get(&folded) {
            Some(&i) => i,
            None => {
                let i = self.text.len();
                self.bytes += folded.len();
                self.index.insert(folded.clone(), i);
                self.text.push(folded);
                self.uses.push(Vec::new());
                i
            }
        };
        if let Some(u) = self.uses.get_mut(i) {
            if !u.iter().any(|x| x.lex == lex && x.mode == mode) {
                u.push(PatternUse { lex, mode });
            }
        }
    }
}

/// The one automaton of a policy. Overlapping search needs `MatchKind::Standard`; a
/// DFA is the fastest to search and, for policy-sized term lists (thousands of
/// terms), small enough.
pub(crate) fn build_automaton<P: AsRef<str>>(
    patterns: &[P],
) -> Result<AhoCorasick, aho_corasick::BuildError> {
    let total: usize = patterns.iter().map(|p| p.as_ref().len()).sum();
    let kind = if total <= 16 << 10 {
        aho_corasick::AhoCorasickKind::DFA
    } else {
        aho_corasick::AhoCorasickKind::ContiguousNFA
    };
    AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(kind))
        .build(patterns.iter().map(AsRef::as_ref))
}

/// How a policy finds its patterns in folded text.
///
/// A pattern made only of word characters and used only as a whole word matches
/// exactly the tokens equal to it (tokens are the maximal runs of word characters), so
/// it needs no automaton: it is found by one hash-table lookup per token
/// ([`Matcher::word`]). A phrase of such words joined by single spaces is found the
/// same way, looking up the runs of tokens that start with one of the phrases' first
/// words ([`Matcher::phrase_words`]). These are nearly all of a policy's patterns
/// (every evasion and typo variant of a term). The automaton holds only the others
/// (prefix and infix terms, terms with punctuation).
#[derive(Clone, Debug)]
pub(crate) struct Matcher {
    /// Over the patterns that are not whole-word tokens.
    pub(crate) automaton: AhoCorasick,
    /// Automaton pattern → policy pattern id.
    pub(crate) automaton_ids: Vec<u32>,
    /// For the first word of each multi-word token pattern: the most words of a
    /// token pattern starting with it.
    starts: HashMap<String, u32, BuildWordHasher>,
    /// Open-addressing table of whole-word pattern ids ([`EMPTY`] = free slot); its
    /// length is a power of two at least twice the number of ids.
    words: Vec<u32>,
}

/// If `text` is a token pattern, its number of words: words of word characters joined
/// by single spaces, used only as a whole word. Such a pattern matches exactly where
/// that many consecutive tokens, separated by single spaces, spell it, so it is found
/// by table lookups over the tokens instead of the automaton.
fn token_words(text: &str, uses: &[PatternUse]) -> Option<u32> {
    if text.is_empty() || !uses.iter().all(|u| u.mode == MatchMode::Word) {
        return None;
    }
    let mut n = 0u32;
    for w in text.split(' ') {
        if w.is_empty() || !w.chars().all(is_word_char) {
            return None;
        }
        n += 1;
    }
    Some(n)
}

/// A free slot of [`Matcher::words`].
const EMPTY: u32 = u32::MAX;

/// [`hash_word`] as a [`std::hash::Hasher`], for the compiler's tables of patterns
/// (hundreds of thousands of short strings, where SipHash dominated compile time).
#[derive(Clone, Copy, Default)]
pub(crate) struct BuildWordHasher;

/// See [`BuildWordHasher`].
pub(crate) struct WordHasher(u64);

impl std::hash::BuildHasher for BuildWordHasher {
    type Hasher = WordHasher;
    fn build_hasher(&self) -> WordHasher {
        WordHasher(0)
    }
}

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = mix(self.0, bytes);
    }
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

/// Folds `bytes` into `h`, 8 bytes at a time.
#[inline]
fn mix(mut h: u64, bytes: &[u8]) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    h ^= bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        if let Some(dst) = w.get_mut(..rest.len()) {
            dst.copy_from_slice(rest);
        }
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    h
}

/// A fast, non-cryptographic hash of a token (FxHash's multiply-rotate over 8-byte
/// words). The table is built from the policy's own patterns, so text cannot choose
/// collisions among them: a lookup probes a short run whatever the text.
#[inline]
fn hash_word(s: &str) -> u64 {
    let h = mix(0, s.as_bytes());
    // Fold the high bits (the best mixed) into the low ones the table indexes by.
    h ^ (h >> 29)
}

impl Matcher {
    /// Splits `text` (with `uses`) into whole-word patterns and automaton patterns.
    pub(crate) fn build(
        text: &[String],
        uses: &[Vec<PatternUse>],
    ) -> Result<Matcher, aho_corasick::BuildError> {
        let mut auto_text: Vec<&str> = Vec::new();
        let mut automaton_ids = Vec::new();
        let mut word_ids: Vec<u32> = Vec::new();
        let mut starts: HashMap<String, u32, BuildWordHasher> = HashMap::default();
        for (i, (t, u)) in text.iter().zip(uses).enumerate() {
            if let Some(n) = token_words(t, u) {
                if n > 1 {
                    let first = t.split(' ').next().unwrap_or_default();
                    let m = starts.entry(first.to_string()).or_insert(0);
                    *m = (*m).max(n);
                }
                word_ids.push(i as u32);
            } else {
                auto_text.push(t);
                automaton_ids.push(i as u32);
            }
        }
        let cap = (word_ids.len() * 2).max(16).next_power_of_two();
        let mask = cap - 1;
        let mut words = vec![EMPTY; cap];
        for id in word_ids {
            let Some(t) = text.get(id as usize) else {
                continue;
            };
            let mut slot = hash_word(t) as usize & mask;
            // Patterns are unique, so a free slot is always reached.
            while words.get(slot).is_some_and(|&s| s != EMPTY) {
                slot = (slot + 1) & mask;
            }
            if let Some(s) = words.get_mut(slot) {
                *s = id;
            }
        }
        Ok(Matcher {
            automaton: build_automaton(&auto_text)?,
            automaton_ids,
            starts,
            words,
        })
    }

    /// The whole-word pattern equal to `token`, if any (`text` is the policy's pattern
    /// list the matcher was built from).
    #[inline]
    pub(crate) fn word(&self, text: &[String], token: &str) -> Option<usize> {
        let mask = self.words.len().wrapping_sub(1);
        let mut slot = hash_word(token) as usize & mask;
        loop {
            let id = *self.words.get(slot)?;
            if id == EMPTY {
                return None;
            }
            if text.get(id as usize).is_some_and(|t| t == token) {
                return Some(id as usize);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The most words of a token pattern that starts with the token `first`: 0 when
    /// none does, 1 when only single words do.
    #[inline]
    pub(crate) fn phrase_words(&self, first: &str) -> u32 {
        if self.starts.is_empty() {
            return 0;
        }
        self.starts.get(first).copied().unwrap_or(0)
    }

    /// Heap bytes held by the automaton and the word table.
    pub(crate) fn memory_usage(&self) -> usize {
        self.automaton.memory_usage()
            + (self.automaton_ids.len() + self.words.len()) * 4
            + self.starts.keys().map(|k| k.len() + 32).sum::<usize>()
    }
}
