//! Phase 4: rules. Each condition is parsed and resolved against the lexicons (an
//! inline phrase becomes a lexicon of its own), contexts are resolved by name, and
//! `[override.rules]` changes severities and disables rules.

use std::collections::{HashMap, HashSet};

use super::categories::Categories;
use super::contexts::Contexts;
use super::terms::TermOptions;
use super::{Builder, valid_id};
use crate::compiled::{ContextId, LayerId, Node, Rule, RuleId, Texts};
use crate::condition::{self, Expr};
use crate::error::{Problem, ProblemKind};
use crate::source::{Pack, ValueOffsets};
use crate::spec::{MatchMode, RuleSpec, S};
use crate::suggest::{did_you_mean, hint};
use crate::verdict::Severity;

/// Compiles the rules of every pack, then applies the rule overrides.
pub(super) fn compile(b: &mut Builder<'_>, cats: &Categories, ctxs: &Contexts) -> Vec<Rule> {
    let mut rules: Vec<Rule> = Vec::new();
    let mut owner: HashMap<String, String> = HashMap::new();
    for (pi, pack) in b.packs.iter().enumerate() {
        for (ri, rule) in pack.file.rules.iter().enumerate() {
            let r = rule.get_ref();
            let rid = r.id.get_ref();
            let path = if rid.is_empty() {
                format!("rules[{ri}]")
            } else {
                format!("rules[{rid}]")
            };
            if let Some(rule) = compile_rule(b, pi, pack, &path, r, cats, ctxs, &mut owner) {
                rules.push(rule);
            }
        }
    }
    apply_overrides(b, &mut rules, &owner);
    rules
}

/// Compiles one rule, reporting every problem in it; `None` if there was one.
#[allow(clippy::too_many_arguments)]
fn compile_rule(
    b: &mut Builder<'_>,
    pi: usize,
    pack: &Pack,
    path: &str,
    r: &RuleSpec,
    cats: &Categories,
    ctxs: &Contexts,
    owner: &mut HashMap<String, String>,
) -> Option<Rule> {
    let rid = r.id.get_ref();
    let ok = check_id(b, pi, pack, path, r, owner);
    let category = cats.index.get(r.category.get_ref()).copied();
    if category.is_none() {
        b.report(
            pi,
            Problem::new(
                ProblemKind::UnknownCategory,
                format!("{path}.category"),
                format!(
                    "unknown category `{}`{}",
                    r.category.get_ref(),
                    hint(r.category.get_ref(), cats.names())
                ),
            ),
            r.category.span(),
        );
    }
    let offsets = ValueOffsets::new(pack.src.as_deref(), &r.when.span());
    let wpath = format!("{path}.when");
    let when = b.condition_tree(pi, &wpath, r.when.get_ref(), &offsets);
    let unless = context_ids(b, pi, ctxs, &r.unless, &format!("{path}.unless"));
    let requires = context_ids(b, pi, ctxs, &r.requires, &format!("{path}.requires"));
    let (true, Some(category), Some(when)) = (ok, category, when) else {
        return None;
    };
    // The named conditions a rule uses nest inside it: the whole must stay within the
    // limit, as a condition written out would.
    let when = b.within_nesting(pi, &wpath, when, offsets.range(0..r.when.get_ref().len()))?;
    let when = chain_before(when);
    let severity = r
        .severity
        .or_else(|| cats.get(category).map(|c| c.severity))
        .unwrap_or(Severity::Medium);
    warn_if_never_fires(b, pi, path, r, &when, &unless, &requires);
    let uses_signals = when.mentions(&mut |l| b.is_signal(l));
    Some(Rule {
        id: rid.clone(),
        pack: pack.file.policy.id.get_ref().clone(),
        category,
        severity,
        needs: when.needs(),
        needs_one_of: when.needs_one_of(),
        anchors: when.anchors(),
        uses_signals,
        when,
        when_src: r.when.get_ref().clone(),
        unless,
        requires,
        scope: r.scope,
        description: r.description.clone(),
        examples: r.examples.clone(),
        layer: LayerId::default(),
    })
}

