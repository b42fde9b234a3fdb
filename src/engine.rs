//! Classification: normalize, scan once, find sentences, clauses, quotes and hits'
//! contexts, then evaluate rules over the hits.

use std::cell::RefCell;

use crate::compile::{Compiled, ContextKind, Node, Rule};
use crate::normalize::{Normalized, is_word_char, normalize_into};
use crate::spec::{CuePosition, MatchMode, Scope};
use crate::verdict::{Evidence, Finding, Verdict};

/// Cue hits examined per word when walking back to a context cue (all of them in any
/// real text; a bound on adversarial input).
const MAX_MATCHES: usize = 64;

/// A word of the folded text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    pub(crate) start: u32,
    pub(crate) end: u32,
    pub(crate) sentence: u32,
    pub(crate) clause: u32,
}

/// A lexicon term found in the folded text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hit {
    pub(crate) lex: u32,
    /// Folded byte range.
    pub(crate) start: u32,
    pub(crate) end: u32,
    /// First and last token.
    pub(crate) ts: u32,
    pub(crate) te: u32,
    pub(crate) sentence: u32,
    pub(crate) clause: u32,
}

impl Hit {
    fn unit(&self, scope: Scope) -> u32 {
        match scope {
            Scope::Clause => self.clause,
            Scope::Sentence => self.sentence,
            Scope::Text => 0,
        }
    }
}

/// A match of a condition: a token range and its evidence (a slice of the arena).
#[derive(Clone, Copy, Debug)]
struct M {
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

/// Everything one call computes, kept per thread and reused so that a warm call
/// allocates only its verdict.
#[derive(Default)]
pub(crate) struct Scratch {
    pub(crate) norm: Normalized,
    pub(crate) tokens: Vec<Token>,
    pub(crate) questions: Vec<bool>,
    pub(crate) quotes: Vec<(u32, u32)>,
    pub(crate) hits: Vec<Hit>,
    pub(crate) present: Vec<bool>,
    buf: Vec<M>,
    arena: Vec<u32>,
    evidence: Vec<u32>,
    lex_off: Vec<u32>,
    lex_fill: Vec<u32>,
    lex_hits: Vec<u32>,
    windows: Vec<u32>,
    /// The evidence of the current match in its last sentence, when it spans several.
    judged: Vec<u32>,
    /// Whether the quoted regions leave words outside them.
    pub(crate) quotes_embedded: bool,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `f` with this thread's scratch space: taken out of the thread-local slot for
/// the call and put back after, so a nested call (or one during thread teardown) simply
/// starts from an empty scratch.
pub(crate) fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    let mut scratch = SCRATCH
        .try_with(|cell| {
            cell.try_borrow_mut()
                .map(|mut s| std::mem::take(&mut *s))
                .ok()
        })
        .ok()
        .flatten()
        .unwrap_or_default();
    let out = f(&mut scratch);
    let _ = SCRATCH.try_with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            *slot = scratch;
        }
    });
    out
}

