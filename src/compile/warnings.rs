//! The last phase: what compiles but is probably a mistake. A warning never stops a
//! policy from compiling; [`crate::Policy::warnings`] lists them, as problems with
//! the same file, line and column as errors.
//!
//! Only the packs a host wrote are checked, not the built-in packs they extend.

use std::collections::{HashMap, HashSet};

use aho_corasick::AhoCorasick;

use super::Builder;
use super::categories::Categories;
use crate::compiled::{LexiconId, Texts};
use crate::error::{Problem, ProblemKind};
use crate::source::Origin;
use crate::spec::MatchMode;
use crate::verdict::Action;

/// Where a term of a lexicon was written, and what it folds to.
pub(super) struct TermSite {
    pub(super) lex: LexiconId,
    pub(super) pack: usize,
    pub(super) path: String,
    pub(super) span: std::ops::Range<usize>,
    pub(super) text: String,
    pub(super) folded: String,
}

impl Builder<'_> {
    /// Whether warnings are given for pack `pack`: one a host wrote, not built in.
    pub(super) fn checked(&self, pack: usize) -> bool {
        self.packs
            .get(pack)
            .is_some_and(|p| !matches!(p.origin, Origin::Builtin(_)))
    }

    /// Records a warning at bytes `span` of pack `pack`'s source.
    pub(super) fn warn(&mut self, pack: usize, p: Problem, span: std::ops::Range<usize>) {
        if !self.checked(pack) {
            return;
        }
        let p = match self.packs.get(pack) {
            Some(pk) => pk.problem(p, span),
            None => p,
        };
        self.warnings.push(p);
    }
}

/// The lexicons whose terms are compared for shadowing: those a host's pack defines or
/// overrides. A built-in lexicon no host touches is never warned about, so its terms
/// (most of a policy's) are not recorded at all.
pub(super) fn compared(b: &Builder<'_>) -> HashSet<String> {
    b.packs
        .iter()
        .enumerate()
        .filter(|(i, _)| b.checked(*i))
        .flat_map(|(_, p)| {
            p.file
                .lexicons
                .keys()
                .chain(p.file.overrides.lexicons.keys())
        })
        .cloned()
        .collect()
}

/// Every warning about categories, lexicons and terms.
pub(super) fn check(b: &mut Builder<'_>, cats: &Categories) {
    removals_without_statement(b, cats);
    empty_lexicons(b);
    shadowed_terms(b);
    // In reading order: by pack, then line and column.
    b.warnings.sort_by_key(|w| {
        let at = w.location().map(|l| (l.line, l.column));
        let pack = b.packs.iter().position(|p| p.display == w.source());
        (pack, at)
    });
}

/// Categories that remove content and name no `dsa_category`, where a host's pack
/// defines them or makes them remove (an override to `action = "remove"`).
fn removals_without_statement(b: &mut Builder<'_>, cats: &Categories) {
    let packs = b.packs;
    let lacks = |cid: &str| {
        cats.index
            .get(cid)
            .and_then(|&i| cats.get(i))
            .is_some_and(|c| c.action == Action::Remove && c.dsa_category.is_none())
    };
    let message = |cid: &str| {
        format!(
            "category `{cid}` removes content but names no `dsa_category`: \
             no statement of reasons can be given for what it removes"
        )
    };
    for (pi, pack) in packs.iter().enumerate() {
        for (cid, cat) in &pack.file.categories {
            if lacks(cid) {
                let p = Problem::new(
                    ProblemKind::NoStatementCategory,
                    format!("categories.{cid}"),
                    message(cid),
                );
                b.warn(pi, p, cat.span());
            }
        }
        for (cid, ov) in &pack.file.overrides.categories {
            let made_to_remove = ov.get_ref().action == Some(Action::Remove);
            if made_to_remove && !pack.file.categories.contains_key(cid) && lacks(cid) {
                let p = Problem::new(
                    ProblemKind::NoStatementCategory,
                    format!("override.categories.{cid}"),
                    message(cid),
                );
                b.warn(pi, p, ov.span());
            }
        }
    }
}

