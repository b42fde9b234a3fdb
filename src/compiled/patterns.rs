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
    index: HashMap<String, usize>,
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
pub(crate) fn build_automaton(
    patterns: &[String],
) -> Result<AhoCorasick, aho_corasick::BuildError> {
    let total: usize = patterns.iter().map(String::len).sum();
    let kind = if total <= 16 << 10 {
        aho_corasick::AhoCorasickKind::DFA
    } else {
        aho_corasick::AhoCorasickKind::ContiguousNFA
    };
    AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(kind))
        .build(patterns)
}
