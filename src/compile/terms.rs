//! How one term becomes automaton patterns: brace expansion, folding, evasion
//! variants and typo variants, each pattern tagged with its lexicon.

use std::collections::HashSet;

use super::Builder;
use super::warnings::TermSite;
use crate::compiled::{ENDING, EVASION, LexiconId, TYPO, is_token, is_token_phrase, is_token_run};
use crate::error::{Problem, ProblemKind};
use crate::expand::expand;
use crate::normalize::{
    NormalizeOptions, Normalized, joined_forms, term_variants_capped, typo_variants_of,
};
use crate::spec::{MatchMode, S};

/// The folded forms of one term: its variants listed as patterns, or one token whose
/// variants the matcher finds at scan time.
enum Forms {
    Listed(Vec<String>),
    Tolerant(String, u8),
}

impl Forms {
    /// The term folded exactly as text is folded.
    fn first(&self) -> Option<&String> {
        match self {
            Forms::Listed(l) => l.first(),
            Forms::Tolerant(base, _) => Some(base),
        }
    }
}

/// How a lexicon's terms match.
#[derive(Clone, Copy, Debug)]
pub(super) struct TermOptions {
    pub(super) mode: MatchMode,
    pub(super) fuzzy: u8,
    /// Whether the lexicon lists every inflected form (no [`ENDING`] readings).
    pub(super) inflected: bool,
    /// Whether the typo variants of terms that are not found at scan time (phrases
    /// with marks, prefix and infix terms) are listed as patterns.
    pub(super) listed_typos: bool,
    pub(super) joined: bool,
    /// Whether the evasion variants of each term (stretched, masked, leetspeak
    /// readings) are compiled too.
    pub(super) variants: bool,
}

impl Default for TermOptions {
    fn default() -> Self {
        TermOptions {
            mode: MatchMode::Word,
            fuzzy: 0,
            inflected: false,
            listed_typos: true,
            joined: false,
            variants: true,
        }
    }
}

impl TermOptions {
    /// Options for context cues (negations, frames, condemnations, their exceptions):
    /// whole words with their evasion variants and typos, as disguise-tolerant as the
    /// terms they cancel (`n*ver`, `d*sgusting`, `nevr`, `disgustnig`); a real word is
    /// never read as a typo of a cue (`inflected`). Only the typos found at scan time
    /// (single words, short phrases of plain words): listing those of the cues with
    /// marks (`don't`, `n'est pas`) as patterns would cost about 10 MB.
    pub(super) fn cues() -> Self {
        TermOptions {
            fuzzy: 1,
            inflected: true,
            listed_typos: false,
            ..TermOptions::default()
        }
    }
}

/// A term folded exactly as text is folded (the first of its variants), without
/// computing the others.
pub(crate) fn canonical(term: &str, opts: &NormalizeOptions) -> String {
    let mut n = crate::normalize::Normalized::new();
    fold_into(term, opts, &mut n)
}

/// [`canonical`] with a buffer reused from term to term.
fn fold_into(term: &str, opts: &NormalizeOptions, n: &mut Normalized) -> String {
    if is_folded_plain(term) {
        return term.to_string();
    }
    crate::normalize::normalize_into(term.trim(), opts, n);
    n.text().trim().to_string()
}

/// Whether folding leaves `term` as it is, whatever the options: lower-case ASCII
/// letters in words of two letters or more, separated by single spaces, with no letter
/// three times in a row. No evasion pass reads such a text (no digit or symbol, no
/// separated single letter, no letter run to shorten), and the core folding keeps it.
/// Most terms of the built-in packs are such words; the rest are folded in full.
fn is_folded_plain(term: &str) -> bool {
    let b = term.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    let mut word = 0usize;
    let mut run = 0usize;
    let mut prev = 0u8;
    for &c in b {
        match c {
            b'a'..=b'z' => {
                run = if c == prev { run + 1 } else { 1 };
                if run >= 3 {
                    return false;
                }
                word += 1;
            }
            b' ' if word >= 2 => {
                word = 0;
                run = 0;
            }
            _ => return false,
        }
        prev = c;
    }
    word >= 2
}