/// Named lexicons without a single term.
fn empty_lexicons(b: &mut Builder<'_>) {
    let packs = b.packs;
    for (pi, pack) in packs.iter().enumerate() {
        for (name, lex) in &pack.file.lexicons {
            let empty = b
                .lex_index
                .get(name)
                .and_then(|&id| b.terms.get(id.index()))
                .is_some_and(Texts::is_empty);
            if empty {
                let message =
                    format!("lexicon `{name}` has no terms: a rule that needs it never fires");
                b.warn(
                    pi,
                    Problem::new(
                        ProblemKind::EmptyLexicon,
                        format!("lexicons.{name}"),
                        message,
                    ),
                    lex.span(),
                );
            }
        }
    }
}

/// Terms that add nothing to their lexicon: the same as another once folded, or, in a
/// `prefix` (`infix`) lexicon, starting with (containing) another term.
fn shadowed_terms(b: &mut Builder<'_>) {
    let sites = std::mem::take(&mut b.sites);
    let mut by_lex: HashMap<LexiconId, Vec<&TermSite>> = HashMap::new();
    for s in &sites {
        by_lex.entry(s.lex).or_default().push(s);
    }
    let mut lexicons: Vec<_> = by_lex.into_iter().collect();
    lexicons.sort_unstable_by_key(|(id, _)| *id);
    for (id, terms) in lexicons {
        if !terms.iter().any(|t| b.checked(t.pack)) {
            continue;
        }
        let mode = b
            .lexicons
            .get(id.index())
            .map_or(MatchMode::Word, |l| l.mode);
        for (shadowed, by) in shadows(&terms, mode) {
            let (Some(s), Some(by)) = (terms.get(shadowed), terms.get(by)) else {
                continue;
            };
            let how = if s.folded == by.folded {
                "is the same as"
            } else if mode == MatchMode::Prefix {
                "starts with the prefix"
            } else {
                "contains the infix"
            };
            let message = format!(
                "`{}` adds nothing to the lexicon: it {how} `{}`",
                s.text, by.text
            );
            b.warn(
                s.pack,
                Problem::new(ProblemKind::ShadowedTerm, s.path.clone(), message),
                s.span.clone(),
            );
        }
    }
    b.sites = sites;
}

/// Pairs `(shadowed, by)` of indices into `terms`.
fn shadows(terms: &[&TermSite], mode: MatchMode) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    // The same folded form: the later term adds nothing.
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, t) in terms.iter().enumerate() {
        match first.get(t.folded.as_str()) {
            Some(&j) => out.push((i, j)),
            None => {
                first.insert(&t.folded, i);
            }
        }
    }
    let distinct: Vec<usize> = {
        let mut d: Vec<usize> = first.values().copied().collect();
        d.sort_unstable();
        d
    };
    match mode {
        MatchMode::Word => {}
        MatchMode::Prefix => {
            // In sorted order, the terms that are prefixes of a term come before it.
            let mut sorted = distinct.clone();
            sorted.sort_unstable_by(|&a, &b| folded(terms, a).cmp(folded(terms, b)));
            let mut stack: Vec<usize> = Vec::new();
            for i in sorted {
                let f = folded(terms, i);
                while stack
                    .last()
                    .is_some_and(|&p| !f.starts_with(folded(terms, p)))
                {
                    stack.pop();
                }
                match stack.first() {
                    Some(&p) => out.push((i, p)),
                    None => stack.push(i),
                }
            }
        }
        MatchMode::Infix => {
            let patterns: Vec<&str> = distinct.iter().map(|&i| folded(terms, i)).collect();
            if let Ok(ac) = AhoCorasick::new(&patterns) {
                for (k, &i) in distinct.iter().enumerate() {
                    let inner = ac
                        .find_overlapping_iter(folded(terms, i))
                        .find(|m| m.pattern().as_usize() != k);
                    if let Some(&by) = inner.and_then(|m| distinct.get(m.pattern().as_usize())) {
                        out.push((i, by));
                    }
                }
            }
        }
    }
    out.sort_unstable();
    out
}

fn folded<'t>(terms: &[&'t TermSite], i: usize) -> &'t str {
    terms.get(i).map_or("", |t| t.folded.as_str())
}
