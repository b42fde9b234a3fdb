//! From loaded packs (parents first, root last) to a [`Compiled`] policy: one phase
//! per file, run in the order the data flows.
//!
//! - [`categories`]: categories and their overrides;
//! - [`lexicons`]: named lexicons, their overrides, and their terms;
//! - [`contexts`]: the built-in contexts and the cue-based ones of every pack;
//! - [`signals`]: `[signals.NAME]` model files, and `signal(…)` operands as lexicons;
//! - [`conditions`]: named conditions (`[conditions.NAME]`), resolved on first use;
//! - [`rules`]: conditions resolved against lexicons, rule overrides;
//! - [`terms`]: how one term becomes automaton patterns (used by the phases above);
//! - [`warnings`]: what compiles but is probably a mistake.
//!
//! Every phase reports every problem it finds; the policy compiles only if none did.

mod categories;
mod conditions;
mod contexts;
mod lexicons;
mod rules;
mod signals;
mod terms;
mod warnings;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::compiled::{
    Compiled, LayerMeta, Lexicon, LexiconId, LexiconTerms, Matcher, PatternSet, SignalSource,
    SignalUse, Texts, Triggers, fingerprint, flags,
};
use crate::error::{PolicyError, Problem, ProblemKind};
use crate::limits::Limits;
use crate::normalize::{NormalizeOptions, Vocab};
use crate::signal::SignalModel;
use crate::source::Pack;
use crate::spec::MatchMode;

/// The state the phases share: the packs, the problems found so far, and the
/// lexicons and patterns every phase adds to.
struct Builder<'a> {
    packs: &'a [Pack],
    problems: Vec<Problem>,
    opts: NormalizeOptions,
    lexicons: Vec<Lexicon>,
    /// Per lexicon, its terms as written (braces expanded).
    terms: Vec<Texts>,
    lex_index: HashMap<String, LexiconId>,
    patterns: PatternSet,
    /// The words of the folded terms added so far (each term is folded once, in
    /// [`Builder::add_terms`]).
    vocab: Vocab,
    /// Folds the terms.
    folder: terms::Folder,
    /// Folded words never read as typos (`[typos] exclude` of every pack).
    typo_exclude: HashSet<String>,
    limits: Limits,
    /// Whether the patterns went over the limits (reported once).
    over_budget: bool,
    /// The terms added to the lexicons the warnings compare ([`warnings::compared`]).
    sites: Vec<warnings::TermSite>,
    /// The names of those lexicons.
    compared: HashSet<String>,
    warnings: Vec<Problem>,
    /// `[signals.NAME]` of every pack, with its model (`None`: reported as unusable).
    signal_defs: Vec<(String, Option<Arc<SignalModel>>)>,
    /// The models the conditions use.
    signal_models: Vec<SignalSource>,
    /// The `signal(…)` comparisons of the conditions.
    signals: Vec<SignalUse>,
    /// The named conditions (`[conditions.NAME]`).
    named: conditions::Named,
}

impl Builder<'_> {
    /// Records a problem at bytes `span` of pack `pack`'s source.
    fn report(&mut self, pack: usize, p: Problem, span: std::ops::Range<usize>) {
        let p = match self.packs.get(pack) {
            Some(pk) => pk.problem(p, span),
            None => p,
        };
        self.problems.push(p);
    }

    /// The lexicon whose hits are the names of persons in the text (the `@name`
    /// operand): made once, filled by the engine, never by terms.
    fn name_lexicon(&mut self) -> LexiconId {
        match self.lex_index.get(crate::compiled::NAME_OPERAND) {
            Some(&id) => id,
            None => self.new_lexicon(crate::compiled::NAME_OPERAND.to_string(), MatchMode::Word),
        }
    }

    /// A new, empty lexicon.
    fn new_lexicon(&mut self, name: String, mode: MatchMode) -> LexiconId {
        let id = LexiconId::new(self.lexicons.len());
        self.lex_index.insert(name.clone(), id);
        self.lexicons.push(Lexicon {
            name,
            mode,
            lang: None,
        });
        self.terms.push(Texts::default());
        id
    }
}