/// Folds the terms of one compile with one buffer. (Remembering each distinct term's
/// folded form was measured too: with plain terms not folded at all, the table cost
/// more instructions than it saved, and 2 MB at the compile's peak.)
#[derive(Default)]
pub(super) struct Folder {
    buf: Normalized,
}

impl Folder {
    /// [`canonical`] of `term`.
    pub(super) fn fold(&mut self, term: &str, opts: &NormalizeOptions) -> String {
        fold_into(term, opts, &mut self.buf)
    }
}

/// Longest phrase (in words) of a fuzzy lexicon that gets typo variants: each word
/// multiplies them.
const MAX_FUZZY_PHRASE_WORDS: usize = 3;

/// Most automaton patterns one term may add: evasion variants grow with the length
/// of a term, and a policy of thousands of terms must stay small and fast to build.
const MAX_VARIANTS_PER_TERM: usize = 32;

/// Most evasion variants computed for one term before [`MAX_VARIANTS_PER_TERM`] are
/// kept (the rest only keep typo variants from repeating them): the work per term is
/// bounded before anything is allocated.
const MAX_GENERATED_VARIANTS: usize = 1024;

/// How much longer than [`Limits::get_max_term_length`] a term may be before its
/// braces are expanded (`kill{,s,ed,ing}` is longer than any term it expands to).
///
/// [`Limits::get_max_term_length`]: crate::Limits::get_max_term_length
const RAW_TERM_FACTOR: usize = 16;

/// The start of a long term, for a message.
fn excerpt(term: &str) -> String {
    term.chars().take(24).collect()
}

/// A term as written, for problems about it: where, and its text.
struct TermAt<'t> {
    pack: usize,
    /// The lexicon's terms (`lexicons.x.terms`).
    list: &'t str,
    /// The term's index in them.
    index: usize,
    span: std::ops::Range<usize>,
}