/// Splits folded text into tokens, sentences, clauses and quoted regions.
pub(crate) fn segment(text: &str, s: &mut Scratch) {
    s.tokens.clear();
    s.questions.clear();
    s.quotes.clear();
    let mut sentence = 0u32;
    let mut clause = 0u32;
    let mut pending_sentence = false;
    let mut pending_clause = false;
    let mut in_token: Option<u32> = None;
    let mut dq_open: Option<u32> = None;
    let mut guillemets: Vec<u32> = Vec::new();
    // Candidate opening single quotes in this sentence; a closing one pairs with the
    // earliest, so that an elision inside a quotation (`'kill 'em all'`) stays inside.
    let mut sq_open: Vec<u32> = Vec::new();
    s.questions.push(false);
    let mut prev: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let i32_ = i as u32;
        let next = chars.peek().map(|&(_, n)| n);
        if is_word_char(c) {
            if in_token.is_none() {
                if pending_sentence {
                    sentence += 1;
                    clause += 1;
                    s.questions.push(false);
                    sq_open.clear();
                } else if pending_clause {
                    clause += 1;
                }
                pending_sentence = false;
                pending_clause = false;
                in_token = Some(i32_);
            }
            prev = Some(c);
            continue;
        }
        if let Some(start) = in_token.take() {
            s.tokens.push(Token {
                start,
                end: i32_,
                sentence,
                clause,
            });
        }
        match c {
            '.' if !next.is_some_and(is_word_char) => pending_sentence = true,
            '!' | '?' | '…' | '\n' => {
                pending_sentence = true;
                if c == '?' {
                    if let Some(q) = s.questions.last_mut() {
                        *q = true;
                    }
                }
            }
            ',' | ';' | ':' | '—' | '–' | '(' | ')' => pending_clause = true,
            '-' if prev == Some(' ') && next == Some(' ') => pending_clause = true,
            '"' => match dq_open.take() {
                Some(open) => s.quotes.push((open, i32_)),
                None => dq_open = Some(i32_),
            },
            '«' => guillemets.push(i32_),
            '»' => {
                if let Some(open) = guillemets.pop() {
                    s.quotes.push((open, i32_));
                }
            }
            '\'' => {
                let before_word = prev.is_some_and(is_word_char);
                let after_word = next.is_some_and(is_word_char);
                if !before_word && after_word {
                    sq_open.push(i32_);
                } else if before_word && !after_word {
                    if let Some(&open) = sq_open.first() {
                        s.quotes.push((open, i32_));
                        sq_open.clear();
                    }
                }
            }
            _ => {}
        }
        prev = Some(c);
    }
    if let Some(start) = in_token.take() {
        s.tokens.push(Token {
            start,
            end: text.len() as u32,
            sentence,
            clause,
        });
    }
    // Merge the quoted regions into disjoint, sorted ones: lookups are then binary
    // searches, and nested or overlapping quotes cost nothing extra.
    s.quotes.sort_unstable();
    let mut merged: usize = 0;
    for k in 0..s.quotes.len() {
        let Some(&(a, b)) = s.quotes.get(k) else {
            break;
        };
        match merged.checked_sub(1).and_then(|m| s.quotes.get_mut(m)) {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => {
                if let Some(slot) = s.quotes.get_mut(merged) {
                    *slot = (a, b);
                }
                merged += 1;
            }
        }
    }
    s.quotes.truncate(merged);
    let quotes = &s.quotes;
    let outside = s
        .tokens
        .iter()
        .filter(|t| !in_quotes(quotes, t.start, t.end))
        .take(2)
        .count();
    s.quotes_embedded = outside >= 2;
}

/// Whether the bytes `start..end` lie inside one of the sorted, disjoint quoted
/// regions (strictly after the opening mark, up to the closing one).
fn in_quotes(quotes: &[(u32, u32)], start: u32, end: u32) -> bool {
    let i = quotes.partition_point(|&(a, _)| a < start);
    i.checked_sub(1)
        .and_then(|i| quotes.get(i))
        .is_some_and(|&(_, b)| end <= b)
}

/// The hits of lexicon `lex`, as ascending hit indices.
fn lex_slice(s: &Scratch, lex: u32) -> &[u32] {
    let (a, b) = (
        s.lex_off.get(lex as usize).copied().unwrap_or(0) as usize,
        s.lex_off.get(lex as usize + 1).copied().unwrap_or(0) as usize,
    );
    s.lex_hits.get(a..b).unwrap_or(&[])
}

/// Pattern flags, computed once per automaton pattern.
pub(crate) const FIRST_IS_WORD: u8 = 1;
pub(crate) const LAST_IS_WORD: u8 = 2;
pub(crate) const HAS_WORD: u8 = 4;
pub(crate) const HAS_PREFIX: u8 = 8;
pub(crate) const HAS_INFIX: u8 = 16;

/// The flags of a pattern: whether it starts and ends with a word character, and
/// the match modes its lexicons use.
pub(crate) fn pattern_flags(text: &str, uses: &[crate::compile::PatternUse]) -> u8 {
    let mut f = 0;
    if text.chars().next().is_some_and(is_word_char) {
        f |= FIRST_IS_WORD;
    }
    if text.chars().next_back().is_some_and(is_word_char) {
        f |= LAST_IS_WORD;
    }
    for u in uses {
        f |= match u.mode {
            MatchMode::Word => HAS_WORD,
            MatchMode::Prefix => HAS_PREFIX,
            MatchMode::Infix => HAS_INFIX,
        };
    }
    f
}

