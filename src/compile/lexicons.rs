//! Phase 2: named lexicons. Every lexicon gets its id first (rules refer to them by
//! name), then `[override.lexicons]` adds and removes terms, then the terms are
//! compiled into automaton patterns.

use std::collections::HashMap;

use super::terms::{TermOptions, canonical};
use super::{Builder, valid_id};
use crate::compiled::LexiconId;
use crate::error::{Problem, ProblemKind};
use crate::expand::expand;
use crate::normalize::Lang;
use crate::spec::{LexiconSpec, S};

/// A lexicon whose terms are compiled once every override is known.
struct PendingLexicon<'a> {
    pack: usize,
    name: String,
    id: LexiconId,
    spec: &'a LexiconSpec,
    added: Vec<(usize, S<String>)>,
    removed: Vec<(usize, S<String>)>,
}

/// Declares every named lexicon, applies the lexicon overrides and compiles the terms.
pub(super) fn compile(b: &mut Builder<'_>) {
    let mut pending = declare(b);
    apply_overrides(b, &mut pending);
    for p in &pending {
        add_terms(b, p);
    }
}

/// Validates the name of lexicon `name` of pack `pi`: whether it may be declared.
fn check_name(
    b: &mut Builder<'_>,
    pi: usize,
    name: &str,
    lex: &S<LexiconSpec>,
    owner: &HashMap<String, String>,
) -> bool {
    let path = format!("lexicons.{name}");
    let (kind, message) = if !valid_id(name) {
        (
            ProblemKind::InvalidValue,
            format!("`{name}` is not a valid lexicon name: use letters, digits, `.`, `_` and `-`"),
        )
    } else if matches!(
        name.to_ascii_lowercase().as_str(),
        "and" | "or" | "not" | "before" | "near"
    ) {
        (
            ProblemKind::InvalidValue,
            format!("`{name}` is a keyword of conditions"),
        )
    } else if let Some(owner) = owner.get(name) {
        (
            ProblemKind::DuplicateId,
            format!("lexicon `{name}` is already defined by `{owner}`"),
        )
    } else {
        return true;
    };
    b.report(pi, Problem::new(kind, path, message), lex.span());
    false
}

/// Gives every valid lexicon of every pack its id, in pack order.
fn declare<'a>(b: &mut Builder<'a>) -> Vec<PendingLexicon<'a>> {
    let mut owner: HashMap<String, String> = HashMap::new();
    let mut pending = Vec::new();
    let packs = b.packs;
    for (pi, pack) in packs.iter().enumerate() {
        for (name, lex) in &pack.file.lexicons {
            if !check_name(b, pi, name, lex, &owner) {
                continue;
            }
            owner.insert(name.clone(), pack.display.clone());
            let l = lex.get_ref();
            if l.fuzzy > 1 {
                b.report(
                    pi,
                    Problem::new(
                        ProblemKind::InvalidValue,
                        format!("lexicons.{name}.fuzzy"),
                        format!("fuzzy = {} is not supported: use 0 or 1", l.fuzzy),
                    ),
                    lex.span(),
                );
            }
            let id = b.new_lexicon(name.clone(), l.mode);
            if let Some(compiled) = b.lexicons.get_mut(id.index()) {
                compiled.lang = l.lang.as_deref().and_then(Lang::of_tag);
            }
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
    pending
}

/// `[override.lexicons]` of every pack: the terms to add and to remove.
fn apply_overrides(b: &mut Builder<'_>, pending: &mut [PendingLexicon<'_>]) {
    for (pi, pack) in b.packs.iter().enumerate() {
        for (name, ov) in &pack.file.overrides.lexicons {
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
                        format!("override.lexicons.{name}"),
                        format!("no lexicon `{name}` to override"),
                    ),
                    ov.span(),
                ),
            }
        }
    }
}

/// Compiles the terms of one lexicon, its overrides' additions, less its removals;
/// reports a removal that matches no term.
fn add_terms(b: &mut Builder<'_>, p: &PendingLexicon<'_>) {
    let how = TermOptions {
        mode: p.spec.mode,
        fuzzy: p.spec.fuzzy.min(1),
        inflected: p.spec.inflected,
        listed_typos: true,
        joined: p.spec.joined,
        variants: true,
    };
    // Folded forms of the removed terms, each with where it was written.
    let mut removed: Vec<(String, bool)> = Vec::new();
    let mut removed_at: Vec<(usize, S<String>)> = Vec::new();
    for (pi, t) in &p.removed {
        for e in expand(t.get_ref()).unwrap_or_else(|_| vec![t.get_ref().clone()]) {
            removed.push((canonical(&e, &b.opts), false));
            removed_at.push((*pi, t.clone()));
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