/// Warns about a rule that can never fire: its condition needs a lexicon without
/// terms, or it requires a context that also excuses it.
fn warn_if_never_fires(
    b: &mut Builder<'_>,
    pi: usize,
    path: &str,
    r: &RuleSpec,
    when: &Node,
    unless: &[ContextId],
    requires: &[ContextId],
) {
    let empty = when.needs().into_iter().find_map(|l| {
        b.lexicons
            .get(l.index())
            .filter(|lex| !b.is_signal(l) && lex.name != crate::compiled::NAME_OPERAND)
            .filter(|_| b.terms.get(l.index()).is_none_or(Texts::is_empty))
            .map(|lex| lex.name.clone())
    });
    let both = requires.iter().find(|c| unless.contains(c));
    let message = match (empty, both) {
        (Some(name), _) => format!("the rule can never fire: lexicon `{name}` has no terms"),
        (None, Some(_)) => {
            "the rule can never fire: it requires a context that also excuses it".to_string()
        }
        (None, None) => return,
    };
    b.warn(
        pi,
        Problem::new(ProblemKind::NeverFires, format!("{path}.when"), message),
        r.when.span(),
    );
}

/// Whether the rule's id is valid and not taken; records its owner if so.
fn check_id(
    b: &mut Builder<'_>,
    pi: usize,
    pack: &Pack,
    path: &str,
    r: &RuleSpec,
    owner: &mut HashMap<String, String>,
) -> bool {
    let rid = r.id.get_ref();
    let (kind, message) = if !valid_id(rid) {
        (
            ProblemKind::InvalidValue,
            format!("`{rid}` is not a valid rule id: use letters, digits, `.`, `_` and `-`"),
        )
    } else if let Some(o) = owner.get(rid) {
        (
            ProblemKind::DuplicateId,
            format!("rule `{rid}` is already defined by `{o}`"),
        )
    } else {
        owner.insert(rid.clone(), pack.display.clone());
        return true;
    };
    b.report(
        pi,
        Problem::new(kind, format!("{path}.id"), message),
        r.id.span(),
    );
    false
}

