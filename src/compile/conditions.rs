//! Named conditions: `[conditions.NAME] when = "…"`, written once and named in rules
//! (and in other named conditions) like a lexicon. Each is parsed and resolved once, on
//! its first use, and its tree is copied into every condition that names it, so the
//! engine never sees the name: a rule behaves exactly as if the condition were written
//! in its place, in parentheses.

use std::collections::HashMap;
use std::ops::Range;

use super::{Builder, valid_id};
use crate::compiled::Node;
use crate::error::{Problem, ProblemKind};
use crate::source::ValueOffsets;

/// The named conditions of every pack, and what resolving them gave.
#[derive(Default)]
pub(super) struct Named {
    /// Name → the pack that defines it.
    defs: HashMap<String, usize>,
    /// Name → its resolved tree (`None`: it has a mistake, reported once).
    resolved: HashMap<String, Option<Node>>,
    /// The conditions being resolved, outermost first (to report a cycle).
    stack: Vec<String>,
}

/// Declares the named conditions of every pack: a name must be valid, not a keyword,
/// not a lexicon's and not defined twice.
pub(super) fn declare(b: &mut Builder<'_>) {
    let packs = b.packs;
    for (pi, pack) in packs.iter().enumerate() {
        for (name, spec) in &pack.file.conditions {
            let path = format!("conditions.{name}");
            let problem = if !valid_id(name) {
                Some((
                    ProblemKind::InvalidValue,
                    format!(
                        "`{name}` is not a valid condition name: use letters, digits, `.`, `_` and `-`"
                    ),
                ))
            } else if matches!(
                name.to_ascii_lowercase().as_str(),
                "and" | "or" | "not" | "before" | "near" | "except"
            ) {
                Some((
                    ProblemKind::InvalidValue,
                    format!("`{name}` is a keyword of conditions"),
                ))
            } else if b.lex_index.contains_key(name.as_str()) {
                Some((
                    ProblemKind::DuplicateId,
                    format!("`{name}` is already the name of a lexicon"),
                ))
            } else if let Some(&owner) = b.named.defs.get(name.as_str()) {
                let owner = packs
                    .get(owner)
                    .map(|p| p.file.policy.id.get_ref().clone())
                    .unwrap_or_default();
                Some((
                    ProblemKind::DuplicateId,
                    format!("condition `{name}` is already defined by `{owner}`"),
                ))
            } else {
                None
            };
            match problem {
                Some((kind, message)) => {
                    b.report(pi, Problem::new(kind, path, message), spec.span())
                }
                None => {
                    b.named.defs.insert(name.clone(), pi);
                }
            }
        }
    }
}

/// Warns about the named conditions of a host's pack that no rule uses.
pub(super) fn warn_unused(b: &mut Builder<'_>) {
    let packs = b.packs;
    let mut unused: Vec<(usize, String)> = b
        .named
        .defs
        .iter()
        .filter(|(name, _)| !b.named.resolved.contains_key(name.as_str()))
        .map(|(name, &pi)| (pi, name.clone()))
        .collect();
    unused.sort_unstable();
    for (pi, name) in unused {
        let Some(spec) = packs.get(pi).and_then(|p| p.file.conditions.get(&name)) else {
            continue;
        };
        b.warn(
            pi,
            Problem::new(
                ProblemKind::UnusedCondition,
                format!("conditions.{name}"),
                format!("condition `{name}` is not used by any rule"),
            ),
            spec.span(),
        );
    }
}

impl Builder<'_> {
    /// Whether `name` is a named condition.
    pub(super) fn is_named_condition(&self, name: &str) -> bool {
        self.named.defs.contains_key(name)
    }

    /// The names of the named conditions (for "did you mean").
    pub(super) fn named_conditions(&self) -> impl Iterator<Item = &str> {
        self.named.defs.keys().map(String::as_str)
    }

    /// The tree of named condition `name`, used at `span` of `path` in pack `pack`:
    /// resolved on its first use, copied after. `None` when it has a mistake (reported
    /// once, where the mistake is) or refers to itself (reported where it does).
    pub(super) fn named_condition(
        &mut self,
        pack: usize,
        path: &str,
        name: &str,
        span: Range<usize>,
    ) -> Option<Node> {
        if let Some(node) = self.named.resolved.get(name) {
            return node.clone();
        }
        if let Some(at) = self.named.stack.iter().position(|n| n == name) {
            let mut cycle: Vec<&str> = self.named.stack[at..].iter().map(String::as_str).collect();
            cycle.push(name);
            let message = format!(
                "condition `{name}` refers to itself: {}",
                cycle
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(" → ")
            );
            self.report(
                pack,
                Problem::new(ProblemKind::BadCondition, path, message),
                span,
            );
            return None;
        }
        let &pi = self.named.defs.get(name)?;
        let packs = self.packs;
        let def = packs.get(pi)?;
        let spec = def.file.conditions.get(name)?.get_ref();
        let offsets = ValueOffsets::new(def.src.as_deref(), &spec.when.span());
        let cpath = format!("conditions.{name}.when");
        self.named.stack.push(name.to_string());
        let node = self.condition_tree(pi, &cpath, spec.when.get_ref(), &offsets);
        self.named.stack.pop();
        let node = node.and_then(|n| {
            self.within_nesting(pi, &cpath, n, offsets.range(0..spec.when.get_ref().len()))
        });
        self.named.resolved.insert(name.to_string(), node.clone());
        node
    }
}

/// How deep a resolved condition nests: one level per operator, as the parser counts.
pub(super) fn depth(n: &Node) -> usize {
    match n {
        Node::Lex(_) => 0,
        Node::Not(a) => 1 + depth(a),
        Node::And(a, b)
        | Node::Or(a, b)
        | Node::Before(a, b, _)
        | Node::Near(a, b, _)
        | Node::Except(a, b) => 1 + depth(a).max(depth(b)),
    }
}
