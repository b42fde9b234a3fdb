//! Rules over the hits of one text: a condition is evaluated window by window
//! (clause, sentence or text), and each match is kept or suppressed by its contexts.

use super::context::claim_evidence;
use super::present::{LexIndex, may_match};
use super::{Hit, Scratch};
use crate::compiled::{Compiled, ContextId, LexiconId, Node, Rule};
use crate::spec::Scope;

/// A match of a condition: a token range and its evidence (a slice of the arena).
#[derive(Clone, Copy, Debug)]
pub(crate) struct M {
    ts: u32,
    te: u32,
    ev: u32,
    n: u32,
}

impl M {
    fn is_empty(&self) -> bool {
        self.n == 0
    }
}

/// How many operators down [`Eval::may_match`] looks.
const MAY_MATCH_DEPTH: u32 = 3;

/// The state of evaluating one condition over one window.
struct Eval<'a> {
    hits: &'a [Hit],
    /// The hits of each lexicon.
    lex_index: &'a LexIndex,
    buf: &'a mut Vec<M>,
    arena: &'a mut Vec<u32>,
    /// Per lexicon, `(rule pass, position)`: where the lexicon's hits of the last
    /// window of this pass started. The windows of a pass ascend, so the next window's
    /// hits are found by galloping on from there.
    cursors: &'a mut Vec<(u32, u32)>,
    pass: u32,
}

