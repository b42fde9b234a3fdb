//! The compiled form of a policy: what the compiler produces and the engine reads.
//!
//! Everything here is immutable once built. Lexicons, categories, contexts, rules and
//! layers are referred to by typed indices ([`LexiconId`], [`CategoryId`], …) into the
//! vectors of [`Compiled`], never by bare integers.

mod fingerprint;
mod merge;
mod patterns;
mod store;
mod terms;
mod triggers;

use std::sync::Arc;

use crate::error::Problem;
use crate::normalize::{Lang, NormalizeOptions, Normalized, Vocab, normalize_with};
use crate::signal::SignalModel;
use crate::spec::{CuePosition, ExamplesSpec, MatchMode, Scope};
use crate::verdict::{Action, Severity};

pub(crate) use fingerprint::fingerprint;
pub(crate) use merge::merge_layers;
pub(crate) use patterns::{
    FIRST_IS_WORD, HAS_INFIX, HAS_PREFIX, HAS_WORD, LAST_IS_WORD, Matcher, PatternSet, TYPO_ANY,
    TYPO_NONE, Texts, Uses, VariantScratch, build_automaton, flags, hash_word, is_token,
    is_token_phrase, is_token_run, typo_tolerance,
};
pub(crate) use store::{MAGIC as STORED_MAGIC, from_bytes, from_reader, to_bytes};
pub(crate) use terms::LexiconTerms;
pub(crate) use triggers::Triggers;

/// Declares a typed index into one of the vectors of [`Compiled`].
macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub(crate) struct $name(u32);

        impl $name {
            /// The id of the element at `index` (saturating: no policy within the
            /// compile limits comes near `u32::MAX` elements).
            pub(crate) fn new(index: usize) -> Self {
                $name(u32::try_from(index).unwrap_or(u32::MAX))
            }

            /// The index into the vector the id refers to.
            pub(crate) fn index(self) -> usize {
                self.0 as usize
            }

            /// The same element once the vector it lives in is appended after `base`
            /// elements of other policies (merging the layers of a stack).
            #[allow(dead_code, reason = "not every kind of id is shifted")]
            pub(crate) fn shifted(self, base: usize) -> Self {
                Self::new(self.index() + base)
            }
        }
    };
}

typed_id!(
    /// A lexicon of [`Compiled::lexicons`].
    LexiconId
);
typed_id!(
    /// A category of [`Compiled::categories`].
    CategoryId
);
typed_id!(
    /// A context of [`Compiled::contexts`].
    ContextId
);
typed_id!(
    /// A rule of [`Compiled::rules`].
    RuleId
);
typed_id!(
    /// A layer of a policy stack ([`Compiled::layers`]); 0 in a single policy.
    LayerId
);

/// A compiled category.
#[derive(Clone, Debug)]
pub(crate) struct Category {
    pub(crate) id: String,
    pub(crate) title: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) tos_ref: Option<String>,
    pub(crate) severity: Severity,
    pub(crate) action: Action,
    pub(crate) dsa_category: Option<String>,
    pub(crate) dsa_keywords: Vec<String>,
}

/// A compiled lexicon (named, an inline phrase, or a context's cues).
#[derive(Clone, Debug)]
pub(crate) struct Lexicon {
    pub(crate) name: String,
    pub(crate) mode: MatchMode,
    /// The language of its words, when its `lang` is one the engine knows: its words
    /// that are more common in another known language are not read in a sentence of
    /// that language (see `engine::lang`). `None` reads every word everywhere.
    pub(crate) lang: Option<Lang>,
}