/// Whether the character ending at byte `at` is a word character.
fn word_char_before(text: &str, at: usize) -> bool {
    match text.as_bytes().get(at.wrapping_sub(1)) {
        None => false,
        Some(&b) if b.is_ascii() => is_word_char(b as char),
        Some(_) => text
            .get(..at)
            .and_then(|t| t.chars().next_back())
            .is_some_and(is_word_char),
    }
}

/// Whether the character starting at byte `at` is a word character.
fn word_char_at(text: &str, at: usize) -> bool {
    match text.as_bytes().get(at) {
        None => false,
        Some(&b) if b.is_ascii() => is_word_char(b as char),
        Some(_) => text
            .get(at..)
            .and_then(|t| t.chars().next())
            .is_some_and(is_word_char),
    }
}

/// The first token at or after byte `at`, or containing it.
fn token_at(tokens: &[Token], at: u32) -> usize {
    tokens.partition_point(|t| t.end <= at)
}

/// Runs the automaton once and keeps the hits that sit right in their words.
pub(crate) fn scan(c: &Compiled, text: &str, s: &mut Scratch) {
    s.hits.clear();
    s.present.clear();
    s.present.resize(c.lexicons.len(), false);
    for m in c.automaton.find_overlapping_iter(text) {
        let (start, end) = (m.start(), m.end());
        let p = m.pattern().as_usize();
        let (Some(uses), Some(&flags)) = (c.patterns.get(p), c.pattern_flags.get(p)) else {
            continue;
        };
        // Cheap rejection first: most automaton matches are short terms inside longer
        // words.
        let left_ok = flags & FIRST_IS_WORD == 0 || !word_char_before(text, start);
        let right_ok = flags & LAST_IS_WORD == 0 || !word_char_at(text, end);
        let any = flags & HAS_INFIX != 0
            || (flags & HAS_PREFIX != 0 && left_ok)
            || (flags & HAS_WORD != 0 && left_ok && right_ok);
        if !any {
            continue;
        }
        let ts = token_at(&s.tokens, start as u32);
        let te = token_at(&s.tokens, (end as u32).saturating_sub(1));
        let (Some(&tok_s), Some(&tok_e)) = (s.tokens.get(ts), s.tokens.get(te)) else {
            continue;
        };
        if te < ts {
            continue;
        }
        for u in uses {
            let ok = match u.mode {
                MatchMode::Word => left_ok && right_ok,
                MatchMode::Prefix => left_ok,
                MatchMode::Infix => true,
            };
            if ok {
                // Evidence covers whole words: a prefix or infix term reports the word.
                let (hs, he) = match u.mode {
                    MatchMode::Word => (start as u32, end as u32),
                    MatchMode::Prefix => (start as u32, tok_e.end.max(end as u32)),
                    MatchMode::Infix => (tok_s.start.min(start as u32), tok_e.end.max(end as u32)),
                };
                s.hits.push(Hit {
                    lex: u.lex,
                    start: hs,
                    end: he,
                    ts: ts as u32,
                    te: te as u32,
                    sentence: tok_s.sentence,
                    clause: tok_s.clause,
                });
                if let Some(p) = s.present.get_mut(u.lex as usize) {
                    *p = true;
                }
            }
        }
    }
    s.hits.sort_unstable_by_key(|h| (h.start, h.end, h.lex));
}