impl Eval<'_> {
    fn merge(&mut self, a: M, b: M) -> M {
        let ev = self.arena.len() as u32;
        for m in [a, b] {
            let (s, e) = (m.ev as usize, (m.ev + m.n) as usize);
            self.arena.extend_from_within(s..e);
        }
        let (ts, te) = match (a.is_empty(), b.is_empty()) {
            (true, _) => (b.ts, b.te),
            (_, true) => (a.ts, a.te),
            _ => (a.ts.min(b.ts), a.te.max(b.te)),
        };
        M {
            ts,
            te,
            ev,
            n: a.n + b.n,
        }
    }

    /// Moves the matches from `from..` down to `to..`, dropping what was between.
    fn settle(&mut self, to: usize, from: usize) {
        let end = self.buf.len();
        self.buf.copy_within(from..end, to);
        self.buf.truncate(to + (end - from));
    }

    /// Evaluates `node` over the hits of one window; the matches are `buf[returned..]`.
    ///
    /// Every operator is O(n log n) in the matches of its operands, and no operator
    /// drops matches: padding a text with decoys cannot hide a threat at its end.
    fn eval(&mut self, node: &Node, window: (usize, usize)) -> usize {
        let start = self.buf.len();
        match node {
            Node::Lex(id) => self.eval_lex(*id, window),
            Node::Not(_) => {
                // Validated away: `not` only stands inside `and`.
            }
            Node::Or(a, b) => {
                self.eval_operand(a, window);
                self.eval_operand(b, window);
            }
            Node::And(a, b) => match (&**a, &**b) {
                (Node::Not(x), other) | (other, Node::Not(x)) => {
                    let sx = self.eval(x, window);
                    let excluded = self.buf.len() > sx;
                    self.buf.truncate(start);
                    if !excluded {
                        self.eval(other, window);
                    }
                }
                _ => self.eval_and(a, b, window),
            },
            Node::Before(a, b, n) => self.eval_proximity(a, b, *n, true, window),
            Node::Near(a, b, n) => self.eval_proximity(a, b, *n, false, window),
            Node::Except(a, b) => self.eval_except(a, b, window),
        }
        start
    }

    /// Evaluates `node` like [`Eval::eval`], a lexicon directly (most operands are
    /// one: no call through the operator dispatch).
    #[inline(always)]
    fn eval_operand(&mut self, node: &Node, window: (usize, usize)) -> usize {
        match node {
            Node::Lex(id) => {
                let start = self.buf.len();
                self.eval_lex(*id, window);
                start
            }
            _ => self.eval(node, window),
        }
    }

    /// Whether `node` may have a match in this text, looking at most `depth` operators
    /// down (deeper, it may): a lexicon with no hit in the text has no match, nor has
    /// a pair of operands (`and`, `before`, `near`) of which one has none. A cheap
    /// test before evaluating the other operand of a pair.
    fn may_match(&self, node: &Node, depth: u32) -> bool {
        match node {
            Node::Lex(id) => !self.lex_index.of(*id).is_empty(),
            _ if depth == 0 => true,
            Node::Not(_) => true,
            Node::Or(a, b) => self.may_match(a, depth - 1) || self.may_match(b, depth - 1),
            Node::And(a, b) => match (&**a, &**b) {
                (Node::Not(_), other) | (other, Node::Not(_)) => self.may_match(other, depth - 1),
                _ => self.may_match(a, depth - 1) && self.may_match(b, depth - 1),
            },
            Node::Before(a, b, _) | Node::Near(a, b, _) => {
                self.may_match(a, depth - 1) && self.may_match(b, depth - 1)
            }
            Node::Except(a, _) => self.may_match(a, depth - 1),
        }
    }

    /// The hits of lexicon `id` in the window, one match each.
    fn eval_lex(&mut self, id: LexiconId, window: (usize, usize)) {
        // The lexicon's hits (ascending hit indices), cut to the window.
        let all = self.lex_index.of(id);
        if all.is_empty() {
            return;
        }
        let pass = self.pass;
        let cursor = self.cursors.get_mut(id.index());
        let at = match &cursor {
            Some((p, at)) if *p == pass => (*at as usize).min(all.len()),
            _ => 0,
        };
        let from = at
            + gallop(all.get(at..).unwrap_or_default(), |&i| {
                (i as usize) < window.0
            });
        let to = from
            + gallop(all.get(from..).unwrap_or_default(), |&i| {
                (i as usize) < window.1
            });
        if let Some(c) = cursor {
            *c = (pass, from as u32);
        }
        for &i in all.get(from..to).unwrap_or(&[]) {
            if let Some(h) = self.hits.get(i as usize) {
                let ev = self.arena.len() as u32;
                self.arena.push(i);
                self.buf.push(M {
                    ts: h.ts,
                    te: h.te,
                    ev,
                    n: 1,
                });
            }
        }
    }

    /// `a and b`: each match of `a` paired with the match of `b` nearest to it.
    fn eval_and(&mut self, a: &Node, b: &Node, window: (usize, usize)) {
        // No match of `b` in the text: none of the pair either.
        if !self.may_match(b, MAY_MATCH_DEPTH) {
            return;
        }
        let start = self.eval_operand(a, window);
        // No match of `a`: none of the pair either, whatever `b` holds.
        if self.buf.len() == start {
            return;
        }
        let sb = self.eval_operand(b, window);
        let eb = self.buf.len();
        if sb == start || eb == sb {
            self.buf.truncate(start);
            return;
        }
        // Each left match pairs with the right match nearest to it.
        if let Some(r) = self.buf.get_mut(sb..eb) {
            r.sort_unstable_by_key(|m| m.ts);
        }
        for li in start..sb {
            let Some(&l) = self.buf.get(li) else { break };
            let right = self.buf.get(sb..eb).unwrap_or(&[]);
            let k = right.partition_point(|m| m.ts < l.ts);
            let best = [k.checked_sub(1), Some(k)]
                .into_iter()
                .flatten()
                .filter_map(|k| right.get(k).copied())
                .min_by_key(|r| r.ts.abs_diff(l.ts));
            if let Some(r) = best {
                let m = self.merge(l, r);
                self.buf.push(m);
            }
        }
        self.settle(start, eb);
    }

    /// `a except b`: the matches of `a` whose tokens no match of `b` touches.
    fn eval_except(&mut self, a: &Node, b: &Node, window: (usize, usize)) {
        let start = self.eval(a, window);
        if self.buf.len() == start {
            return;
        }
        let sb = self.eval(b, window);
        // The right matches that point at words, by first token, each then reaching as
        // far as the furthest before it: one binary search per left match.
        let mut eb = sb;
        for i in sb..self.buf.len() {
            if self.buf.get(i).is_some_and(|m| !m.is_empty()) {
                self.buf.swap(eb, i);
                eb += 1;
            }
        }
        self.buf.truncate(eb);
        if let Some(r) = self.buf.get_mut(sb..eb) {
            r.sort_unstable_by_key(|m| m.ts);
            let mut reach = 0;
            for m in r.iter_mut() {
                reach = reach.max(m.te);
                m.te = reach;
            }
        }
        let mut kept = start;
        for li in start..sb {
            let Some(&l) = self.buf.get(li) else { break };
            let right = self.buf.get(sb..eb).unwrap_or(&[]);
            let k = right.partition_point(|m| m.ts <= l.te);
            let touched = k
                .checked_sub(1)
                .and_then(|k| right.get(k))
                .is_some_and(|m| m.te >= l.ts);
            if !touched {
                self.buf.swap(kept, li);
                kept += 1;
            }
        }
        self.buf.truncate(kept);
    }

    /// `a before(n) b` (`ordered`) or `a near(n) b`: each match of `b` paired with the
    /// nearest match of `a` at most `n` words before it (or, for `near`, after it).
    fn eval_proximity(
        &mut self,
        a: &Node,
        b: &Node,
        n: u32,
        ordered: bool,
        window: (usize, usize),
    ) {
        if !self.may_match(b, MAY_MATCH_DEPTH) {
            return;
        }
        let start = self.eval_operand(a, window);
        if self.buf.len() == start {
            return;
        }
        let sb = self.eval_operand(b, window);
        let eb = self.buf.len();
        // Left matches sorted by end; for `near`, a copy sorted by start.
        if let Some(l) = self.buf.get_mut(start..sb) {
            l.sort_unstable_by_key(|m| (m.te, m.ts));
        }
        let by_start = eb;
        if !ordered {
            self.buf.extend_from_within(start..sb);
            if let Some(l) = self.buf.get_mut(by_start..) {
                l.sort_unstable_by_key(|m| (m.ts, m.te));
            }
        }
        let out = self.buf.len();
        for ri in sb..eb {
            let Some(&r) = self.buf.get(ri) else { break };
            let left = self.buf.get(start..sb).unwrap_or(&[]);
            // The left match ending last before `r` starts.
            let k = left.partition_point(|m| m.te < r.ts);
            let mut best = k
                .checked_sub(1)
                .and_then(|k| left.get(k))
                .filter(|l| r.ts - l.te <= n)
                .map(|&l| (r.ts - l.te, l));
            if !ordered {
                // Or the left match starting first after `r` ends.
                let starts = self.buf.get(by_start..out).unwrap_or(&[]);
                let k = starts.partition_point(|m| m.ts <= r.te);
                if let Some(&l) = starts.get(k).filter(|l| l.ts - r.te <= n) {
                    let d = l.ts - r.te;
                    if best.is_none_or(|(bd, _)| d < bd) {
                        best = Some((d, l));
                    }
                }
            }
            if let Some((_, l)) = best {
                let m = self.merge(l, r);
                self.buf.push(m);
            }
        }
        self.settle(start, out);
    }
}

