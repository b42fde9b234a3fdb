//! The hits of each lexicon ([`LexIndex`]), and which lexicons have hits in the
//! text, in each sentence and in each clause ([`Present`]): sets of lexicons as bits, against which a rule's necessary condition over lexicon presence
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
        // Where the set of the current sentence and clause starts.
        let (mut sat, mut cat) = (0, 0);
        for h in hits {
            // Hits in text order: a unit's hits are together.
            if self.sentences.last() != Some(&h.sentence) {
                if self.sentences.last().is_some_and(|&u| u > h.sentence) {
                    self.ordered = false;
                }
                self.sentences.push(h.sentence);
                sat = self.sentence_bits.len();
                self.sentence_bits.resize(sat + words, 0);
            }
            if self.clauses.last() != Some(&h.clause) {
                if self.clauses.last().is_some_and(|&u| u > h.clause) {
                    self.ordered = false;
                }
                self.clauses.push(h.clause);
                cat = self.clause_bits.len();
                self.clause_bits.resize(cat + words, 0);
            }
            let i = h.lex.index();
            let (w, bit) = (i / 64, 1u64 << (i % 64));
            if w >= words {
                continue;
            }
            if let Some(x) = self.text.get_mut(w) {
                *x |= bit;
            }
            if let Some(x) = self.sentence_bits.get_mut(sat + w) {
                *x |= bit;
            }
            if let Some(x) = self.clause_bits.get_mut(cat + w) {
                *x |= bit;
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

/// The hits of each lexicon, as ascending hit indices: built in time linear in the
/// hits (not in the policy's lexicons, most of which have none in a short text).
#[derive(Default)]
pub(crate) struct LexIndex {
    /// Per lexicon: its range of `hits` (empty for a lexicon with none: only the
    /// lexicons of `touched` have another, and they are emptied again before the next
    /// text is indexed).
    spans: Vec<(u32, u32)>,
    /// The hit indices, by lexicon then in text order.
    hits: Vec<u32>,
    /// The lexicons with hits, in the order first met.
    touched: Vec<u32>,
}

impl LexIndex {
    /// Indexes `hits` over `lexicons` lexicons.
    pub(crate) fn index(&mut self, lexicons: usize, hits: &[Hit]) {
        // The last text's ranges emptied.
        for &l in &self.touched {
            if let Some(span) = self.spans.get_mut(l as usize) {
                *span = (0, 0);
            }
        }
        if self.spans.len() < lexicons {
            self.spans.resize(lexicons, (0, 0));
        }
        // Count each lexicon's hits (in `.1`), listing the lexicons met.
        self.touched.clear();
        for h in hits {
            let l = h.lex.index();
            if let Some(span) = self.spans.get_mut(l) {
                if span.1 == 0 {
                    self.touched.push(l as u32);
                }
                span.1 += 1;
            }
        }
        // Give each its range (in any order), then fill the ranges in text order (`.1`
        // runs from the range's start to its end).
        let mut at = 0;
        for &l in &self.touched {
            if let Some(span) = self.spans.get_mut(l as usize) {
                let n = span.1;
                *span = (at, at);
                at += n;
            }
        }
        self.hits.clear();
        self.hits.resize(hits.len(), 0);
        for (i, h) in hits.iter().enumerate() {
            if let Some(span) = self.spans.get_mut(h.lex.index()) {
                if let Some(slot) = self.hits.get_mut(span.1 as usize) {
                    *slot = i as u32;
                }
                span.1 += 1;
            }
        }
    }

    /// The hits of lexicon `lex`, as ascending hit indices.
    #[inline]
    pub(crate) fn of(&self, lex: LexiconId) -> &[u32] {
        match self.spans.get(lex.index()) {
            Some(&(a, b)) => self.hits.get(a as usize..b as usize).unwrap_or(&[]),
            None => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Scratch, next_candidate};
    use crate::compiled::Rule;

    /// The built-in rules' example texts, allowed and violating.
    fn examples(rules: &[Rule]) -> Vec<String> {
        let mut v: Vec<String> = rules
            .iter()
            .flat_map(|r| r.examples.violating.iter().chain(&r.examples.allowed))
            .map(|e| e.text().to_string())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The rules listed by the triggers for a text include every rule that has a
    /// match in it, and a rule tested only where its necessary condition holds has
    /// the same matches and outcomes as the rule tested everywhere: over every example
    /// text of the built-in rules.
    #[test]
    fn skipping_rules_and_windows_loses_no_match() {
        let policy = crate::Policy::baseline();
        let c = policy.compiled_for_tests();
        let texts = examples(&c.rules);
        assert!(texts.len() > 500, "{} texts", texts.len());
        let (mut fired, mut skipped) = (0, 0);
        for text in &texts {
            let mut s = Scratch::default();
            c.prepare(text, &mut s);
            c.candidates(&mut s);
            let mut listed = vec![false; c.rules.len()];
            let mut next = 0;
            while let Some(ri) = next_candidate(&s.candidates, next) {
                next = ri + 1;
                if let Some(l) = listed.get_mut(ri) {
                    *l = true;
                }
            }
            for (ri, rule) in c.rules.iter().enumerate() {
                let mut gated = Vec::new();
                c.eval_rule(rule, &mut s, Some(&mut gated));
                let mut ungated_rule = rule.clone();
                ungated_rule.needs.clear();
                ungated_rule.needs_one_of.clear();
                let mut ungated = Vec::new();
                c.eval_rule(&ungated_rule, &mut s, Some(&mut ungated));
                assert_eq!(gated, ungated, "rule {} on {text:?}", rule.id);
                if !ungated.is_empty() {
                    fired += 1;
                    assert!(listed[ri], "rule {} not listed for {text:?}", rule.id);
                } else if !listed[ri] {
                    skipped += 1;
                }
            }
        }
        // The test saw matches, and rules left out.
        assert!(fired > 500 && skipped > 10 * fired, "{fired} {skipped}");
    }
}
