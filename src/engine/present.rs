//! Which lexicons have hits in the text, in each sentence and in each clause: sets of
//! lexicons as bits, against which a rule's necessary condition over lexicon presence
//! (`Rule::needs` and `Rule::needs_one_of`) is tested before the rule, and each of its
//! windows, is evaluated.

use super::Hit;
use crate::compiled::{LexiconId, Rule};
use crate::spec::Scope;

/// The sets of lexicons with hits, rebuilt with the hit index.
#[derive(Default)]
pub(crate) struct Present {
    /// Words of 64 bits per set.
    words: usize,
    /// The lexicons with hits in the text.
    text: Vec<u64>,
    /// The sentences with hits, ascending, and a set for each (`words` apiece).
    sentences: Vec<u32>,
    sentence_bits: Vec<u64>,
    /// Likewise for the clauses.
    clauses: Vec<u32>,
    clause_bits: Vec<u64>,
    /// Whether the hits' sentences and clauses ascended, as they do in text order (if
    /// not, a unit may be listed twice, and the sets of units are not used).
    ordered: bool,
}

/// Whether lexicon `l` is in the set `bits`.
#[inline]
fn has(bits: &[u64], l: LexiconId) -> bool {
    let i = l.index();
    bits.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

/// Adds lexicon `l` to the set `bits`.
#[inline]
fn add(bits: &mut [u64], l: LexiconId) {
    let i = l.index();
    if let Some(w) = bits.get_mut(i / 64) {
        *w |= 1 << (i % 64);
    }
}

/// Whether the set `bits` meets the rule's necessary condition: every lexicon of
/// `needs`, and one of each set of `needs_one_of`.
#[inline]
pub(crate) fn may_match(rule: &Rule, bits: &[u64]) -> bool {
    rule.needs.iter().all(|&l| has(bits, l))
        && rule
            .needs_one_of
            .iter()
            .all(|set| set.iter().any(|&l| has(bits, l)))
}

impl Present {
    /// Indexes `hits` (in text order) over `lexicons` lexicons.
    pub(crate) fn index(&mut self, lexicons: usize, hits: &[Hit]) {
        let words = lexicons.div_ceil(64);
        self.words = words;
        self.text.clear();
        self.text.resize(words, 0);
        self.sentences.clear();
        self.sentence_bits.clear();
        self.clauses.clear();
        self.clause_bits.clear();
        self.ordered = true;
        for h in hits {
            add(&mut self.text, h.lex);
            for (units, bits, unit) in [
                (&mut self.sentences, &mut self.sentence_bits, h.sentence),
                (&mut self.clauses, &mut self.clause_bits, h.clause),
            ] {
                // Hits in text order: a unit's hits are together.
                if units.last() != Some(&unit) {
                    if units.last().is_some_and(|&u| u > unit) {
                        self.ordered = false;
                    }
                    units.push(unit);
                    bits.resize(bits.len() + words, 0);
                }
                let at = bits.len() - words;
                if let Some(set) = bits.get_mut(at..) {
                    add(set, h.lex);
                }
            }
        }
    }

    /// The lexicons with hits in the text.
    pub(crate) fn text(&self) -> &[u64] {
        &self.text
    }

    /// The lexicons with hits in the text, with the extra lexicons `also`.
    pub(crate) fn text_with(&self, also: impl Iterator<Item = LexiconId>, out: &mut Vec<u64>) {
        out.clear();
        out.extend_from_slice(&self.text);
        for l in also {
            add(out, l);
        }
    }

    /// The units of `scope` with hits, ascending, and their sets, one after the other
    /// (`None` if the hits were not in text order).
    pub(crate) fn units(&self, scope: Scope) -> Option<(&[u32], &[u64], usize)> {
        if !self.ordered {
            return None;
        }
        Some(match scope {
            Scope::Sentence => (&self.sentences, &self.sentence_bits, self.words),
            Scope::Clause => (&self.clauses, &self.clause_bits, self.words),
            Scope::Text => (&[0], &self.text, self.words),
        })
    }
}