/// `slice.partition_point(pred)`, found by doubling steps from the start then bisecting:
/// O(log k) probes for a partition point at `k`, so a walk over consecutive windows
/// costs in proportion to the hits it passes, not to the log of all hits per window.
fn gallop<T>(slice: &[T], mut pred: impl FnMut(&T) -> bool) -> usize {
    let mut hi = 1;
    while hi <= slice.len() && slice.get(hi - 1).is_some_and(&mut pred) {
        hi *= 2;
    }
    let lo = hi / 2;
    let hi = hi.min(slice.len());
    lo + slice.get(lo..hi).map_or(0, |r| r.partition_point(pred))
}

/// Why a match of a rule did not count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Fired,
    /// Suppressed by this context.
    Suppressed(ContextId),
    /// This required context did not hold.
    MissingRequired(ContextId),
}

impl Compiled {
    /// Evaluates one rule; pushes the evidence of every counted match onto
    /// `s.evidence`, and reports each match's outcome to `trace`.
    pub(crate) fn eval_rule(
        &self,
        rule: &Rule,
        s: &mut Scratch,
        mut trace: Option<&mut Vec<(Vec<u32>, Outcome)>>,
    ) -> bool {
        // The lexicons first: a signal is only scored for a rule whose other needs are
        // met, once per text.
        if !may_match(rule, &s.maybe) {
            return false;
        }
        if rule.uses_signals {
            self.score_signals(s);
            if !may_match(rule, s.present.text()) {
                return false;
            }
        }
        s.evidence.clear();
        let mut fired = false;
        // The windows (sentence, clause or text units) that hold an anchor hit and
        // meet the rule's needs. A lexicon's hits come in text order, so its units
        // ascend: only a rule with several anchors needs them sorted.
        s.windows.clear();
        // With one unit, its set is the text's, which meets the rule's needs (tested
        // above: on the text and the signal lexicons, of which a rule that uses no
        // signal needs none, or after the signals were scored): nothing to test.
        let units = s
            .present
            .units(rule.scope)
            .filter(|(ids, _, _)| ids.len() > 1);
        for &lex in &rule.anchors {
            let mut last = None;
            let mut k = 0;
            for &hi in s.lex_index.of(lex) {
                let Some(h) = s.hits.get(hi as usize) else {
                    continue;
                };
                let unit = h.unit(rule.scope);
                if last == Some(unit) {
                    continue;
                }
                last = Some(unit);
                // The unit's set of lexicons: its hits are in the window.
                let meets = units.is_none_or(|(ids, bits, words)| {
                    k += gallop(ids.get(k..).unwrap_or_default(), |&u| u < unit);
                    match ids.get(k) {
                        Some(&u) if u == unit => bits
                            .get(k * words..(k + 1) * words)
                            .is_none_or(|set| may_match(rule, set)),
                        _ => true,
                    }
                });
                if meets {
                    s.windows.push(unit);
                }
            }
        }
        if rule.anchors.len() > 1 {
            s.windows.sort_unstable();
            s.windows.dedup();
        }
        if s.windows.is_empty() {
            return false;
        }
        // The windows ascend, and so do the hits' units: each window's hits are found
        // by galloping on from the previous window's end.
        let mut from = 0;
        // A new pass: every lexicon cursor of an earlier rule (or text) is stale.
        if s.cursors.len() < self.lexicons.len() {
            s.cursors.resize(self.lexicons.len(), (0, 0));
        }
        s.pass = s.pass.wrapping_add(1);
        if s.pass == 0 {
            s.cursors.iter_mut().for_each(|c| *c = (0, 0));
            s.pass = 1;
        }
        let pass = s.pass;
        for wi in 0..s.windows.len() {
            let Some(&unit) = s.windows.get(wi) else {
                break;
            };
            let rest = s.hits.get(from..).unwrap_or_default();
            let i = from + gallop(rest, |h| h.unit(rule.scope) < unit);
            let rest = s.hits.get(i..).unwrap_or_default();
            let j = i + gallop(rest, |h| h.unit(rule.scope) <= unit);
            from = j;
            s.buf.clear();
            s.arena.clear();
            let mut ev = Eval {
                hits: &s.hits,
                lex_index: &s.lex_index,
                buf: &mut s.buf,
                arena: &mut s.arena,
                cursors: &mut s.cursors,
                pass,
            };
            ev.eval(&rule.when, (i, j));
            for k in 0..s.buf.len() {
                let Some(m) = s.buf.get(k).copied() else {
                    break;
                };
                let range = m.ev as usize..(m.ev + m.n) as usize;
                let evidence = s.arena.get(range.clone()).unwrap_or(&[]);
                // A match of a `scope = "text"` rule (a group named in one sentence or
                // clause, a claim about "them" in another) is judged by the context of
                // its claim: see `claim_evidence`. Other rules' matches lie in one
                // sentence and are judged whole.
                let judged: &[u32] = if rule.scope == Scope::Text
                    && claim_evidence(evidence, &s.hits, &mut s.judged)
                {
                    &s.judged
                } else {
                    evidence
                };
                let outcome = match (
                    rule.unless
                        .iter()
                        .find(|&&c| self.context_holds(c, judged, s)),
                    rule.requires
                        .iter()
                        .find(|&&c| !self.context_holds(c, judged, s)),
                ) {
                    (Some(&c), _) => Outcome::Suppressed(c),
                    (None, Some(&c)) => Outcome::MissingRequired(c),
                    (None, None) => Outcome::Fired,
                };
                if outcome == Outcome::Fired {
                    fired = true;
                    if let Some(ev) = s.arena.get(range) {
                        s.evidence.extend_from_slice(ev);
                    }
                }
                if let Some(t) = trace.as_deref_mut() {
                    t.push((evidence.to_vec(), outcome));
                }
            }
        }
        fired
    }
}

#[cfg(test)]
mod tests {
    use super::gallop;

    #[test]
    fn gallop_finds_the_partition_point() {
        for n in 0..40usize {
            let v: Vec<usize> = (0..n).collect();
            for k in 0..=n {
                assert_eq!(gallop(&v, |&x| x < k), k, "n={n} k={k}");
            }
        }
        let v = [1, 1, 2, 2, 2, 3, 7, 7, 9];
        for u in 0..11 {
            assert_eq!(
                gallop(&v, |&x| x <= u),
                v.partition_point(|&x| x <= u),
                "{u}"
            );
        }
    }
}