/// A condition with lexicon names resolved to ids.
#[derive(Clone, Debug)]
pub(crate) enum Node {
    Lex(LexiconId),
    Not(Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Before(Box<Node>, Box<Node>, u32),
    Near(Box<Node>, Box<Node>, u32),
    /// The matches of the first that share no token with a match of the second.
    Except(Box<Node>, Box<Node>),
}

/// How a context is decided.
#[derive(Clone, Debug)]
pub(crate) enum ContextKind {
    /// A cue before (or after, or either side of) the words, in the same scope, within
    /// `window` words.
    Cue {
        lex: LexiconId,
        /// Phrases that cancel a cue (or a stop) they contain.
        except: LexiconId,
        /// Phrases that end a cue's reach before the match (none for most contexts).
        stops: Option<LexiconId>,
        /// Speaking frames and condemnations: the context also holds when a frame stands
        /// before the match and a condemnation after it, in one sentence (none for most
        /// contexts).
        framed: Option<Framed>,
        scope: Scope,
        window: Option<u32>,
        position: CuePosition,
        /// Holds only for a match in a sentence that ends with `?`.
        question: bool,
    },
    /// Inside quotation marks.
    Quoted,
    /// The sentence ends with `?`.
    Question,
}

/// The frame and condemnation lexicons of a context (`Saying X is disgusting`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Framed {
    /// Speaking or quoting frames, before the match.
    pub(crate) frames: LexiconId,
    /// Condemnations, after the match.
    pub(crate) condemnations: LexiconId,
}

impl Framed {
    /// The same lexicons in a merged policy whose lexicons of this layer start at `lex0`.
    pub(crate) fn shifted(self, lex0: usize) -> Framed {
        Framed {
            frames: self.frames.shifted(lex0),
            condemnations: self.condemnations.shifted(lex0),
        }
    }
}

/// A compiled context: built in (`quoted`, `question`) or decided by cues.
#[derive(Clone, Debug)]
pub(crate) struct Context {
    pub(crate) name: String,
    pub(crate) kind: ContextKind,
}

/// A compiled rule.
#[derive(Clone, Debug)]
pub(crate) struct Rule {
    pub(crate) id: String,
    pub(crate) pack: String,
    pub(crate) category: CategoryId,
    pub(crate) severity: Severity,
    pub(crate) when: Node,
    pub(crate) when_src: String,
    pub(crate) unless: Vec<ContextId>,
    pub(crate) requires: Vec<ContextId>,
    pub(crate) scope: Scope,
    pub(crate) description: Option<String>,
    pub(crate) examples: ExamplesSpec,
    /// The layer of a policy stack the rule belongs to.
    pub(crate) layer: LayerId,
    /// Lexicons the rule cannot match without (checked before any work).
    pub(crate) needs: Vec<LexiconId>,
    /// Sets of lexicons (two or more each, from `or`) of which the rule cannot match
    /// without one present (checked with `needs`).
    pub(crate) needs_one_of: Vec<Vec<LexiconId>>,
    /// Lexicons one of which every match contains: the windows to evaluate.
    pub(crate) anchors: Vec<LexiconId>,
    /// Whether the condition has a `signal(…)` operand: the signals are scored before
    /// the rule is evaluated.
    pub(crate) uses_signals: bool,
}

/// A signal model the policy's conditions use, under the name they give it.
#[derive(Clone, Debug)]
pub(crate) struct SignalSource {
    /// `builtin`, or the `NAME` of `[signals.NAME]`.
    pub(crate) name: String,
    pub(crate) model: Arc<SignalModel>,
}

/// A `signal(…) >= X` operand: a lexicon without terms whose hits the engine adds,
/// once per text and only when a rule needing it is reached, if the score passes.
#[derive(Clone, Debug)]
pub(crate) struct SignalUse {
    /// The pseudo-lexicon the condition refers to.
    pub(crate) lex: LexiconId,
    /// Index into [`Compiled::signal_models`].
    pub(crate) model: usize,
    /// The model's category (head).
    pub(crate) head: usize,
    /// `>` rather than `>=`.
    pub(crate) strict: bool,
    pub(crate) threshold: f32,
}

impl SignalUse {
    /// Whether `score` passes the comparison.
    pub(crate) fn passes(&self, score: f32) -> bool {
        if self.strict {
            score > self.threshold
        } else {
            score >= self.threshold
        }
    }
}

/// Which lexicon a pattern belongs to, how it must sit in a word, and which of its
/// variants match too.
#[derive(Clone, Debug)]
pub(crate) struct PatternUse {
    pub(crate) lex: LexiconId,
    pub(crate) mode: MatchMode,
    /// [`EVASION`] and [`TYPO`]: variants of a one-token term found at scan time
    /// instead of compiled as patterns of their own.
    pub(crate) tolerance: u8,
}