/// Lexicons a node cannot match without, sorted and unique.
pub(crate) fn needs(node: &Node) -> Vec<u32> {
    fn walk(node: &Node, out: &mut Vec<u32>) {
        match node {
            Node::Lex(id) => out.push(*id),
            Node::Not(_) | Node::Or(..) => {}
            Node::And(a, b) | Node::Before(a, b, _) | Node::Near(a, b, _) => {
                walk(a, out);
                walk(b, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(node, &mut out);
    out.sort_unstable();
    out.dedup();
    out
}

/// Lexicons at least one of which every match of `node` contains, sorted and unique:
/// a rule is only evaluated in windows holding a hit of one of them.
pub(crate) fn anchors(node: &Node) -> Vec<u32> {
    let mut out = match node {
        Node::Lex(id) => vec![*id],
        Node::Not(_) => Vec::new(),
        Node::Or(a, b) => {
            let mut v = anchors(a);
            v.extend(anchors(b));
            v
        }
        Node::And(a, b) | Node::Before(a, b, _) | Node::Near(a, b, _) => {
            let (x, y) = (anchors(a), anchors(b));
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

/// Builds the per-lexicon index of hits (`lex_off`, `lex_hits`).
fn index_hits(lexicons: usize, s: &mut Scratch) {
    s.lex_off.clear();
    s.lex_off.resize(lexicons + 1, 0);
    for h in &s.hits {
        if let Some(c) = s.lex_off.get_mut(h.lex as usize + 1) {
            *c += 1;
        }
    }
    for i in 1..s.lex_off.len() {
        let prev = s.lex_off.get(i - 1).copied().unwrap_or(0);
        if let Some(c) = s.lex_off.get_mut(i) {
            *c += prev;
        }
    }
    s.lex_hits.clear();
    s.lex_hits.resize(s.hits.len(), 0);
    s.lex_fill.clear();
    s.lex_fill.extend_from_slice(&s.lex_off);
    for (i, h) in s.hits.iter().enumerate() {
        if let Some(slot) = s.lex_fill.get_mut(h.lex as usize) {
            if let Some(dst) = s.lex_hits.get_mut(*slot as usize) {
                *dst = i as u32;
            }
            *slot += 1;
        }
    }
}

struct Eval<'a> {
    hits: &'a [Hit],
    /// The per-lexicon index of hits (see `index_hits`).
    lex_off: &'a [u32],
    lex_hits: &'a [u32],
    buf: &'a mut Vec<M>,
    arena: &'a mut Vec<u32>,
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
            Node::Lex(id) => {
                // The lexicon's hits (ascending hit indices), cut to the window.
                let (a, b) = (
                    self.lex_off.get(*id as usize).copied().unwrap_or(0) as usize,
                    self.lex_off.get(*id as usize + 1).copied().unwrap_or(0) as usize,
                );
                let all = self.lex_hits.get(a..b).unwrap_or(&[]);
                let from = all.partition_point(|&i| (i as usize) < window.0);
                let to = all.partition_point(|&i| (i as usize) < window.1);
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
            Node::Not(_) => {
                // Validated away: `not` only stands inside `and`.
            }
            Node::Or(a, b) => {
                self.eval(a, window);
                self.eval(b, window);
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
                _ => {
                    self.eval(a, window);
                    let sb = self.eval(b, window);
                    let eb = self.buf.len();
                    if sb == start || eb == sb {
                        self.buf.truncate(start);
                        return start;
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
            },
            Node::Before(a, b, n) | Node::Near(a, b, n) => {
                let ordered = matches!(node, Node::Before(..));
                self.eval(a, window);
                let sb = self.eval(b, window);
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
                        .filter(|l| r.ts - l.te <= *n)
                        .map(|&l| (r.ts - l.te, l));
                    if !ordered {
                        // Or the left match starting first after `r` ends.
                        let starts = self.buf.get(by_start..out).unwrap_or(&[]);
                        let k = starts.partition_point(|m| m.ts <= r.te);
                        if let Some(&l) = starts.get(k).filter(|l| l.ts - r.te <= *n) {
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
        start
    }
}

/// Why a match of a rule did not count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Fired,
    /// Suppressed by the context with this index.
    Suppressed(usize),
    /// The required context with this index did not hold.
    MissingRequired(usize),
}

/// Fills `out` with the evidence hits in the last sentence of a match and returns
/// `true`, if the match spans several sentences; else returns `false` (judge the whole
/// evidence) and leaves `out` alone.
fn last_sentence_evidence(evidence: &[u32], hits: &[Hit], out: &mut Vec<u32>) -> bool {
    let sentence = |i: &u32| hits.get(*i as usize).map(|h| h.sentence);
    let Some(last) = evidence.iter().filter_map(sentence).max() else {
        return false;
    };
    if evidence.iter().filter_map(sentence).all(|s| s == last) {
        return false;
    }
    out.clear();
    out.extend(evidence.iter().filter(|i| sentence(i) == Some(last)));
    true
}

impl Compiled {
    fn context_holds(&self, ctx: usize, evidence: &[u32], s: &Scratch) -> bool {
        let Some(ctx) = self.contexts.get(ctx) else {
            return false;
        };
        let hits = &s.hits;
        match &ctx.kind {
            ContextKind::Quoted => {
                s.quotes_embedded
                    && evidence
                        .iter()
                        .filter_map(|&i| hits.get(i as usize))
                        .any(|h| in_quotes(&s.quotes, h.start, h.end))
            }
            ContextKind::Question => {
                evidence
                    .iter()
                    .filter_map(|&i| hits.get(i as usize))
                    .any(|h| {
                        s.questions
                            .get(h.sentence as usize)
                            .copied()
                            .unwrap_or(false)
                    })
            }
            ContextKind::Cue {
                lex,
                except,
                scope,
                window,
                position,
            } => {
                let cues = lex_slice(s, *lex);
                let exceptions = lex_slice(s, *except);
                // A cue inside an exception phrase (`ne … que`, `nothing but`) does
                // not count.
                let cancelled = |c: &Hit| {
                    let k = exceptions.partition_point(|&e| {
                        hits.get(e as usize).is_some_and(|e| e.start <= c.start)
                    });
                    exceptions
                        .get(..k)
                        .unwrap_or(&[])
                        .iter()
                        .rev()
                        .take(MAX_MATCHES)
                        .filter_map(|&e| hits.get(e as usize))
                        .any(|e| e.end >= c.end)
                };
                // A cue that is part of the match's own words (`can't stand`) does not
                // negate the rest of the match.
                let in_evidence = |c: &Hit| {
                    evidence
                        .iter()
                        .filter_map(|&i| hits.get(i as usize))
                        .any(|e| e.start <= c.start && c.end <= e.end)
                };
                let counts = |c: &Hit| !cancelled(c) && !in_evidence(c);
                let before = matches!(position, CuePosition::Before | CuePosition::Around);
                let after = matches!(position, CuePosition::After | CuePosition::Around);
                evidence
                    .iter()
                    .filter_map(|&i| hits.get(i as usize))
                    .any(|h| {
                        let unit = h.unit(*scope);
                        // Cues that end before the word, nearest first, while in its unit
                        // (and window): a binary search, then a short walk back.
                        let at = cues.partition_point(|&c| {
                            hits.get(c as usize).is_some_and(|c| c.start < h.start)
                        });
                        let found_before = before
                            && cues
                                .get(..at)
                                .unwrap_or(&[])
                                .iter()
                                .rev()
                                .filter_map(|&c| hits.get(c as usize))
                                .take_while(|c| {
                                    c.unit(*scope) == unit
                                        && window.is_none_or(|w| h.ts.saturating_sub(c.te) <= w)
                                })
                                .take(MAX_MATCHES)
                                .any(|c| c.end <= h.start && counts(c));
                        // Cues that start after the word, nearest first, likewise.
                        let found_after = after
                            && cues
                                .get(at..)
                                .unwrap_or(&[])
                                .iter()
                                .filter_map(|&c| hits.get(c as usize))
                                .filter(|c| c.start >= h.end)
                                .take_while(|c| {
                                    c.unit(*scope) == unit
                                        && window.is_none_or(|w| c.ts.saturating_sub(h.te) <= w)
                                })
                                .take(MAX_MATCHES)
                                .any(counts);
                        found_before || found_after
                    })
            }
        }
    }

    /// Evaluates one rule; pushes the evidence of every counted match onto
    /// `s.evidence`, and reports each match's outcome to `trace`.
    pub(crate) fn eval_rule(
        &self,
        rule: &Rule,
        s: &mut Scratch,
        mut trace: Option<&mut Vec<(Vec<u32>, Outcome)>>,
    ) -> bool {
        if rule
            .needs
            .iter()
            .any(|&l| !s.present.get(l as usize).copied().unwrap_or(false))
        {
            return false;
        }
        s.evidence.clear();
        let mut fired = false;
        // The windows (sentence, clause or text units) that hold an anchor hit.
        s.windows.clear();
        for &lex in &rule.anchors {
            let (a, b) = (
                s.lex_off.get(lex as usize).copied().unwrap_or(0) as usize,
                s.lex_off.get(lex as usize + 1).copied().unwrap_or(0) as usize,
            );
            for &hi in s.lex_hits.get(a..b).unwrap_or(&[]) {
                if let Some(h) = s.hits.get(hi as usize) {
                    s.windows.push(h.unit(rule.scope));
                }
            }
        }
        s.windows.sort_unstable();
        s.windows.dedup();
        for wi in 0..s.windows.len() {
            let Some(&unit) = s.windows.get(wi) else {
                break;
            };
            let i = s.hits.partition_point(|h| h.unit(rule.scope) < unit);
            let j = s.hits.partition_point(|h| h.unit(rule.scope) <= unit);
            s.buf.clear();
            s.arena.clear();
            let mut ev = Eval {
                hits: &s.hits,
                lex_off: &s.lex_off,
                lex_hits: &s.lex_hits,
                buf: &mut s.buf,
                arena: &mut s.arena,
            };
            ev.eval(&rule.when, (i, j));
            for k in 0..s.buf.len() {
                let Some(m) = s.buf.get(k).copied() else {
                    break;
                };
                let range = m.ev as usize..(m.ev + m.n) as usize;
                let evidence = s.arena.get(range.clone()).unwrap_or(&[]);
                // A match across sentences (`scope = "text"`: a group named in one
                // sentence, a claim about "them" in a later one) is judged by the
                // context of its last sentence: an earlier sentence's negation or quote
                // does not carry over to the claim.
                let judged: &[u32] = if last_sentence_evidence(evidence, &s.hits, &mut s.judged) {
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

    /// Normalizes, scans and segments `text` into `s`.
    pub(crate) fn prepare(&self, text: &str, s: &mut Scratch) {
        normalize_into(text, &self.normalize, &mut s.norm);
        let norm = std::mem::take(&mut s.norm);
        segment(norm.text(), s);
        scan(self, norm.text(), s);
        index_hits(self.lexicons.len(), s);
        s.norm = norm;
    }

    /// Turns hit indices into evidence in the original text.
    pub(crate) fn evidence_of(
        &self,
        text: &str,
        hit_ids: &mut Vec<u32>,
        s: &Scratch,
    ) -> Vec<Evidence> {
        hit_ids.sort_unstable();
        hit_ids.dedup();
        let mut out: Vec<Evidence> = Vec::with_capacity(hit_ids.len());
        for &i in hit_ids.iter() {
            let Some(h) = s.hits.get(i as usize) else {
                continue;
            };
            let span = s.norm.original_range(h.start as usize..h.end as usize);
            // Hits come in text order: a repeated span (one word in two lexicons) is
            // next to its twin.
            if out
                .last()
                .is_some_and(|e| e.start == span.start && e.end == span.end)
            {
                continue;
            }
            let Some(words) = text.get(span.clone()) else {
                continue;
            };
            out.push(Evidence {
                start: span.start,
                end: span.end,
                text: words.to_string(),
                lexicon: self
                    .lexicons
                    .get(h.lex as usize)
                    .map(|l| l.name.clone())
                    .unwrap_or_default(),
            });
        }
        // Longest first at each start, then drop spans inside an earlier one (`'em`
        // and `em` are one piece of evidence).
        out.sort_by_key(|e| (e.start, std::cmp::Reverse(e.end)));
        let mut reach = 0;
        out.retain(|e| {
            let keep = e.end > reach;
            reach = reach.max(e.end);
            keep
        });
        out
    }

    pub(crate) fn classify(&self, text: &str) -> Verdict {
        self.classify_layers(text)
            .into_iter()
            .next()
            .unwrap_or_default()
    }

    /// Classifies once and splits the findings into one verdict per layer.
    pub(crate) fn classify_layers(&self, text: &str) -> Vec<Verdict> {
        with_scratch(|s| {
            self.prepare(text, s);
            let mut verdicts: Vec<Verdict> = self
                .layers
                .iter()
                .map(|l| Verdict {
                    policy: l.id.clone(),
                    version: l.version.clone(),
                    fingerprint: l.fingerprint.clone(),
                    ..Verdict::default()
                })
                .collect();
            for rule in &self.rules {
                if !self.eval_rule(rule, s, None) {
                    continue;
                }
                let mut ids = std::mem::take(&mut s.evidence);
                let evidence = self.evidence_of(text, &mut ids, s);
                s.evidence = ids;
                let (Some(cat), Some(verdict)) = (
                    self.categories.get(rule.category),
                    verdicts.get_mut(rule.layer),
                ) else {
                    continue;
                };
                if evidence.is_empty() {
                    continue;
                }
                verdict.action = verdict.action.max(cat.action);
                verdict.severity = verdict.severity.max(Some(rule.severity));
                verdict.findings.push(Finding {
                    policy: rule.pack.clone(),
                    rule: rule.id.clone(),
                    category: cat.id.clone(),
                    severity: rule.severity,
                    action: cat.action,
                    tos_ref: cat.tos_ref.clone(),
                    dsa_category: cat.dsa_category.clone(),
                    dsa_keywords: cat.dsa_keywords.clone(),
                    evidence,
                });
            }
            verdicts
        })
    }
}

impl Compiled {
    /// Classifies `text` and records why each rule fired or was suppressed.
    pub(crate) fn explain(&self, text: &str) -> crate::explain::Explanation {
        use crate::explain::{ExplainedHit, ExplainedMatch, ExplainedRule, Explanation};
        let verdict = self.classify(text);
        with_scratch(|s| {
            self.prepare(text, s);
            let hits = s
                .hits
                .iter()
                .map(|h| {
                    let span = s.norm.original_range(h.start as usize..h.end as usize);
                    ExplainedHit {
                        lexicon: self
                            .lexicons
                            .get(h.lex as usize)
                            .map(|l| l.name.clone())
                            .unwrap_or_default(),
                        text: text.get(span.clone()).unwrap_or("").to_string(),
                        span,
                        folded: s
                            .norm
                            .text()
                            .get(h.start as usize..h.end as usize)
                            .unwrap_or("")
                            .to_string(),
                        sentence: h.sentence,
                        clause: h.clause,
                    }
                })
                .collect();
            let mut rules = Vec::new();
            let mut not_matched = 0;
            for rule in &self.rules {
                let mut trace = Vec::new();
                let fired = self.eval_rule(rule, s, Some(&mut trace));
                if trace.is_empty() {
                    not_matched += 1;
                    continue;
                }
                let ctx_name =
                    |c: usize| self.contexts.get(c).map(|c| c.name.as_str()).unwrap_or("?");
                let matches = trace
                    .into_iter()
                    .map(|(mut ev, outcome)| ExplainedMatch {
                        evidence: self
                            .evidence_of(text, &mut ev, s)
                            .into_iter()
                            .map(|e| e.text)
                            .collect(),
                        outcome: match outcome {
                            Outcome::Fired => "fired".into(),
                            Outcome::Suppressed(c) => format!("suppressed by {}", ctx_name(c)),
                            Outcome::MissingRequired(c) => format!("requires {}", ctx_name(c)),
                        },
                    })
                    .collect();
                rules.push(ExplainedRule {
                    rule: rule.id.clone(),
                    category: self
                        .categories
                        .get(rule.category)
                        .map(|c| c.id.clone())
                        .unwrap_or_default(),
                    when: rule.when_src.clone(),
                    fired,
                    matches,
                });
            }
            Explanation {
                normalized: s.norm.text().to_string(),
                hits,
                rules,
                rules_not_matched: not_matched,
                verdict,
            }
        })
    }
}
