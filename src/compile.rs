//! From policy sources to a compiled policy: resolve `extends`, validate everything,
//! report every problem, and build the one automaton.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, MatchKind};

use crate::builtin;
use crate::condition::{self, Expr};
use crate::error::{PolicyError, Problem, ProblemKind};
use crate::expand::expand;
use crate::normalize::{NormalizeOptions, joined_forms, term_variants, typo_variants_of};
use crate::spec::{CuePosition, ExamplesSpec, MatchMode, PolicyFile, S, Scope};
use crate::verdict::{Action, Severity};

/// Where a pack came from, used to find its parents and detect cycles.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Origin {
    Builtin(String),
    Named(String),
    File(PathBuf),
    Memory,
}

/// A parsed policy file with its text, for error locations.
pub(crate) struct Pack {
    pub(crate) origin: Origin,
    /// How errors name this pack: a path, a built-in name, or `<policy>`.
    pub(crate) display: String,
    pub(crate) src: Option<String>,
    pub(crate) file: PolicyFile,
}

impl Pack {
    fn problem(&self, p: Problem, span: std::ops::Range<usize>) -> Problem {
        let mut p = match &self.src {
            Some(src) if span.end > 0 => p.at(src, span),
            _ => p,
        };
        p.source = self.display.clone();
        p
    }
}