/// [`PatternUse::tolerance`]: the term's evasion variants (masked letters, `l` read as
/// `i`, edge leetspeak, letter runs made three long) match too.
pub(crate) const EVASION: u8 = 1;
/// [`PatternUse::tolerance`]: the term's typo variants (a letter missing, added, or two
/// neighbours swapped) match too, in words that are no real word.
pub(crate) const TYPO: u8 = 2;
/// [`PatternUse::tolerance`] (with [`TYPO`]): a real word that is the term less a final
/// `s`, `e` or `x` is read as it too (`gay` as `gays`), unless it is one of the words
/// never read as typos; without it, a real word is never a typo of the term (a lexicon
/// with `inflected = true`, which lists every form).
pub(crate) const ENDING: u8 = 4;

/// Everything `classify` needs, immutable and shared.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub(crate) id: String,
    pub(crate) version: String,
    pub(crate) title: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) normalize: NormalizeOptions,
    pub(crate) categories: Vec<Category>,
    pub(crate) lexicons: Vec<Lexicon>,
    pub(crate) contexts: Vec<Context>,
    pub(crate) rules: Vec<Rule>,
    /// The words of the lexicons' terms, which spelled-out and elongated letters are
    /// read as.
    pub(crate) vocab: Vocab,
    /// Finds the patterns in folded text.
    pub(crate) matcher: Matcher,
    /// Per automaton pattern: the lexicons it belongs to.
    pub(crate) patterns: Uses,
    pub(crate) pattern_text: Texts,
    /// Every lexicon's terms as written (braces expanded), by reference to
    /// `pattern_text` where a term is a pattern's text ([`Compiled::lexicon_terms`]).
    pub(crate) terms: LexiconTerms,
    /// Per pattern: [`patterns::pattern_flags`].
    pub(crate) pattern_flags: Vec<u8>,
    /// A stable hash of everything that decides a verdict.
    pub(crate) fingerprint: String,
    /// The policies whose rules this holds: one, or the layers of a stack.
    pub(crate) layers: Vec<LayerMeta>,
    /// What compiled but is probably a mistake.
    pub(crate) warnings: Vec<Problem>,
    /// The signal models the conditions use (only those referenced).
    pub(crate) signal_models: Vec<SignalSource>,
    /// Every distinct `signal(…)` comparison of the conditions.
    pub(crate) signals: Vec<SignalUse>,
    /// How many bytes of text are judged at once ([`crate::Limits::window_bytes`]).
    pub(crate) window_bytes: usize,
    /// The rules that a text with hits of a lexicon may fire.
    pub(crate) triggers: Triggers,
    /// Per lexicon: its language ([`Lexicon::lang`]) as one byte, 0 for none, 1 for
    /// English, 2 for French, read for every hit (`engine::lang`); see [`lang_codes`].
    pub(crate) lexicon_langs: Vec<u8>,
    /// The lexicons of the `@name` operand ([`name_lexicons`]), filled by the engine.
    pub(crate) name_lexicons: Vec<LexiconId>,
}

/// The languages of `lexicons`, one byte each (see [`Compiled::lexicon_langs`]).
/// The built-in operand of conditions whose hits are the names of persons
/// (`src/engine/names.rs`).
pub(crate) const NAME_OPERAND: &str = "@name";

/// The lexicons of the `@name` operand (one per layer of a stack that uses it).
pub(crate) fn name_lexicons(lexicons: &[Lexicon]) -> Vec<LexiconId> {
    lexicons
        .iter()
        .enumerate()
        .filter(|(_, l)| l.name == NAME_OPERAND)
        .map(|(i, _)| LexiconId::new(i))
        .collect()
}

pub(crate) fn lang_codes(lexicons: &[Lexicon]) -> Vec<u8> {
    lexicons
        .iter()
        .map(|l| match l.lang {
            None => 0,
            Some(Lang::En) => 1,
            Some(Lang::Fr) => 2,
        })
        .collect()
}

impl Compiled {
    /// Folds `text` into `out` as the policy folds text before matching.
    pub(crate) fn fold_into(&self, text: &str, out: &mut Normalized) {
        normalize_with(text, &self.normalize, Some(&self.vocab), out);
    }

    pub(crate) fn lexicon(&self, id: LexiconId) -> Option<&Lexicon> {
        self.lexicons.get(id.index())
    }

    pub(crate) fn category(&self, id: CategoryId) -> Option<&Category> {
        self.categories.get(id.index())
    }

    pub(crate) fn context(&self, id: ContextId) -> Option<&Context> {
        self.contexts.get(id.index())
    }