/// Whether `s` is a valid id for a policy, category, lexicon, context or rule.
fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// Compiles loaded packs (parents first, root last) into a policy within `limits`,
/// adding to `problems` (those found while loading).
pub(crate) fn compile(
    packs: Vec<Pack>,
    mut problems: Vec<Problem>,
    limits: Limits,
) -> Result<Compiled, PolicyError> {
    let Some(root) = packs.last() else {
        return Err(PolicyError { problems });
    };
    let opts = packs
        .iter()
        .rev()
        .find_map(|p| p.file.policy.normalize.clone())
        .unwrap_or_default();
    let mut b = Builder {
        packs: &packs,
        problems: Vec::new(),
        opts,
        lexicons: Vec::new(),
        terms: Vec::new(),
        lex_index: HashMap::new(),
        patterns: PatternSet::default(),
        vocab: Vocab::default(),
        folder: terms::Folder::default(),
        typo_exclude: HashSet::new(),
        limits,
        over_budget: false,
        sites: Vec::new(),
        compared: HashSet::new(),
        warnings: Vec::new(),
        signal_defs: Vec::new(),
        signal_models: Vec::new(),
        signals: Vec::new(),
        named: conditions::Named::default(),
    };
    b.typo_exclude = terms::typo_exclusions(&mut b);
    b.compared = warnings::compared(&b);
    let categories = categories::compile(&mut b);
    lexicons::compile(&mut b);
    let contexts = contexts::compile(&mut b);
    signals::load(&mut b);
    conditions::declare(&mut b);
    let rules = rules::compile(&mut b, &categories, &contexts);
    conditions::warn_unused(&mut b);
    warnings::check(&mut b, &categories);

    // A pack that could not be loaded (a misspelled `extends`, a parent that does not
    // parse) leaves the names it defines undefined: an unknown category, lexicon or
    // context is then most likely one of them, and reporting each would bury the one
    // real mistake. Every other problem is still reported.
    if !problems.is_empty() {
        b.problems.retain(|p| {
            !matches!(
                p.kind(),
                ProblemKind::UnknownCategory
                    | ProblemKind::UnknownLexicon
                    | ProblemKind::UnknownContext
                    | ProblemKind::UnknownOverride
            )
        });
    }
    problems.append(&mut b.problems);
    if !problems.is_empty() {
        return Err(PolicyError { problems });
    }
    let meta = &root.file.policy;
    let (id, version, title, description) = (
        meta.id.get_ref().clone(),
        meta.version.clone().unwrap_or_default(),
        meta.title.clone(),
        meta.description.clone(),
    );
    let Builder {
        opts,
        lexicons,
        terms,
        patterns,
        typo_exclude,
        vocab,
        warnings,
        signal_models,
        signals,
        ..
    } = b;
    let mut vocab = vocab;
    vocab.shrink_to_fit();
    // The packs (their sources and parsed trees) are not needed any more: freed
    // before the automaton is built, the step that needs the most memory.
    drop(packs);
    let (pattern_text, patterns) = patterns.finish();
    // The terms by reference to the patterns, before the automaton is built.
    let terms =
        LexiconTerms::build(&pattern_text, terms.iter().map(Texts::iter)).ok_or_else(|| {
            PolicyError {
                problems: vec![Problem::new(
                    ProblemKind::LimitExceeded,
                    "lexicons",
                    "more than 4 billion terms",
                )],
            }
        })?;
    let matcher =
        Matcher::build(&pattern_text, &patterns, &opts, typo_exclude).map_err(|e| PolicyError {
            problems: vec![Problem::new(
                ProblemKind::LimitExceeded,
                "lexicons",
                format!("the terms do not fit in one automaton: {e}"),
            )],
        })?;
    let mut c = Compiled {
        id,
        version,
        title,
        description,
        normalize: opts,
        categories: categories.list,
        vocab,
        triggers: Triggers::build(&rules, lexicons.len()),
        lexicon_langs: crate::compiled::lang_codes(&lexicons),
        name_lexicons: crate::compiled::name_lexicons(&lexicons),
        lexicons,
        contexts: contexts.list,
        rules,
        matcher,
        pattern_flags: flags(&pattern_text, &patterns),
        patterns,
        pattern_text,
        terms,
        fingerprint: String::new(),
        layers: Vec::new(),
        warnings,
        signal_models,
        signals,
        window_bytes: limits.get_window_bytes(),
    };
    c.fingerprint = fingerprint(&c);
    c.layers = vec![LayerMeta {
        id: c.id.clone(),
        version: c.version.clone(),
        fingerprint: c.fingerprint.clone(),
    }];
    Ok(c)
}

#[cfg(test)]
mod tests {
    use crate::normalize::Vocab;

    /// The vocabulary gathered while the terms are compiled (each folded once) is
    /// the one folding every term of every lexicon again would give, plus the joined
    /// forms of the terms of `joined` lexicons (`killthemall`), which are never split
    /// as glued words.
    #[test]
    fn the_vocabulary_is_the_words_of_every_folded_term() {
        let policy = crate::Policy::baseline();
        let c = policy.compiled_for_tests();
        let terms = || (0..c.lexicons.len()).flat_map(|l| c.lexicon_terms(l));
        let again = Vocab::from_terms(terms(), &c.normalize);
        assert!(c.vocab.len() > 1000, "{} words", c.vocab.len());
        assert!(again.words().all(|w| c.vocab.is_word(w)));
        assert!(again.stems().eq(c.vocab.stems()));
        let joined: std::collections::HashSet<String> = terms()
            .filter_map(crate::normalize::joined_variant)
            .collect();
        assert!(
            c.vocab
                .words()
                .all(|w| again.is_word(w) || joined.contains(w))
        );
        assert!(
            c.vocab
                .words()
                .any(|w| joined.contains(w) && !again.is_word(w))
        );
    }
}
