//! The lexicons' terms as written (braces expanded), kept for what reads them after
//! compiling: the coverage of `tosguard test`, the stored form, and the benches. The
//! engine never reads them: it finds the patterns.
//!
//! Nearly every term is written as it is folded (97% of the built-in policy's 159,554
//! terms), so its text is already kept once as a pattern's ([`Compiled::pattern_text`]):
//! a term is one 32-bit reference, to that pattern, or to the policy's few other terms
//! (written with capitals, accents or marks that folding changes), kept end to end
//! once each. Held as texts of their own, the built-in policy's terms took 3.4 MB; as
//! references, 0.7 MB.
//!
//! [`Compiled::pattern_text`]: super::Compiled::pattern_text

use std::collections::HashMap;

use super::patterns::{MultiTable, Texts, hash_word};

/// The terms of every lexicon, by reference (see the module's documentation).
#[derive(Clone, Debug, Default)]
pub(crate) struct LexiconTerms {
    /// Every lexicon's terms, one lexicon after another: below the number of patterns,
    /// the pattern with the term's text; above, `other`'s term at the difference.
    refs: Vec<u32>,
    /// Where each lexicon's terms end in `refs`.
    ends: Vec<u32>,
    /// The terms that are no pattern's text, each once.
    other: Texts,
    /// The number of patterns the references below it refer to.
    patterns: u32,
}

impl LexiconTerms {
    /// The terms of `lexicons` (each lexicon's terms in order) by reference to
    /// `patterns`, or `None` if there are more than `u32::MAX` terms or patterns in all.
    pub(crate) fn build<'a, L, T>(patterns: &Texts, lexicons: L) -> Option<LexiconTerms>
    where
        L: IntoIterator<Item = T>,
        T: IntoIterator<Item = &'a str>,
    {
        let npat = u32::try_from(patterns.len()).ok()?;
        // The patterns' ids by the hash of their text, and the other terms' by their text.
        let index = MultiTable::build(
            (0..npat)
                .filter_map(|id| Some((hash_word(patterns.get(id as usize)?), id)))
                .collect(),
        );
        let mut other_index: HashMap<&str, u32> = HashMap::new();
        let mut out = LexiconTerms {
            patterns: npat,
            ..LexiconTerms::default()
        };
        for terms in lexicons {
            for t in terms {
                let mut found = None;
                index.each(hash_word(t), |id| {
                    if found.is_none() && patterns.get(id as usize) == Some(t) {
                        found = Some(id);
                    }
                });
                let r = match found {
                    Some(p) => p,
                    None => {
                        let k = match other_index.get(t) {
                            Some(&k) => k,
                            None => {
                                let k = u32::try_from(out.other.len()).ok()?;
                                if !out.other.push(t) {
                                    return None;
                                }
                                other_index.insert(t, k);
                                k
                            }
                        };
                        npat.checked_add(k)?
                    }
                };
                out.refs.push(r);
            }
            out.ends.push(u32::try_from(out.refs.len()).ok()?);
        }
        out.refs.shrink_to_fit();
        out.ends.shrink_to_fit();
        out.other.shrink_to_fit();
        Some(out)
    }

    /// The terms of lexicon `lex` (none for a lexicon out of range), `patterns` being
    /// the texts they were built against.
    pub(crate) fn of<'a>(
        &'a self,
        patterns: &'a Texts,
        lex: usize,
    ) -> impl Iterator<Item = &'a str> + 'a {
        let end = self.ends.get(lex).copied().unwrap_or(0) as usize;
        let start = match lex.checked_sub(1) {
            Some(j) => self.ends.get(j).copied().unwrap_or(0) as usize,
            None => 0,
        };
        let refs = self.refs.get(start..end).unwrap_or_default();
        refs.iter()
            .filter_map(move |&r| match r.checked_sub(self.patterns) {
                None => patterns.get(r as usize),
                Some(k) => self.other.get(k as usize),
            })
    }

    /// How many lexicons it has the terms of.
    #[cfg(test)]
    pub(crate) fn lexicons(&self) -> usize {
        self.ends.len()
    }

    /// The references, where each lexicon's end, and the other terms (a stored policy
    /// keeps these).
    pub(crate) fn parts(&self) -> (&[u32], &[u32], &Texts) {
        (&self.refs, &self.ends, &self.other)
    }

    /// The terms of [`LexiconTerms::parts`] against `patterns` patterns, if `ends` rise,
    /// the last at the end of `refs`, and every reference is to a pattern or to one of
    /// `other`.
    pub(crate) fn from_parts(
        refs: Vec<u32>,
        ends: Vec<u32>,
        other: Texts,
        patterns: usize,
    ) -> Option<LexiconTerms> {
        let npat = u32::try_from(patterns).ok()?;
        let mut start = 0;
        for &e in &ends {
            if (e as usize) < start {
                return None;
            }
            start = e as usize;
        }
        let limit = u64::from(npat) + other.len() as u64;
        let ok = start == refs.len() && refs.iter().all(|&r| u64::from(r) < limit);
        ok.then_some(LexiconTerms {
            refs,
            ends,
            other,
            patterns: npat,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::LexiconTerms;
    use crate::compiled::{Texts, hash_word};
    use crate::normalize::StrSet;

    /// The matcher looks its sets of words up by the scan's hash of a token: the
    /// set's own hash is the same function.
    #[test]
    fn a_word_set_is_looked_up_by_the_scans_hash() {
        let words = ["", "w7", "je vais", "été", "kill"];
        let mut set = StrSet::spread_for(words.len());
        for w in words {
            set.insert(w);
        }
        for (i, w) in words.iter().enumerate() {
            assert_eq!(set.index_of_hashed(w, hash_word(w)), Some(i as u32), "{w}");
        }
        assert_eq!(set.index_of_hashed("tuer", hash_word("tuer")), None);
    }

    #[test]
    fn terms_are_kept_by_reference_and_read_back_in_order() {
        let patterns: Texts = ["kill", "tuer", "you"].into_iter().collect();
        let lexicons: Vec<Vec<&str>> = vec![
            vec!["kill", "Tuer", "tuer"],
            vec![],
            vec!["Tuer", "you", "kill", "À toi"],
        ];
        let t = LexiconTerms::build(&patterns, lexicons.iter().map(|l| l.iter().copied())).unwrap();
        for (i, l) in lexicons.iter().enumerate() {
            assert!(t.of(&patterns, i).eq(l.iter().copied()), "lexicon {i}");
        }
        assert_eq!(t.of(&patterns, 3).count(), 0);
        // Each other term is kept once.
        let (refs, ends, other) = t.parts();
        assert_eq!(other.len(), 2);
        assert_eq!(refs, [0, 3, 1, 3, 2, 0, 4]);
        let back =
            LexiconTerms::from_parts(refs.to_vec(), ends.to_vec(), other.clone(), 3).unwrap();
        assert!(back.of(&patterns, 2).eq(lexicons[2].iter().copied()));
        // A reference past the other terms, or ends out of order, are refused.
        assert!(LexiconTerms::from_parts(vec![5], vec![1], other.clone(), 3).is_none());
        assert!(LexiconTerms::from_parts(vec![0, 1], vec![2, 1], other.clone(), 3).is_none());
    }
}