    /// The terms of lexicon `lex` as written (braces expanded), in order.
    pub(crate) fn lexicon_terms(&self, lex: usize) -> impl Iterator<Item = &str> + '_ {
        self.terms.of(&self.pattern_text, lex)
    }

    /// The name of a lexicon (empty for an id out of range).
    pub(crate) fn lexicon_name(&self, id: LexiconId) -> &str {
        self.lexicon(id).map(|l| l.name.as_str()).unwrap_or("")
    }
}

/// Who decides for the rules of one layer.
#[derive(Clone, Debug)]
pub(crate) struct LayerMeta {
    pub(crate) id: String,
    pub(crate) version: String,
    pub(crate) fingerprint: String,
}

impl Node {
    /// Lexicons the node cannot match without, sorted and unique.
    pub(crate) fn needs(&self) -> Vec<LexiconId> {
        fn walk(node: &Node, out: &mut Vec<LexiconId>) {
            match node {
                Node::Lex(id) => out.push(*id),
                Node::Not(_) | Node::Or(..) => {}
                Node::Except(a, _) => walk(a, out),
                Node::And(a, b) | Node::Before(a, b, _) | Node::Near(a, b, _) => {
                    walk(a, out);
                    walk(b, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Sets of lexicons, each sorted and unique, such that the node cannot match
    /// unless one lexicon of every set is present: what [`Node::needs`] cannot say of an
    /// `or` (mostly sets of two or more). `(a or b) near(3) c` gives `[[a, b]]`; `(a and x) or b` gives
    /// `[[a, b], [b, x]]` (a match of either side holds `a` or `b`, and `x` or `b`).
    ///
    /// With [`Node::needs`], a condition in conjunctive form over lexicon presence,
    /// necessary for a match: checked per text and per window before any evaluation.
    /// An `or` gives every union of a set of each side, at most [`MAX_CLAUSES`] of them
    /// (the smallest sets first): fewer sets only make the test weaker, never wrong.
    pub(crate) fn needs_one_of(&self) -> Vec<Vec<LexiconId>> {
        let needs = self.needs();
        let mut out: Vec<Vec<LexiconId>> = cnf(self)
            .into_iter()
            .filter(|s| !matches!(s.as_slice(), [l] if needs.binary_search(l).is_ok()))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Lexicons at least one of which every match of the node contains, sorted and
    /// unique: a rule is only evaluated in windows holding a hit of one of them.
    pub(crate) fn anchors(&self) -> Vec<LexiconId> {
        let mut out = match self {
            Node::Lex(id) => vec![*id],
            Node::Not(_) => Vec::new(),
            Node::Except(a, _) => a.anchors(),
            Node::Or(a, b) => {
                let mut v = a.anchors();
                v.extend(b.anchors());
                v
            }
            Node::And(a, b) | Node::Before(a, b, _) | Node::Near(a, b, _) => {
                let (x, y) = (a.anchors(), b.anchors());
                match (x.is_empty(), y.is_empty()) {
                    (true, _) => y,
                    (_, true) => x,
                    _ if y.len() < x.len() => y,
                    _ => x,
                }
            }
        };
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether `f` holds for a lexicon the condition mentions (anywhere in it).
    pub(crate) fn mentions(&self, f: &mut impl FnMut(LexiconId) -> bool) -> bool {
        match self {
            Node::Lex(id) => f(*id),
            Node::Not(a) => a.mentions(f),
            Node::And(a, b)
            | Node::Or(a, b)
            | Node::Before(a, b, _)
            | Node::Near(a, b, _)
            | Node::Except(a, b) => a.mentions(f) || b.mentions(f),
        }
    }

    /// The same condition over lexicons appended after `base` others.
    pub(crate) fn shifted(&self, base: usize) -> Node {
        let s = |n: &Node| Box::new(n.shifted(base));
        match self {
            Node::Lex(id) => Node::Lex(id.shifted(base)),
            Node::Not(a) => Node::Not(s(a)),
            Node::And(a, b) => Node::And(s(a), s(b)),
            Node::Or(a, b) => Node::Or(s(a), s(b)),
            Node::Before(a, b, n) => Node::Before(s(a), s(b), *n),
            Node::Near(a, b, n) => Node::Near(s(a), s(b), *n),
            Node::Except(a, b) => Node::Except(s(a), s(b)),
        }
    }
}

/// The most sets of lexicons [`Node::needs_one_of`] keeps per `or`.
const MAX_CLAUSES: usize = 16;

/// Sets of lexicons one of which each match of `node` holds (singletons included),
/// each sorted and unique, none holding another, smallest first.
fn cnf(node: &Node) -> Vec<Vec<LexiconId>> {
    let out = match node {
        Node::Lex(id) => return vec![vec![*id]],
        Node::Not(_) => return Vec::new(),
        Node::Except(a, _) => return cnf(a),
        Node::And(a, b) | Node::Before(a, b, _) | Node::Near(a, b, _) => {
            let mut v = cnf(a);
            v.extend(cnf(b));
            v
        }
        Node::Or(a, b) => {
            // A match of `a` holds one of any set of `a`'s, and likewise for `b`: the
            // union of a set of each is a set for the `or`.
            let (mut x, mut y) = (cnf(a), cnf(b));
            x.truncate(MAX_CLAUSES);
            y.truncate(MAX_CLAUSES);
            let mut v = Vec::with_capacity(x.len() * y.len());
            for sa in &x {
                for sb in &y {
                    v.push(union(sa, sb));
                }
            }
            // The first sets `reduce` keeps do not depend on those after them.
            return reduce(v, MAX_CLAUSES);
        }
    };
    reduce(out, usize::MAX)
}

/// The union of two sorted sets of unique lexicons, sorted and unique.
fn union(a: &[LexiconId], b: &[LexiconId]) -> Vec<LexiconId> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
        match x.cmp(&y) {
            std::cmp::Ordering::Less => {
                out.push(x);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(y);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(x);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(a.get(i..).unwrap_or_default());
    out.extend_from_slice(b.get(j..).unwrap_or_default());
    out
}

/// The sets sorted smallest first, unique, without those holding a smaller one (they
/// say nothing more); the first `limit` of them.
fn reduce(mut out: Vec<Vec<LexiconId>>, limit: usize) -> Vec<Vec<LexiconId>> {
    out.sort_unstable_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    out.dedup();
    let mut kept: Vec<Vec<LexiconId>> = Vec::with_capacity(out.len());
    for set in out {
        if kept.len() >= limit {
            break;
        }
        let subsumed = kept
            .iter()
            .any(|k| k.iter().all(|l| set.binary_search(l).is_ok()));
        if !subsumed {
            kept.push(set);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::{LexiconId, Node};

    fn lex(i: usize) -> Box<Node> {
        Box::new(Node::Lex(LexiconId::new(i)))
    }

    fn ids(v: &[usize]) -> Vec<LexiconId> {
        v.iter().map(|&i| LexiconId::new(i)).collect()
    }

    #[test]
    fn an_or_needs_one_of_its_sides() {
        // (0 or 1) near(3) 2: needs 2, and one of 0 and 1.
        let n = Node::Near(Box::new(Node::Or(lex(0), lex(1))), lex(2), 3);
        assert_eq!(n.needs(), ids(&[2]));
        assert_eq!(n.needs_one_of(), vec![ids(&[0, 1])]);
        // (0 and 3) or 1: a match holds 0 (and 3) or 1: one of 0, 1 is present, and
        // one of 3, 1.
        let n = Node::Or(Box::new(Node::And(lex(0), lex(3))), lex(1));
        assert!(n.needs().is_empty());
        assert_eq!(n.needs_one_of(), vec![ids(&[0, 1]), ids(&[1, 3])]);
        // (0 and 1) or (0 and 2): 0 is in every set of both sides, so `[0]` is a set,
        // and the sets holding it say nothing more.
        let n = Node::Or(
            Box::new(Node::And(lex(0), lex(1))),
            Box::new(Node::And(lex(0), lex(2))),
        );
        assert!(n.needs().is_empty());
        assert_eq!(n.needs_one_of(), vec![ids(&[0]), ids(&[1, 2])]);
        // `not 0 or 1` can match with no lexicon at all.
        let n = Node::Or(Box::new(Node::Not(lex(0))), lex(1));
        assert!(n.needs_one_of().is_empty());
        // Sets of one are `needs`, not repeated here.
        assert!(Node::And(lex(0), lex(1)).needs_one_of().is_empty());
    }
}
