//! How one term becomes automaton patterns: brace expansion, folding, evasion
//! variants and typo variants, each pattern tagged with its lexicon.

use std::collections::HashSet;

use super::Builder;
use crate::compiled::LexiconId;
use crate::error::{Problem, ProblemKind};
use crate::expand::expand;
use crate::normalize::{NormalizeOptions, joined_forms, term_variants, typo_variants_of};
use crate::spec::{MatchMode, S};

/// How a lexicon's terms match.
#[derive(Clone, Copy, Debug)]
pub(super) struct TermOptions {
    pub(super) mode: MatchMode,
    pub(super) fuzzy: u8,
    pub(super) joined: bool,
    /// Whether the evasion variants of each term (stretched, masked, leetspeak
    /// readings) are compiled too; off for context cues, which are function words.
    pub(super) variants: bool,
}

impl Default for TermOptions {
    fn default() -> Self {
        TermOptions {
            mode: MatchMode::Word,
            fuzzy: 0,
            joined: false,
            variants: true,
        }
    }
}

impl TermOptions {
    /// Options for context cues and other function-word lists: exact folded terms.
    pub(super) fn exact() -> Self {
        TermOptions {
            variants: false,
            ..TermOptions::default()
        }
    }
}

/// A term folded exactly as text is folded (the first of its variants), without
/// computing the others.
pub(crate) fn canonical(term: &str, opts: &NormalizeOptions) -> String {
    let mut n = crate::normalize::Normalized::new();
    crate::normalize::normalize_into(term.trim(), opts, &mut n);
    n.text().trim().to_string()
}

/// Longest phrase (in words) of a fuzzy lexicon that gets typo variants: each word
/// multiplies them.
const MAX_FUZZY_PHRASE_WORDS: usize = 3;

/// Most automaton patterns one term may add: evasion variants grow with the length
/// of a term, and a policy of thousands of terms must stay small and fast to build.
const MAX_VARIANTS_PER_TERM: usize = 32;

impl Builder<'_> {
    /// Expands and folds `terms` into lexicon `lex`, leaving out the folded terms in
    /// `removed` (and marking those it met).
    pub(super) fn add_terms(
        &mut self,
        pack: usize,
        lex: LexiconId,
        path: &str,
        terms: &[S<String>],
        how: TermOptions,
        removed: &mut [(String, bool)],
    ) {
        let TermOptions {
            mode,
            fuzzy,
            joined,
            variants: with_variants,
        } = how;
        for (i, term) in terms.iter().enumerate() {
            let tpath = format!("{path}[{i}]");
            let raw = term.get_ref();
            if raw.trim().is_empty() {
                self.report(
                    pack,
                    Problem::new(ProblemKind::EmptyTerm, tpath, "empty term"),
                    term.span(),
                );
                continue;
            }
            let expanded = match expand(raw) {
                Ok(e) => e,
                Err(msg) => {
                    self.report(
                        pack,
                        Problem::new(ProblemKind::BadBraces, tpath, msg),
                        term.span(),
                    );
                    continue;
                }
            };
            for t in expanded {
                // Evasion variants are for single words: a phrase of common words would
                // multiply them, and a disguise hides in the one word that carries it.
                let single_word = !t.trim().contains(char::is_whitespace);
                let evasion = if with_variants && single_word {
                    term_variants(&t, &self.opts, 0)
                } else {
                    vec![canonical(&t, &self.opts)]
                };
                let mut variants: Vec<String> = evasion
                    .iter()
                    .take(MAX_VARIANTS_PER_TERM)
                    .cloned()
                    .collect();
                let words = t.split_whitespace().count();
                if fuzzy > 0 && with_variants && words <= MAX_FUZZY_PHRASE_WORDS {
                    // Typo variants (one letter missing, doubled or swapped) come on top
                    // of the cap, for short phrases too: the lexicon asked for them.
                    let plain: HashSet<String> = if single_word {
                        evasion.into_iter().collect()
                    } else {
                        term_variants(&t, &self.opts, 0).into_iter().collect()
                    };
                    for v in typo_variants_of(&t, &self.opts, &self.typo_exclude) {
                        if !plain.contains(&v) && !variants.contains(&v) {
                            variants.push(v);
                        }
                    }
                }
                let Some(first) = variants.first() else {
                    continue;
                };
                if let Some(r) = removed.iter_mut().find(|(f, _)| f == first) {
                    r.1 = true;
                    continue;
                }
                if first.trim().is_empty() {
                    self.report(
                        pack,
                        Problem::new(
                            ProblemKind::EmptyTerm,
                            tpath.clone(),
                            format!("`{t}` has no letters left once folded"),
                        ),
                        term.span(),
                    );
                    continue;
                }
                if joined {
                    for j in joined_forms(&t) {
                        self.patterns.add(j, lex, mode);
                    }
                }
                for v in variants {
                    self.patterns.add(v, lex, mode);
                }
                if let Some(l) = self.lexicons.get_mut(lex.index()) {
                    l.terms.push(t);
                }
            }
        }
    }
}

/// The folded words of every pack's `[typos] exclude`, reporting terms that are not
/// one word.
pub(super) fn typo_exclusions(b: &mut Builder<'_>) -> HashSet<String> {
    let mut out = HashSet::new();
    for (pi, pack) in b.packs.iter().enumerate() {
        for (i, w) in pack.file.typos.exclude.iter().enumerate() {
            let folded = canonical(w.get_ref(), &b.opts);
            let path = format!("typos.exclude[{i}]");
            if folded.is_empty() {
                b.report(
                    pi,
                    Problem::new(ProblemKind::EmptyTerm, path, "empty word"),
                    w.span(),
                );
            } else if !folded.chars().all(char::is_alphabetic) {
                b.report(
                    pi,
                    Problem::new(
                        ProblemKind::InvalidValue,
                        path,
                        format!("`{}` is not one word of letters", w.get_ref()),
                    ),
                    w.span(),
                );
            } else {
                out.insert(folded);
            }
        }
    }
    out
}