/// Parses TOML into a pack, or the syntax problem.
#[allow(clippy::result_large_err)]
pub(crate) fn parse_pack(origin: Origin, display: String, src: String) -> Result<Pack, Problem> {
    match toml::from_str::<PolicyFile>(&src) {
        Ok(file) => Ok(Pack {
            origin,
            display,
            src: Some(src),
            file,
        }),
        Err(e) => {
            let msg = e.message().trim().trim_end_matches('.').to_string();
            let mut p = Problem::new(ProblemKind::Syntax, "", lower_first(&msg));
            if let Some(span) = e.span() {
                p = p.at(&src, span);
            }
            p.source = display;
            Err(p)
        }
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Named sources a host registered, consulted before built-in packs.
pub(crate) type Sources = BTreeMap<String, String>;

fn resolve(
    name: &str,
    from: &Origin,
    sources: &Sources,
) -> Result<(Origin, String, String), String> {
    if let Some(src) = sources.get(name) {
        return Ok((Origin::Named(name.into()), name.into(), src.clone()));
    }
    if let Some(src) = builtin::source(name) {
        return Ok((Origin::Builtin(name.into()), name.into(), src.to_string()));
    }
    let looks_like_path = name.ends_with(".toml") || name.contains('/');
    if looks_like_path {
        let base = match from {
            Origin::File(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
            _ => PathBuf::from("."),
        };
        let path = base.join(name);
        let path = path.canonicalize().unwrap_or(path);
        return match std::fs::read_to_string(&path) {
            Ok(src) => Ok((Origin::File(path.clone()), path.display().to_string(), src)),
            Err(e) => Err(format!("cannot read `{}`: {e}", path.display())),
        };
    }
    let names: Vec<&str> = builtin::builtin_names().collect();
    Err(format!(
        "unknown policy `{name}`: built-in policies are {}; a file must end in `.toml`",
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// Loads `root` and everything it extends, parents first, each pack once. The
/// `contexts` pack always comes first.
pub(crate) fn load_tree(root: Pack, sources: &Sources, problems: &mut Vec<Problem>) -> Vec<Pack> {
    let mut out = Vec::new();
    let mut visited = HashSet::new();
    let mut stack = Vec::new();
    if root.origin != Origin::Builtin("contexts".into()) {
        if let Some(src) = builtin::source("contexts") {
            match parse_pack(
                Origin::Builtin("contexts".into()),
                "contexts".into(),
                src.into(),
            ) {
                Ok(p) => {
                    visited.insert(p.origin.clone());
                    out.push(p);
                }
                Err(p) => problems.push(p),
            }
        }
    }
    visit(root, sources, &mut stack, &mut visited, &mut out, problems);
    out
}

fn visit(
    pack: Pack,
    sources: &Sources,
    stack: &mut Vec<Origin>,
    visited: &mut HashSet<Origin>,
    out: &mut Vec<Pack>,
    problems: &mut Vec<Problem>,
) {
    visited.insert(pack.origin.clone());
    stack.push(pack.origin.clone());
    for (i, parent) in pack.file.policy.extends.iter().enumerate() {
        let path = format!("policy.extends[{i}]");
        match resolve(parent.get_ref(), &pack.origin, sources) {
            Ok((origin, display, src)) => {
                if stack.contains(&origin) {
                    let chain: Vec<String> = stack
                        .iter()
                        .map(origin_name)
                        .chain(std::iter::once(origin_name(&origin)))
                        .collect();
                    problems.push(pack.problem(
                        Problem::new(
                            ProblemKind::ExtendsCycle,
                            path,
                            format!(
                                "policies extend each other in a cycle: {}",
                                chain.join(" -> ")
                            ),
                        ),
                        parent.span(),
                    ));
                    continue;
                }
                if visited.contains(&origin) {
                    continue;
                }
                match parse_pack(origin, display, src) {
                    Ok(child) => visit(child, sources, stack, visited, out, problems),
                    Err(p) => problems.push(p),
                }
            }
            Err(msg) => problems.push(pack.problem(
                Problem::new(ProblemKind::UnknownParent, path, msg),
                parent.span(),
            )),
        }
    }
    stack.pop();
    out.push(pack);
}

fn origin_name(o: &Origin) -> String {
    match o {
        Origin::Builtin(n) | Origin::Named(n) => n.clone(),
        Origin::File(p) => p.display().to_string(),
        Origin::Memory => "<policy>".into(),
    }
}

// ---------------------------------------------------------------------------------
// The compiled form.

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
    pub(crate) terms: Vec<String>,
}

/// A condition with lexicon names resolved to ids.
#[derive(Clone, Debug)]
pub(crate) enum Node {
    Lex(u32),
    Not(Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Before(Box<Node>, Box<Node>, u32),
    Near(Box<Node>, Box<Node>, u32),
}

/// How a context is decided.
#[derive(Clone, Debug)]
pub(crate) enum ContextKind {
    /// A cue before (or after, or either side of) the words, in the same scope, within
    /// `window` words.
    Cue {
        lex: u32,
        /// Phrases that cancel a cue they contain.
        except: u32,
        scope: Scope,
        window: Option<u32>,
        position: CuePosition,
    },
    /// Inside quotation marks.
    Quoted,
    /// The sentence ends with `?`.
    Question,
}

#[derive(Clone, Debug)]
pub(crate) struct Context {
    pub(crate) name: String,
    pub(crate) kind: ContextKind,
}

#[derive(Clone, Debug)]
pub(crate) struct Rule {
    pub(crate) id: String,
    pub(crate) pack: String,
    pub(crate) category: usize,
    pub(crate) severity: Severity,
    pub(crate) when: Node,
    pub(crate) when_src: String,
    pub(crate) unless: Vec<usize>,
    pub(crate) requires: Vec<usize>,
    pub(crate) scope: Scope,
    pub(crate) description: Option<String>,
    pub(crate) examples: ExamplesSpec,
    /// The layer of a policy stack the rule belongs to (0 in a single policy).
    pub(crate) layer: usize,
    /// Lexicons the rule cannot match without (checked before any work).
    pub(crate) needs: Vec<u32>,
    /// Lexicons one of which every match contains: the windows to evaluate.
    pub(crate) anchors: Vec<u32>,
}

/// Which lexicons an automaton pattern belongs to, and how it must sit in a word.
#[derive(Clone, Debug)]
pub(crate) struct PatternUse {
    pub(crate) lex: u32,
    pub(crate) mode: MatchMode,
}

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
    pub(crate) automaton: AhoCorasick,
    pub(crate) patterns: Vec<Vec<PatternUse>>,
    pub(crate) pattern_text: Vec<String>,
    /// Per pattern: [`crate::engine::pattern_flags`].
    pub(crate) pattern_flags: Vec<u8>,
    /// A stable hash of everything that decides a verdict.
    pub(crate) fingerprint: String,
    /// The policies whose rules this holds: one, or the layers of a stack.
    pub(crate) layers: Vec<LayerMeta>,
}

/// Who decides for the rules of one layer.
#[derive(Clone, Debug)]
pub(crate) struct LayerMeta {
    pub(crate) id: String,
    pub(crate) version: String,
    pub(crate) fingerprint: String,
}

fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// Collects patterns for the one automaton.
#[derive(Default)]
struct PatternSet {
    index: HashMap<String, usize>,
    text: Vec<String>,
    uses: Vec<Vec<PatternUse>>,
}

impl PatternSet {
    fn flags(&self) -> Vec<u8> {
        self.text
            .iter()
            .zip(&self.uses)
            .map(|(t, u)| crate::engine::pattern_flags(t, u))
            .collect()
    }

    fn add(&mut self, folded: String, lex: u32, mode: MatchMode) {
        let i = match self.index.get(&folded) {
            Some(&i) => i,
            None => {
                let i = self.text.len();
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

/// How a lexicon's terms match.
#[derive(Clone, Copy, Debug)]
struct TermOptions {
    mode: MatchMode,
    fuzzy: u8,
    joined: bool,
    /// Whether the evasion variants of each term (stretched, masked, leetspeak
    /// readings) are compiled too; off for context cues, which are function words.
    variants: bool,
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
    fn exact() -> Self {
        TermOptions {
            variants: false,
            ..TermOptions::default()
        }
    }
}

/// A term folded exactly as text is folded (the first of its variants), without
/// computing the others.
fn canonical(term: &str, opts: &NormalizeOptions) -> String {
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

struct Builder<'a> {
    packs: &'a [Pack],
    problems: Vec<Problem>,
    opts: NormalizeOptions,
    lexicons: Vec<Lexicon>,
    lex_index: HashMap<String, u32>,
    patterns: PatternSet,
    /// Folded words never read as typos (`[typos] exclude` of every pack).
    typo_exclude: HashSet<String>,
}

impl Builder<'_> {
    fn report(&mut self, pack: usize, p: Problem, span: std::ops::Range<usize>) {
        let p = match self.packs.get(pack) {
            Some(pk) => pk.problem(p, span),
            None => p,
        };
        self.problems.push(p);
    }

    /// Expands and folds `terms` into lexicon `lex`, leaving out the folded terms in
    /// `removed` (and marking those it met).
    fn add_terms(
        &mut self,
        pack: usize,
        lex: u32,
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
                if let Some(l) = self.lexicons.get_mut(lex as usize) {
                    l.terms.push(t);
                }
            }
        }
    }

    fn new_lexicon(&mut self, name: String, mode: MatchMode) -> u32 {
        let id = self.lexicons.len() as u32;
        self.lex_index.insert(name.clone(), id);
        self.lexicons.push(Lexicon {
            name,
            mode,
            terms: Vec::new(),
        });
        id
    }

    /// Resolves a parsed condition; `base` is the byte offset of the condition string in
    /// the pack source, for error locations.
    fn resolve_expr(&mut self, pack: usize, path: &str, e: &Expr, base: usize) -> Option<Node> {
        Some(match e {
            Expr::Lexicon(name, span) => match self.lex_index.get(name.as_str()) {
                Some(&id) if !name.starts_with('"') => Node::Lex(id),
                _ => {
                    let mut msg = format!("unknown lexicon `{name}`");
                    if let Some(s) = self.suggest(name) {
                        msg.push_str(&format!(" (did you mean `{s}`?)"));
                    }
                    self.report(
                        pack,
                        Problem::new(ProblemKind::UnknownLexicon, path, msg),
                        base + span.start..base + span.end,
                    );
                    return None;
                }
            },
            Expr::Phrase(text, span) => {
                let key = format!("\"{text}\"");
                let id = match self.lex_index.get(&key) {
                    Some(&id) => id,
                    None => {
                        let id = self.new_lexicon(key, MatchMode::Word);
                        let term = S::new(base + span.start..base + span.end, text.clone());
                        self.add_terms(
                            pack,
                            id,
                            path,
                            std::slice::from_ref(&term),
                            TermOptions::default(),
                            &mut [],
                        );
                        id
                    }
                };
                Node::Lex(id)
            }
            Expr::Not(a, _) => Node::Not(Box::new(self.resolve_expr(pack, path, a, base)?)),
            Expr::And(a, b) => {
                let a = self.resolve_expr(pack, path, a, base);
                let b = self.resolve_expr(pack, path, b, base);
                Node::And(Box::new(a?), Box::new(b?))
            }
            Expr::Or(a, b) => {
                let a = self.resolve_expr(pack, path, a, base);
                let b = self.resolve_expr(pack, path, b, base);
                Node::Or(Box::new(a?), Box::new(b?))
            }
            Expr::Before(a, b, n) => {
                let a = self.resolve_expr(pack, path, a, base);
                let b = self.resolve_expr(pack, path, b, base);
                Node::Before(Box::new(a?), Box::new(b?), *n)
            }
            Expr::Near(a, b, n) => {
                let a = self.resolve_expr(pack, path, a, base);
                let b = self.resolve_expr(pack, path, b, base);
                Node::Near(Box::new(a?), Box::new(b?), *n)
            }
        })
    }

    fn suggest(&self, name: &str) -> Option<String> {
        self.lex_index
            .keys()
            .filter(|k| !k.starts_with('"') && !k.starts_with('@'))
            .map(|k| (edit_distance(k, name), k))
            .filter(|(d, _)| *d <= 2)
            .min()
            .map(|(_, k)| k.clone())
    }
}

/// Levenshtein distance, for "did you mean" hints on short names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// The byte offset where a TOML string's content starts, given the span of the value
/// (which includes the opening quote or quotes).
fn string_content_start(src: Option<&str>, span: &std::ops::Range<usize>) -> usize {
    let Some(src) = src else { return 0 };
    let rest = src.get(span.start..).unwrap_or("");
    let quote = if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
        3 + usize::from(rest.get(3..).is_some_and(|r| r.starts_with('\n')))
    } else if rest.starts_with('"') || rest.starts_with('\'') {
        1
    } else {
        0
    };
    span.start + quote
}

/// A lexicon whose terms are compiled once every override is known.
struct PendingLexicon<'a> {
    pack: usize,
    name: String,
    id: u32,
    spec: &'a crate::spec::LexiconSpec,
    added: Vec<(usize, S<String>)>,
    removed: Vec<(usize, S<String>)>,
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

/// Compiles loaded packs (parents first, root last) into a policy.
/// The folded words of every pack's `[typos] exclude`, reporting terms that are not
/// one word.
fn typo_exclusions(b: &mut Builder<'_>) -> HashSet<String> {
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

pub(crate) fn compile(packs: &[Pack], mut problems: Vec<Problem>) -> Result<Compiled, PolicyError> {
    let Some(root) = packs.last() else {
        return Err(PolicyError { problems });
    };
    let opts = packs
        .iter()
        .rev()
        .find_map(|p| p.file.policy.normalize.clone())
        .unwrap_or_default();
    let mut b = Builder {
        packs,
        problems: Vec::new(),
        opts,
        lexicons: Vec::new(),
        lex_index: HashMap::new(),
        patterns: PatternSet::default(),
        typo_exclude: HashSet::new(),
    };
    b.typo_exclude = typo_exclusions(&mut b);

    // Ids and categories.
    let mut categories: Vec<Category> = Vec::new();
    let mut cat_index: HashMap<String, usize> = HashMap::new();
    let mut cat_owner: HashMap<String, String> = HashMap::new();
    for (pi, pack) in packs.iter().enumerate() {
        let id = &pack.file.policy.id;
        if !valid_id(id.get_ref()) {
            b.report(
                pi,
                Problem::new(
                    ProblemKind::InvalidValue,
                    "policy.id",
                    format!(
                        "`{}` is not a valid id: use letters, digits, `.`, `_` and `-`",
                        id.get_ref()
                    ),
                ),
                id.span(),
            );
        }
        for (cid, cat) in &pack.file.categories {
            let path = format!("categories.{cid}");
            if !valid_id(cid) {
                b.report(
                    pi,
                    Problem::new(
                        ProblemKind::InvalidValue,
                        path.clone(),
                        format!("`{cid}` is not a valid category id"),
                    ),
                    cat.span(),
                );
            }
            if let Some(owner) = cat_owner.get(cid) {
                b.report(
                    pi,
                    Problem::new(
                        ProblemKind::DuplicateId,
                        path,
                        format!("category `{cid}` is already defined by `{owner}`"),
                    ),
                    cat.span(),
                );
                continue;
            }
            let c = cat.get_ref();
            if let Some(d) = &c.dsa_category {
                if !d.get_ref().starts_with("STATEMENT_CATEGORY_") {
                    b.report(
                        pi,
                        Problem::new(
                            ProblemKind::InvalidValue,
                            format!("{path}.dsa_category"),
                            format!("`{}` is not a DSA statement category: they start with `STATEMENT_CATEGORY_`", d.get_ref()),
                        ),
                        d.span(),
                    );
                }
            }
            for k in &c.dsa_keywords {
                if !k.get_ref().starts_with("KEYWORD_") {
                    b.report(
                        pi,
                        Problem::new(
                            ProblemKind::InvalidValue,
                            format!("{path}.dsa_keywords"),
                            format!(
                                "`{}` is not a DSA keyword: they start with `KEYWORD_`",
                                k.get_ref()
                            ),
                        ),
                        k.span(),
                    );
                }
            }
            cat_owner.insert(cid.clone(), pack.display.clone());
            cat_index.insert(cid.clone(), categories.len());
            categories.push(Category {
                id: cid.clone(),
                title: c.title.clone(),
                description: c.description.clone(),
                tos_ref: c.tos_ref.clone(),
                severity: c.severity,
                action: c.action.unwrap_or_else(|| c.severity.default_action()),
                dsa_category: c.dsa_category.as_ref().map(|d| d.get_ref().clone()),
                dsa_keywords: c.dsa_keywords.iter().map(|k| k.get_ref().clone()).collect(),
            });
        }
    }

    for (pi, pack) in packs.iter().enumerate() {
        for (cid, ov) in &pack.file.overrides.categories {
            let o = ov.get_ref();
            match cat_index.get(cid).and_then(|&i| categories.get_mut(i)) {
                Some(c) => {
                    if let Some(sev) = o.severity {
                        c.severity = sev;
                        if o.action.is_none() {
                            c.action = sev.default_action();
                        }
                    }
                    if let Some(a) = o.action {
                        c.action = a;
                    }
                    if let Some(t) = &o.tos_ref {
                        c.tos_ref = Some(t.clone());
                    }
                    if let Some(t) = &o.title {
                        c.title = Some(t.clone());
                    }
                }
                None => b.report(
                    pi,
                    Problem::new(
                        ProblemKind::UnknownOverride,
                        format!("override.categories.{cid}"),
                        format!("no category `{cid}` to override"),
                    ),
                    ov.span(),
                ),
            }
        }
    }

    // Lexicons: ids first (rules need them), terms once overrides are known.
    let mut lex_owner: HashMap<String, String> = HashMap::new();
    let mut pending: Vec<PendingLexicon<'_>> = Vec::new();
    for (pi, pack) in packs.iter().enumerate() {
        for (name, lex) in &pack.file.lexicons {
            let path = format!("lexicons.{name}");
            if !valid_id(name) {
                b.report(
                    pi,
                    Problem::new(
                        ProblemKind::InvalidValue,
                        path.clone(),
                        format!("`{name}` is not a valid lexicon name: use letters, digits, `.`, `_` and `-`"),
                    ),
                    lex.span(),
                );
                continue;
            }
            if matches!(
                name.to_ascii_lowercase().as_str(),
                "and" | "or" | "not" | "before" | "near"
            ) {
                b.report(
                    pi,
                    Problem::new(
                        ProblemKind::InvalidValue,
                        path.clone(),
                        format!("`{name}` is a keyword of conditions"),
                    ),
                    lex.span(),
                );
                continue;
            }
            if let Some(owner) = lex_owner.get(name) {
                b.report(
                    pi,
                    Problem::new(
                        ProblemKind::DuplicateId,
                        path,
                        format!("lexicon `{name}` is already defined by `{owner}`"),
                    ),
                    lex.span(),
                );
                continue;
            }
            lex_owner.insert(name.clone(), pack.display.clone());
            let l = lex.get_ref();
            if l.fuzzy > 1 {
                b.report(
                    pi,
                    Problem::new(
                        ProblemKind::InvalidValue,
                        format!("{path}.fuzzy"),
                        format!("fuzzy = {} is not supported: use 0 or 1", l.fuzzy),
                    ),
                    lex.span(),
                );
            }
            let id = b.new_lexicon(name.clone(), l.mode);
            pending.push(PendingLexicon {
                pack: pi,
                name: name.clone(),
                id,
                spec: l,
                added: Vec::new(),
                removed: Vec::new(),
            });
        }
    }
    for (pi, pack) in packs.iter().enumerate() {
        for (name, ov) in &pack.file.overrides.lexicons {
            let path = format!("override.lexicons.{name}");
            match pending.iter_mut().find(|p| &p.name == name) {
                Some(p) => {
                    let o = ov.get_ref();
                    p.added.extend(o.add.iter().map(|t| (pi, t.clone())));
                    p.removed.extend(o.remove.iter().map(|t| (pi, t.clone())));
                }
                None => b.report(
                    pi,
                    Problem::new(
                        ProblemKind::UnknownOverride,
                        path,
                        format!("no lexicon `{name}` to override"),
                    ),
                    ov.span(),
                ),
            }
        }
    }
    for p in &pending {
        let how = TermOptions {
            mode: p.spec.mode,
            fuzzy: p.spec.fuzzy.min(1),
            joined: p.spec.joined,
            variants: true,
        };
        // Folded forms of the removed terms, each with where it was written.
        let mut removed: Vec<(String, bool)> = Vec::new();
        let mut removed_at: Vec<(usize, S<String>)> = Vec::new();
        for (pi, t) in &p.removed {
            for e in expand(t.get_ref()).unwrap_or_else(|_| vec![t.get_ref().clone()]) {
                if let Some(f) = term_variants(&e, &b.opts, 0).into_iter().next() {
                    removed.push((f, false));
                    removed_at.push((*pi, t.clone()));
                }
            }
        }
        b.add_terms(
            p.pack,
            p.id,
            &format!("lexicons.{}.terms", p.name),
            &p.spec.terms,
            how,
            &mut removed,
        );
        for (pi, t) in &p.added {
            b.add_terms(
                *pi,
                p.id,
                &format!("override.lexicons.{}.add", p.name),
                std::slice::from_ref(t),
                how,
                &mut [],
            );
        }
        for ((folded, used), (pi, t)) in removed.iter().zip(&removed_at) {
            if !used {
                b.report(
                    *pi,
                    Problem::new(
                        ProblemKind::UnknownOverride,
                        format!("override.lexicons.{}.remove", p.name),
                        format!("lexicon `{}` has no term `{folded}` to remove", p.name),
                    ),
                    t.span(),
                );
            }
        }
    }

    // Contexts: built-in structural ones, then cue-based ones merged across packs.
    let mut contexts = vec![
        Context {
            name: "quoted".into(),
            kind: ContextKind::Quoted,
        },
        Context {
            name: "question".into(),
            kind: ContextKind::Question,
        },
    ];
    let mut ctx_index: HashMap<String, usize> = contexts
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.clone(), i))
        .collect();
    for (pi, pack) in packs.iter().enumerate() {
        for (name, ctx) in &pack.file.contexts {
            let path = format!("contexts.{name}");
            let c = ctx.get_ref();
            if matches!(name.as_str(), "quoted" | "question") {
                b.report(
                    pi,
                    Problem::new(
                        ProblemKind::InvalidValue,
                        path,
                        format!("`{name}` is built in and takes no cues"),
                    ),
                    ctx.span(),
                );
                continue;
            }
            if !valid_id(name) {
                b.report(
                    pi,
                    Problem::new(
                        ProblemKind::InvalidValue,
                        path,
                        format!("`{name}` is not a valid context name"),
                    ),
                    ctx.span(),
                );
                continue;
            }
            if let Some(w) = &c.window {
                if *w.get_ref() == 0 {
                    b.report(
                        pi,
                        Problem::new(
                            ProblemKind::ZeroProximity,
                            format!("{path}.window"),
                            "a window must be at least 1 word",
                        ),
                        w.span(),
                    );
                }
            }
            let lex_name = format!("@{name}");
            let (ci, lex, except) = match ctx_index.get(name) {
                Some(&ci) => match contexts.get(ci).map(|c| &c.kind) {
                    Some(ContextKind::Cue { lex, except, .. }) => (ci, *lex, *except),
                    _ => continue,
                },
                None => {
                    let lex = b.new_lexicon(lex_name, MatchMode::Word);
                    let except = b.new_lexicon(format!("@{name}.except"), MatchMode::Word);
                    contexts.push(Context {
                        name: name.clone(),
                        kind: ContextKind::Cue {
                            lex,
                            except,
                            scope: Scope::Sentence,
                            window: None,
                            position: CuePosition::Before,
                        },
                    });
                    ctx_index.insert(name.clone(), contexts.len() - 1);
                    (contexts.len() - 1, lex, except)
                }
            };
            if let Some(ContextKind::Cue {
                scope,
                window,
                position,
                ..
            }) = contexts.get_mut(ci).map(|c| &mut c.kind)
            {
                if let Some(s) = c.scope {
                    *scope = s;
                }
                if let Some(p) = c.position {
                    *position = p;
                }
                if let Some(w) = &c.window {
                    *window = Some(*w.get_ref());
                }
            }
            b.add_terms(
                pi,
                lex,
                &format!("{path}.cues"),
                &c.cues,
                TermOptions::exact(),
                &mut [],
            );
            b.add_terms(
                pi,
                except,
                &format!("{path}.except"),
                &c.except,
                TermOptions::exact(),
                &mut [],
            );
        }
    }

    // Rules.
    let mut rules: Vec<Rule> = Vec::new();
    let mut rule_owner: HashMap<String, String> = HashMap::new();
    for (pi, pack) in packs.iter().enumerate() {
        for (ri, rule) in pack.file.rules.iter().enumerate() {
            let r = rule.get_ref();
            let rid = r.id.get_ref();
            let path = if rid.is_empty() {
                format!("rules[{ri}]")
            } else {
                format!("rules[{rid}]")
            };
            let mut ok = true;
            if !valid_id(rid) {
                b.report(
                    pi,
                    Problem::new(
                        ProblemKind::InvalidValue,
                        format!("{path}.id"),
                        format!(
                            "`{rid}` is not a valid rule id: use letters, digits, `.`, `_` and `-`"
                        ),
                    ),
                    r.id.span(),
                );
                ok = false;
            } else if let Some(owner) = rule_owner.get(rid) {
                b.report(
                    pi,
                    Problem::new(
                        ProblemKind::DuplicateId,
                        format!("{path}.id"),
                        format!("rule `{rid}` is already defined by `{owner}`"),
                    ),
                    r.id.span(),
                );
                ok = false;
            } else {
                rule_owner.insert(rid.clone(), pack.display.clone());
            }
            let category = cat_index.get(r.category.get_ref()).copied();
            if category.is_none() {
                b.report(
                    pi,
                    Problem::new(
                        ProblemKind::UnknownCategory,
                        format!("{path}.category"),
                        format!("unknown category `{}`", r.category.get_ref()),
                    ),
                    r.category.span(),
                );
            }
            let base = string_content_start(pack.src.as_deref(), &r.when.span());
            let wpath = format!("{path}.when");
            let when = match condition::parse(r.when.get_ref()) {
                Ok(e) => b.resolve_expr(pi, &wpath, &e, base),
                Err(errs) => {
                    for e in errs {
                        b.report(
                            pi,
                            Problem::new(e.kind, wpath.clone(), e.message),
                            base + e.span.start..base + e.span.end,
                        );
                    }
                    None
                }
            };
            let ctx_ids = |list: &[S<String>], field: &str, b: &mut Builder<'_>| -> Vec<usize> {
                let mut out = Vec::new();
                for (i, name) in list.iter().enumerate() {
                    match ctx_index.get(name.get_ref()) {
                        Some(&ci) => out.push(ci),
                        None => {
                            let mut known: Vec<&str> =
                                ctx_index.keys().map(String::as_str).collect();
                            known.sort_unstable();
                            b.report(
                                pi,
                                Problem::new(
                                    ProblemKind::UnknownContext,
                                    format!("{path}.{field}[{i}]"),
                                    format!(
                                        "unknown context `{}`: contexts are {}",
                                        name.get_ref(),
                                        known
                                            .iter()
                                            .map(|k| format!("`{k}`"))
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    ),
                                ),
                                name.span(),
                            );
                        }
                    }
                }
                out
            };
            let unless = ctx_ids(&r.unless, "unless", &mut b);
            let requires = ctx_ids(&r.requires, "requires", &mut b);
            if let (true, Some(category), Some(when)) = (ok, category, when) {
                let severity = r
                    .severity
                    .or_else(|| categories.get(category).map(|c| c.severity))
                    .unwrap_or(Severity::Medium);
                let (needs, anchors) = (crate::engine::needs(&when), crate::engine::anchors(&when));
                rules.push(Rule {
                    id: rid.clone(),
                    pack: pack.file.policy.id.get_ref().clone(),
                    category,
                    severity,
                    when,
                    when_src: r.when.get_ref().clone(),
                    unless,
                    requires,
                    scope: r.scope,
                    description: r.description.clone(),
                    examples: r.examples.clone(),
                    needs,
                    anchors,
                    layer: 0,
                });
            }
        }
    }

    let mut disabled: HashSet<String> = HashSet::new();
    for (pi, pack) in packs.iter().enumerate() {
        for (rid, ov) in &pack.file.overrides.rules {
            let o = ov.get_ref();
            match rules.iter_mut().find(|r| &r.id == rid) {
                Some(r) => {
                    if let Some(sev) = o.severity {
                        r.severity = sev;
                    }
                    if o.enabled == Some(false) {
                        disabled.insert(rid.clone());
                    } else {
                        disabled.remove(rid);
                    }
                }
                None if rule_owner.contains_key(rid) => {}
                None => b.report(
                    pi,
                    Problem::new(
                        ProblemKind::UnknownOverride,
                        format!("override.rules.{rid}"),
                        format!("no rule `{rid}` to override"),
                    ),
                    ov.span(),
                ),
            }
        }
    }
    rules.retain(|r| !disabled.contains(&r.id));

    problems.append(&mut b.problems);
    let automaton = build_automaton(&b.patterns.text);
    let automaton = match automaton {
        Ok(a) => a,
        Err(e) => {
            problems.push(Problem::new(
                ProblemKind::InvalidValue,
                "lexicons",
                format!("the terms do not fit in one automaton: {e}"),
            ));
            return Err(PolicyError { problems });
        }
    };
    if !problems.is_empty() {
        return Err(PolicyError { problems });
    }
    let meta = &root.file.policy;
    let mut c = Compiled {
        id: meta.id.get_ref().clone(),
        version: meta.version.clone().unwrap_or_default(),
        title: meta.title.clone(),
        description: meta.description.clone(),
        normalize: b.opts,
        categories,
        lexicons: b.lexicons,
        contexts,
        rules,
        automaton,
        pattern_flags: b.patterns.flags(),
        patterns: b.patterns.uses,
        pattern_text: b.patterns.text,
        fingerprint: String::new(),
        layers: Vec::new(),
    };
    c.fingerprint = fingerprint(&c);
    c.layers = vec![LayerMeta {
        id: c.id.clone(),
        version: c.version.clone(),
        fingerprint: c.fingerprint.clone(),
    }];
    Ok(c)
}

fn remap(node: &Node, lex: u32) -> Node {
    match node {
        Node::Lex(id) => Node::Lex(id + lex),
        Node::Not(a) => Node::Not(Box::new(remap(a, lex))),
        Node::And(a, b) => Node::And(Box::new(remap(a, lex)), Box::new(remap(b, lex))),
        Node::Or(a, b) => Node::Or(Box::new(remap(a, lex)), Box::new(remap(b, lex))),
        Node::Before(a, b, n) => Node::Before(Box::new(remap(a, lex)), Box::new(remap(b, lex)), *n),
        Node::Near(a, b, n) => Node::Near(Box::new(remap(a, lex)), Box::new(remap(b, lex)), *n),
    }
}

/// Merges compiled policies that share normalization options into one, with one
/// automaton: a stack's layers are classified with one normalization and one scan.
/// Returns `None` when the layers fold text differently.
pub(crate) fn merge_layers(layers: &[&Compiled]) -> Option<Compiled> {
    let first = layers.first()?;
    if layers.iter().any(|l| l.normalize != first.normalize) {
        return None;
    }
    let mut lexicons = Vec::new();
    let mut categories = Vec::new();
    let mut contexts = Vec::new();
    let mut rules = Vec::new();
    let mut patterns = PatternSet::default();
    let mut metas = Vec::new();
    for (li, layer) in layers.iter().enumerate() {
        let (lex0, cat0, ctx0) = (lexicons.len() as u32, categories.len(), contexts.len());
        lexicons.extend(layer.lexicons.iter().cloned());
        categories.extend(layer.categories.iter().cloned());
        contexts.extend(layer.contexts.iter().map(|c| Context {
            name: c.name.clone(),
            kind: match &c.kind {
                ContextKind::Cue {
                    lex,
                    except,
                    scope,
                    window,
                    position,
                } => ContextKind::Cue {
                    lex: lex + lex0,
                    except: except + lex0,
                    scope: *scope,
                    window: *window,
                    position: *position,
                },
                other => other.clone(),
            },
        }));
        for (text, uses) in layer.pattern_text.iter().zip(&layer.patterns) {
            for u in uses {
                patterns.add(text.clone(), u.lex + lex0, u.mode);
            }
        }
        for r in &layer.rules {
            let mut r = r.clone();
            r.when = remap(&r.when, lex0);
            r.category += cat0;
            r.unless.iter_mut().for_each(|c| *c += ctx0);
            r.requires.iter_mut().for_each(|c| *c += ctx0);
            r.needs.iter_mut().for_each(|l| *l += lex0);
            r.anchors.iter_mut().for_each(|l| *l += lex0);
            r.layer = li;
            rules.push(r);
        }
        metas.extend(layer.layers.first().cloned());
    }
    let automaton = build_automaton(&patterns.text).ok()?;
    Some(Compiled {
        id: metas
            .iter()
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>()
            .join("+"),
        version: String::new(),
        title: None,
        description: None,
        normalize: first.normalize.clone(),
        categories,
        lexicons,
        contexts,
        rules,
        automaton,
        pattern_flags: patterns.flags(),
        patterns: patterns.uses,
        pattern_text: patterns.text,
        fingerprint: metas
            .iter()
            .map(|m| m.fingerprint.as_str())
            .collect::<Vec<_>>()
            .join("+"),
        layers: metas,
    })
}

/// FNV-1a, 128 bits: small, stable across platforms and Rust versions.
struct Fnv(u128);

impl Fnv {
    fn bytes(&mut self, b: &[u8]) {
        for &x in b {
            self.0 ^= u128::from(x);
            self.0 = self
                .0
                .wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013B);
        }
    }

    /// A length-prefixed string, so that fields cannot run into each other.
    fn str(&mut self, s: &str) {
        self.bytes(&(s.len() as u64).to_le_bytes());
        self.bytes(s.as_bytes());
    }
}

/// The fingerprint of a compiled policy: a hash of a canonical form of its
/// categories, lexicons (folded patterns and how they match), contexts, rules and
/// normalization options. Equal policies hash equal on every machine; any change to
/// a rule, a term or a category changes it.
fn fingerprint(c: &Compiled) -> String {
    let mut h = Fnv(0x6c62_272e_07bb_0142_62b8_2175_6295_c58d);
    h.str("tosguard-fingerprint-v1");
    h.str(&c.id);
    h.str(&c.version);
    let n = &c.normalize;
    h.str(&format!(
        "{}{}{}{}{}",
        n.confusables, n.invisible, n.leetspeak, n.separated_letters, n.repeated_letters
    ));
    let mut cats: Vec<&Category> = c.categories.iter().collect();
    cats.sort_by(|a, b| a.id.cmp(&b.id));
    for cat in cats {
        h.str(&cat.id);
        h.str(cat.severity.as_str());
        h.str(cat.action.as_str());
        h.str(cat.tos_ref.as_deref().unwrap_or(""));
        h.str(cat.dsa_category.as_deref().unwrap_or(""));
        for k in &cat.dsa_keywords {
            h.str(k);
        }
    }
    let lex_name = |i: u32| {
        c.lexicons
            .get(i as usize)
            .map(|l| l.name.as_str())
            .unwrap_or("")
    };
    let mut patterns: Vec<(&str, Vec<(String, &str)>)> = c
        .pattern_text
        .iter()
        .zip(&c.patterns)
        .map(|(t, uses)| {
            let mut u: Vec<(String, &str)> = uses
                .iter()
                .map(|u| {
                    let mode = match u.mode {
                        MatchMode::Word => "word",
                        MatchMode::Prefix => "prefix",
                        MatchMode::Infix => "infix",
                    };
                    (lex_name(u.lex).to_string(), mode)
                })
                .collect();
            u.sort();
            (t.as_str(), u)
        })
        .collect();
    patterns.sort();
    for (t, uses) in patterns {
        h.str(t);
        for (l, m) in uses {
            h.str(&l);
            h.str(m);
        }
    }
    for ctx in &c.contexts {
        h.str(&ctx.name);
        match &ctx.kind {
            ContextKind::Quoted => h.str("quoted"),
            ContextKind::Question => h.str("question"),
            ContextKind::Cue {
                lex,
                except,
                scope,
                window,
                position,
            } => {
                h.str(lex_name(*lex));
                h.str(lex_name(*except));
                // The default position hashes as before it existed.
                match position {
                    CuePosition::Before => h.str(&format!("{scope:?}{window:?}")),
                    _ => h.str(&format!("{scope:?}{window:?}{position:?}")),
                }
            }
        }
    }
    for r in &c.rules {
        h.str(&r.id);
        h.str(
            c.categories
                .get(r.category)
                .map(|c| c.id.as_str())
                .unwrap_or(""),
        );
        h.str(r.severity.as_str());
        h.str(&r.when_src);
        h.str(&format!("{:?}", r.scope));
        for &u in &r.unless {
            h.str("unless");
            h.str(c.contexts.get(u).map(|c| c.name.as_str()).unwrap_or(""));
        }
        for &u in &r.requires {
            h.str("requires");
            h.str(c.contexts.get(u).map(|c| c.name.as_str()).unwrap_or(""));
        }
    }
    format!("fnv1a128:{:032x}", h.0)
}

#[cfg(test)]
mod tests {
    use super::Fnv;

    #[test]
    fn fnv1a_128_reference_values() {
        // Published FNV-1a 128-bit test vectors: the hash must never depend on the
        // platform or the Rust version.
        let basis = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
        let mut h = Fnv(basis);
        h.bytes(b"");
        assert_eq!(h.0, basis);
        let mut h = Fnv(basis);
        h.bytes(b"a");
        assert_eq!(h.0, 0xd228_cb69_6f1a_8caf_7891_2b70_4e4a_8964);
    }
}