/// The ids of the contexts named in `list` (a rule's `unless` or `requires`).
fn context_ids(
    b: &mut Builder<'_>,
    pi: usize,
    ctxs: &Contexts,
    list: &[S<String>],
    path: &str,
) -> Vec<ContextId> {
    let mut out = Vec::new();
    for (i, name) in list.iter().enumerate() {
        match ctxs.index.get(name.get_ref()) {
            Some(&ci) => out.push(ci),
            None => {
                let mut known: Vec<&str> = ctxs.index.keys().map(String::as_str).collect();
                known.sort_unstable();
                b.report(
                    pi,
                    Problem::new(
                        ProblemKind::UnknownContext,
                        format!("{path}[{i}]"),
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
}

/// `[override.rules]` of every pack, in pack order: severities, and rules disabled.
fn apply_overrides(b: &mut Builder<'_>, rules: &mut Vec<Rule>, owner: &HashMap<String, String>) {
    let index: HashMap<String, RuleId> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), RuleId::new(i)))
        .collect();
    let mut disabled: HashSet<String> = HashSet::new();
    for (pi, pack) in b.packs.iter().enumerate() {
        for (rid, ov) in &pack.file.overrides.rules {
            let o = ov.get_ref();
            match index.get(rid).and_then(|i| rules.get_mut(i.index())) {
                Some(r) => {
                    if let Some(sev) = o.severity {
                        r.severity = sev;
                    }
                    // Only an explicit `enabled` changes whether the rule runs: an
                    // override of its severity alone leaves a rule an earlier pack
                    // disabled disabled.
                    match o.enabled {
                        Some(false) => {
                            disabled.insert(rid.clone());
                        }
                        Some(true) => {
                            disabled.remove(rid);
                        }
                        None => {}
                    }
                }
                None if owner.contains_key(rid) => {}
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
}

impl Builder<'_> {
    /// Parses and resolves the condition `src` at `path` of pack `pack`, reporting every
    /// mistake; `offsets` place it in the pack source.
    pub(super) fn condition_tree(
        &mut self,
        pack: usize,
        path: &str,
        src: &str,
        offsets: &ValueOffsets,
    ) -> Option<Node> {
        match condition::parse(src, self.limits.get_nest_limit()) {
            Ok(e) => self.resolve_expr(pack, path, &e, offsets),
            Err(errs) => {
                for e in errs {
                    self.report(
                        pack,
                        Problem::new(e.kind, path, e.message),
                        offsets.range(e.span),
                    );
                }
                None
            }
        }
    }

    /// `node` if it nests within the limit once the named conditions it uses are in
    /// place; else reported at `span` of `path`.
    pub(super) fn within_nesting(
        &mut self,
        pack: usize,
        path: &str,
        node: Node,
        span: std::ops::Range<usize>,
    ) -> Option<Node> {
        let (depth, limit) = (
            super::conditions::depth(&node),
            self.limits.get_nest_limit(),
        );
        if depth <= limit {
            return Some(node);
        }
        self.report(
            pack,
            Problem::new(
                ProblemKind::LimitExceeded,
                path,
                format!(
                    "with the conditions it names, this condition nests {depth} levels, more than the limit of {limit}"
                ),
            ),
            span,
        );
        None
    }

    /// Resolves a parsed condition; `offsets` place the condition string in
    /// the pack source, for error locations.
    pub(super) fn resolve_expr(
        &mut self,
        pack: usize,
        path: &str,
        e: &Expr,
        offsets: &ValueOffsets,
    ) -> Option<Node> {
        Some(match e {
            Expr::Lexicon(name, span) if name.starts_with('@') => {
                if name == crate::compiled::NAME_OPERAND {
                    Node::Lex(self.name_lexicon())
                } else {
                    self.report(
                        pack,
                        Problem::new(
                            ProblemKind::UnknownLexicon,
                            path,
                            format!(
                                "unknown built-in operand `{name}`: the built-in operand is `{}` (a person's name)",
                                crate::compiled::NAME_OPERAND
                            ),
                        ),
                        offsets.range(span.clone()),
                    );
                    return None;
                }
            }
            Expr::Lexicon(name, span) => match self.lex_index.get(name.as_str()) {
                Some(&id) if !name.starts_with('"') => Node::Lex(id),
                _ if self.is_named_condition(name) => {
                    return self.named_condition(pack, path, name, offsets.range(span.clone()));
                }
                _ => {
                    let mut msg = format!("unknown lexicon `{name}`");
                    if let Some(s) = self.suggest(name) {
                        msg.push_str(&format!(" (did you mean `{s}`?)"));
                    }
                    self.report(
                        pack,
                        Problem::new(ProblemKind::UnknownLexicon, path, msg),
                        offsets.range(span.clone()),
                    );
                    return None;
                }
            },
            Expr::Signal(cmp, span) => {
                Node::Lex(self.signal_lexicon(pack, path, cmp, offsets.range(span.clone()))?)
            }
            Expr::Phrase(text, span) => {
                let key = format!("\"{text}\"");
                let id = match self.lex_index.get(&key) {
                    Some(&id) => id,
                    None => {
                        let id = self.new_lexicon(key, MatchMode::Word);
                        let term = S::new(offsets.range(span.clone()), text.clone());
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
            Expr::Not(a, _) => Node::Not(Box::new(self.resolve_expr(pack, path, a, offsets)?)),
            Expr::And(a, b) => {
                let a = self.resolve_expr(pack, path, a, offsets);
                let b = self.resolve_expr(pack, path, b, offsets);
                Node::And(Box::new(a?), Box::new(b?))
            }
            Expr::Or(a, b) => {
                let a = self.resolve_expr(pack, path, a, offsets);
                let b = self.resolve_expr(pack, path, b, offsets);
                Node::Or(Box::new(a?), Box::new(b?))
            }
            Expr::Before(a, b, n) => {
                let a = self.resolve_expr(pack, path, a, offsets);
                let b = self.resolve_expr(pack, path, b, offsets);
                Node::Before(Box::new(a?), Box::new(b?), *n)
            }
            Expr::Near(a, b, n) => {
                let a = self.resolve_expr(pack, path, a, offsets);
                let b = self.resolve_expr(pack, path, b, offsets);
                Node::Near(Box::new(a?), Box::new(b?), *n)
            }
            Expr::Except(a, b) => {
                let a = self.resolve_expr(pack, path, a, offsets);
                let b = self.resolve_expr(pack, path, b, offsets);
                Node::Except(Box::new(a?), Box::new(b?))
            }
        })
    }

    fn suggest(&self, name: &str) -> Option<String> {
        let mut names: Vec<&str> = self
            .lex_index
            .keys()
            .map(String::as_str)
            .filter(|k| !k.starts_with('"') && !k.starts_with('@') && !k.starts_with("signal("))
            .chain(self.named_conditions())
            .collect();
        // Sorted, so that a tie always suggests the same name.
        names.sort_unstable();
        did_you_mean(name, names).map(str::to_string)
    }
}

/// How much bigger [`chain_before`] may make a condition (in nodes) before the
/// condition is kept as written: distributing copies a left operand once per
/// alternative, and a hostile policy must not turn that into a blow-up.
const CHAIN_GROWTH: usize = 8;

/// Rewrites `a before(n) (b before(m) c)` as `(a before(n) b) before(m) c`, and
/// `a before(n) (x or b before(m) c)` as `a before(n) x or (a before(n) b) before(m) c`.
///
/// Both mean the same: `a` at most `n` words before `b`, `b` at most `m` before `c`.
/// But the engine pairs each match of a right operand with the nearest match of the
/// left one, and the nested form decides that pairing inside out: for
/// `smash before(1) (det before(1) fingers)` over "smash all his fingers", with `det`
/// holding both "all his" and "his", the inner pair takes the nearer "his fingers",
/// and "smash" is then two words from it: no match. Chained, each `det` match first
/// finds its own `smash`, and "all his" then meets "fingers". The chained form can
/// only match where the nested one does or more.
fn chain_before(node: Node) -> Node {
    let mut budget = node_count(&node).saturating_mul(CHAIN_GROWTH);
    chain(&node, &mut budget).unwrap_or(node)
}

/// The chained form of `node`, or `None` once the copies of left operands exceed
/// `budget` nodes.
fn chain(node: &Node, budget: &mut usize) -> Option<Node> {
    let mut two = |a: &Node, b: &Node| -> Option<(Box<Node>, Box<Node>)> {
        Some((Box::new(chain(a, budget)?), Box::new(chain(b, budget)?)))
    };
    Some(match node {
        Node::Lex(id) => Node::Lex(*id),
        Node::Not(a) => Node::Not(Box::new(chain(a, budget)?)),
        Node::And(a, b) => two(a, b).map(|(a, b)| Node::And(a, b))?,
        Node::Or(a, b) => two(a, b).map(|(a, b)| Node::Or(a, b))?,
        Node::Near(a, b, n) => two(a, b).map(|(a, b)| Node::Near(a, b, *n))?,
        Node::Except(a, b) => two(a, b).map(|(a, b)| Node::Except(a, b))?,
        Node::Before(a, b, n) => {
            let (a, b) = two(a, b)?;
            attach_before(*a, *b, *n, budget)?
        }
    })
}

/// `a before(n) b` for chained `a` and `b`: `a` joins the first link of `b`, and is
/// distributed over the alternatives of an `or` that holds a chain (an `or` of plain
/// alternatives stays one operand: `a` is evaluated once for it).
fn attach_before(a: Node, b: Node, n: u32, budget: &mut usize) -> Option<Node> {
    Some(match b {
        Node::Before(first, rest, m) => {
            Node::Before(Box::new(attach_before(a, *first, n, budget)?), rest, m)
        }
        Node::Or(x, y) if has_chain(&x) || has_chain(&y) => {
            *budget = budget.checked_sub(node_count(&a))?;
            Node::Or(
                Box::new(attach_before(a.clone(), *x, n, budget)?),
                Box::new(attach_before(a, *y, n, budget)?),
            )
        }
        b => Node::Before(Box::new(a), Box::new(b), n),
    })
}

/// Whether `attach_before` would rewrite `a before(n) node`.
fn has_chain(node: &Node) -> bool {
    match node {
        Node::Before(..) => true,
        Node::Or(x, y) => has_chain(x) || has_chain(y),
        _ => false,
    }
}

fn node_count(node: &Node) -> usize {
    match node {
        Node::Lex(_) => 1,
        Node::Not(a) => 1 + node_count(a),
        Node::And(a, b)
        | Node::Or(a, b)
        | Node::Before(a, b, _)
        | Node::Near(a, b, _)
        | Node::Except(a, b) => 1 + node_count(a) + node_count(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compiled::LexiconId;

    fn lex(i: usize) -> Node {
        Node::Lex(LexiconId::new(i))
    }
    fn before(a: Node, b: Node, n: u32) -> Node {
        Node::Before(Box::new(a), Box::new(b), n)
    }
    fn or(a: Node, b: Node) -> Node {
        Node::Or(Box::new(a), Box::new(b))
    }
    /// The shape of a condition, lexicons by index.
    fn shape(n: &Node) -> String {
        match n {
            Node::Lex(id) => id.index().to_string(),
            Node::Not(a) => format!("!{}", shape(a)),
            Node::And(a, b) => format!("({} & {})", shape(a), shape(b)),
            Node::Or(a, b) => format!("({} | {})", shape(a), shape(b)),
            Node::Before(a, b, n) => format!("({} <{n} {})", shape(a), shape(b)),
            Node::Near(a, b, n) => format!("({} ~{n} {})", shape(a), shape(b)),
            Node::Except(a, b) => format!("({} - {})", shape(a), shape(b)),
        }
    }

    #[test]
    fn right_nested_before_is_chained_to_the_left() {
        let n = chain_before(before(lex(0), before(lex(1), lex(2), 2), 1));
        assert_eq!(shape(&n), "((0 <1 1) <2 2)");
        let n = chain_before(before(
            lex(0),
            before(lex(1), before(lex(2), lex(3), 3), 2),
            1,
        ));
        assert_eq!(shape(&n), "(((0 <1 1) <2 2) <3 3)");
    }

    #[test]
    fn before_is_distributed_over_alternatives_holding_a_chain_only() {
        let n = chain_before(before(lex(0), or(lex(4), before(lex(1), lex(2), 2)), 1));
        assert_eq!(shape(&n), "((0 <1 4) | ((0 <1 1) <2 2))");
        let plain = before(lex(0), or(lex(4), lex(5)), 1);
        assert_eq!(shape(&chain_before(plain)), "(0 <1 (4 | 5))");
        // Inside other operators too.
        let n = chain_before(Node::Near(
            Box::new(lex(9)),
            Box::new(before(lex(0), before(lex(1), lex(2), 2), 1)),
            4,
        ));
        assert_eq!(shape(&n), "(9 ~4 ((0 <1 1) <2 2))");
    }

    #[test]
    fn a_condition_that_would_grow_too_much_is_kept_as_written() {
        // A left operand of 79 nodes over 41 chained alternatives: 40 copies would
        // be more than eight times the condition.
        let left = (1..40).fold(lex(0), |acc, i| or(acc, lex(i)));
        let alts = (0..40).fold(before(lex(100), lex(200), 1), |acc, i| {
            or(acc, before(lex(101 + i), lex(200), 1))
        });
        let cond = before(left, alts, 1);
        let written = shape(&cond);
        let size = node_count(&cond);
        let out = chain_before(cond);
        assert_eq!(shape(&out), written);
        assert!(node_count(&out) <= size * CHAIN_GROWTH);
    }
}