impl TermAt<'_> {
    /// The term's path (`lexicons.x.terms[3]`): made only when a problem or a
    /// compared term needs it, not for each of the policy's terms.
    fn path(&self) -> String {
        format!("{}[{}]", self.list, self.index)
    }
}

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
        // Whether the warnings compare this lexicon's terms: asked once, not per term.
        let compared = self.checked(pack)
            || self
                .lexicons
                .get(lex.index())
                .is_some_and(|l| self.compared.contains(&l.name));
        // Room for the terms as written (braces expand some of them into more).
        if let Some(l) = self.terms.get_mut(lex.index()) {
            let bytes = terms.iter().map(|t| t.get_ref().len()).sum();
            l.reserve(terms.len(), bytes);
        }
        for (i, term) in terms.iter().enumerate() {
            if self.over_budget {
                // Reported once; compiling more terms would only cost time.
                return;
            }
            let at = TermAt {
                pack,
                list: path,
                index: i,
                span: term.span(),
            };
            let raw = term.get_ref();
            if raw.trim().is_empty() {
                self.report_term(&at, ProblemKind::EmptyTerm, "empty term".into());
                continue;
            }
            let max = self.limits.get_max_term_length();
            if raw.len() > max.saturating_mul(RAW_TERM_FACTOR) {
                let message = format!(
                    "the term is {} bytes long, over {RAW_TERM_FACTOR} times the limit of {max} characters per term (`{}…`)",
                    raw.len(),
                    excerpt(raw)
                );
                self.report_term(&at, ProblemKind::LimitExceeded, message);
                continue;
            }
            match expand(raw) {
                Ok(expanded) => {
                    for t in expanded {
                        let chars = t.chars().count();
                        if chars > max {
                            let message = format!(
                                "the term is {chars} characters long, over the limit of {max} (`{}…`)",
                                excerpt(&t)
                            );
                            self.report_term(&at, ProblemKind::LimitExceeded, message);
                            break;
                        }
                        self.add_term(&at, lex, t, how, compared, removed);
                    }
                }
                Err(msg) => self.report_term(&at, ProblemKind::BadBraces, msg),
            }
        }
    }

    fn report_term(&mut self, at: &TermAt<'_>, kind: ProblemKind, message: String) {
        self.report(
            at.pack,
            Problem::new(kind, at.path(), message),
            at.span.clone(),
        );
    }

    /// Adds one expanded term `t` and its variants to lexicon `lex` (and its site, for
    /// the warnings, if the lexicon is `compared`).
    fn add_term(
        &mut self,
        at: &TermAt<'_>,
        lex: LexiconId,
        t: String,
        how: TermOptions,
        compared: bool,
        removed: &mut [(String, bool)],
    ) {
        let variants = self.variants(&t, how);
        // Borrowed: the folded term is copied only for the compared lexicons.
        let Some(first) = variants.first() else {
            return;
        };
        if let Some(r) = removed.iter_mut().find(|(f, _)| f == first) {
            r.1 = true;
            return;
        }
        if first.trim().is_empty() {
            let message = format!("`{t}` has no letters left once folded");
            self.report_term(at, ProblemKind::EmptyTerm, message);
            return;
        }
        // The words of every term of every lexicon, folded as text is folded.
        self.vocab.add_folded(first);
        if compared {
            self.sites.push(TermSite {
                lex,
                pack: at.pack,
                path: at.path(),
                span: at.span.clone(),
                text: t.clone(),
                folded: first.clone(),
            });
        }
        if how.joined {
            for j in joined_forms(&t) {
                self.patterns.add(&j, lex, how.mode, 0);
                // A joined form is a word of the policy: never split as glued words.
                self.vocab.add_folded(&j);
            }
        }
        match variants {
            Forms::Tolerant(base, tolerance) => self.patterns.add(&base, lex, how.mode, tolerance),
            Forms::Listed(list) => {
                for v in list {
                    self.patterns.add(&v, lex, how.mode, 0);
                }
            }
        }
        let added = self.terms.get_mut(lex.index()).is_none_or(|l| l.push(&t));
        self.check_budget(at, added);
    }

    /// The folded forms under which term `t` is compiled, the folded term first.
    fn variants(&mut self, t: &str, how: TermOptions) -> Forms {
        // Evasion variants are for single words: a phrase of common words would
        // multiply them, and a disguise hides in the one word that carries it.
        let single_word = !t.trim().contains(char::is_whitespace);
        let words = t.split_whitespace().count();
        let mut folded = None;
        if how.variants && how.mode == MatchMode::Word {
            // One token (or tokens joined by single marks, `sous-développé`), or a
            // short fuzzy phrase of tokens, matched as a whole word: its variants are
            // found at scan time (the matcher's variant tables), not compiled as
            // patterns.
            let base = self.folder.fold(t, &self.opts);
            let typo = match (how.fuzzy > 0, how.inflected) {
                (false, _) => 0,
                (true, true) => TYPO,
                (true, false) => TYPO | ENDING,
            };
            if single_word && (is_token(&base) || is_token_run(&base)) {
                return Forms::Tolerant(base, EVASION | typo);
            }
            if typo != 0 && words <= MAX_FUZZY_PHRASE_WORDS && is_token_phrase(&base) {
                return Forms::Tolerant(base, typo);
            }
            folded = Some(base);
        }
        let evasion = if how.variants && single_word {
            term_variants_capped(t, &self.opts, 0, MAX_GENERATED_VARIANTS)
        } else {
            vec![folded.unwrap_or_else(|| self.folder.fold(t, &self.opts))]
        };
        let mut variants: Vec<String> = evasion
            .iter()
            .take(MAX_VARIANTS_PER_TERM)
            .cloned()
            .collect();
        if how.fuzzy > 0 && how.listed_typos && how.variants && words <= MAX_FUZZY_PHRASE_WORDS {
            // Typo variants (one letter missing, doubled or swapped) come on top
            // of the cap, for short phrases too: the lexicon asked for them.
            let plain: HashSet<String> = if single_word {
                evasion.into_iter().collect()
            } else {
                term_variants_capped(t, &self.opts, 0, MAX_GENERATED_VARIANTS)
                    .into_iter()
                    .collect()
            };
            for v in typo_variants_of(t, &self.opts, &self.typo_exclude) {
                if !plain.contains(&v) && !variants.contains(&v) {
                    variants.push(v);
                }
            }
        }
        Forms::Listed(variants)
    }

    /// Reports, once, a policy whose patterns go over the limits (at the term that
    /// crossed them); no more terms are compiled after that.
    /// `added`: whether the lexicon's list of terms took the term (it holds at most
    /// 4 GiB of them).
    fn check_budget(&mut self, at: &TermAt<'_>, added: bool) {
        let (count, bytes) = (self.patterns.text.len(), self.patterns.bytes());
        let (max_count, max_bytes) = (
            self.limits.get_max_patterns(),
            self.limits.get_max_pattern_bytes(),
        );
        if count <= max_count && bytes <= max_bytes && added && !self.patterns.overflow {
            return;
        }
        self.over_budget = true;
        let message = format!(
            "the terms compile to more than {max_count} automaton patterns or {max_bytes} bytes of them (the limits): split the policy, or raise the limits for it"
        );
        self.report_term(at, ProblemKind::LimitExceeded, message);
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::{fold_into, is_folded_plain};
    use crate::normalize::{NormalizeOptions, Normalized, normalize_into};

    /// The folding in full, without the shortcut.
    fn full(term: &str, opts: &NormalizeOptions) -> String {
        let mut n = Normalized::new();
        normalize_into(term.trim(), opts, &mut n);
        n.text().trim().to_string()
    }

    #[test]
    fn plain_terms_are_recognized() {
        for t in ["kill", "kill you", "go back home", "ab cd"] {
            assert!(is_folded_plain(t), "{t}");
        }
        // A single letter, three of one letter, capitals, digits, symbols, accents,
        // apostrophes, spaces at an end or doubled: folded in full.
        for t in [
            "a",
            "i will",
            "kill u",
            "kiiill",
            "Kill",
            "k1ll",
            "k*ll",
            "tué",
            "don't",
            " kill",
            "kill ",
            "kill  you",
            "",
            "kill-you",
        ] {
            assert!(!is_folded_plain(t), "{t}");
        }
    }

    proptest::proptest! {
        /// The shortcut gives what the full folding gives, with every option set and
        /// with none.
        #[test]
        fn shortcut_matches_full_folding(t in "[a-z ]{0,24}") {
            for opts in [NormalizeOptions::default(), NormalizeOptions::core_only()] {
                let mut n = Normalized::new();
                if is_folded_plain(&t) {
                    proptest::prop_assert_eq!(&full(&t, &opts), &t);
                }
                proptest::prop_assert_eq!(fold_into(&t, &opts, &mut n), full(&t, &opts));
            }
        }
    }

    /// Every term of the built-in packs folds as in full (the shortcut is taken for
    /// most of them).
    #[test]
    fn builtin_terms_fold_as_in_full() {
        let opts = NormalizeOptions::default();
        let mut n = Normalized::new();
        let (mut plain, mut all) = (0, 0);
        for (_, src) in crate::builtin::PACKS {
            let file: toml::Value = toml::from_str(src).unwrap();
            let Some(lexicons) = file.get("lexicons").and_then(|l| l.as_table()) else {
                continue;
            };
            for lex in lexicons.values() {
                let terms = lex.get("terms").and_then(|t| t.as_array());
                for t in terms.into_iter().flatten().filter_map(|t| t.as_str()) {
                    for e in crate::expand::expand(t).unwrap_or_default() {
                        all += 1;
                        plain += usize::from(is_folded_plain(&e));
                        assert_eq!(fold_into(&e, &opts, &mut n), full(&e, &opts), "{e}");
                    }
                }
            }
        }
        assert!(plain * 2 > all, "{plain} of {all} terms plain");
    }
}
