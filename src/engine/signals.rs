//! Signals over one text: each model the policy uses scores the folded text once, when
//! the first rule that needs a signal is reached; every `signal(…)` comparison that
//! passes gets hits on the words the model's tagger marks, so that a signal is an
//! operand like any lexicon, with evidence, proximity and contexts.
//!
//! When the tagger marks no word (it learned from English spans), the hit is the one
//! word whose features push that category's score up most; only when no word does, the
//! evidence is every clause of the text.

use std::ops::Range;

use super::scan::index_hits;
use super::{Hit, Scratch, Token};
use crate::compiled::{Compiled, LexiconId};

impl Compiled {
    /// Scores the signals of the text in `s` (once; later calls do nothing) and adds
    /// the hits of every comparison that passes.
    pub(crate) fn score_signals(&self, s: &mut Scratch) {
        if s.signals_ready {
            return;
        }
        s.signals_ready = true;
        if self.signals.is_empty() {
            return;
        }
        let before = s.hits.len();
        let norm = std::mem::take(&mut s.norm);
        let folded = norm.text();
        for (mi, source) in self.signal_models.iter().enumerate() {
            if !self.signals.iter().any(|u| u.model == mi) {
                continue;
            }
            let scores = source.model.score_folded(folded);
            let mut tagged = false;
            for u in self.signals.iter().filter(|u| u.model == mi) {
                if !u.passes(scores.value(u.head)) {
                    continue;
                }
                if !tagged {
                    source.model.tag_folded(folded, &mut s.tagged);
                    tagged = true;
                }
                let strongest;
                let spans: &[Range<usize>] = if s.tagged.is_empty() {
                    strongest = source.model.strongest_token(folded, u.head);
                    strongest.as_slice()
                } else {
                    &s.tagged
                };
                push_signal_hits(u.lex, spans, &s.tokens, &mut s.hits);
            }
        }
        s.norm = norm;
        if s.hits.len() > before {
            s.hits.sort_unstable_by_key(|h| (h.start, h.end, h.lex));
            index_hits(self.lexicons.len(), s);
        }
    }
}

/// Adds hits of lexicon `lex` on the words of `tagged` (folded byte ranges), one per
/// run of words in one clause; if the tagger marked no word, one per clause of the
/// text (the whole text is the evidence). Returns whether any hit was added.
fn push_signal_hits(
    lex: LexiconId,
    tagged: &[Range<usize>],
    tokens: &[Token],
    hits: &mut Vec<Hit>,
) -> bool {
    let before = hits.len();
    let mut run: Option<(usize, usize)> = None;
    let flush = |run: &mut Option<(usize, usize)>, hits: &mut Vec<Hit>| {
        if let Some((a, b)) = run.take() {
            if let (Some(ta), Some(tb)) = (tokens.get(a), tokens.get(b)) {
                hits.push(Hit {
                    lex,
                    start: ta.start,
                    end: tb.end,
                    ts: a as u32,
                    te: b as u32,
                    sentence: ta.sentence,
                    clause: ta.clause,
                });
            }
        }
    };
    for r in tagged {
        let first = tokens.partition_point(|t| (t.end as usize) <= r.start);
        for (i, t) in tokens.iter().enumerate().skip(first) {
            if t.start as usize >= r.end {
                break;
            }
            run = match run {
                Some((a, b))
                    if b + 1 == i && tokens.get(a).is_some_and(|ta| ta.clause == t.clause) =>
                {
                    Some((a, i))
                }
                Some(_) => {
                    flush(&mut run, hits);
                    Some((i, i))
                }
                None => Some((i, i)),
            };
        }
        flush(&mut run, hits);
    }
    if hits.len() == before {
        // Nothing marked: every clause is the evidence.
        for (i, t) in tokens.iter().enumerate() {
            run = match run {
                Some((a, _)) if tokens.get(a).is_some_and(|ta| ta.clause == t.clause) => {
                    Some((a, i))
                }
                Some(_) => {
                    flush(&mut run, hits);
                    Some((i, i))
                }
                None => Some((i, i)),
            };
        }
        flush(&mut run, hits);
    }
    hits.len() > before
}

#[cfg(test)]
mod tests {
    use crate::engine::Scratch;

    const POLICY: &str = r#"
[policy]
id = "lazy"
extends = ["taxonomy"]

[lexicons.you]
terms = ["you"]

[lexicons.them]
terms = ["them"]

[[rules]]
id = "a"
category = "harassment.insult"
when = "signal(harassment) >= 0.5 and you"

[[rules]]
id = "b"
category = "harassment.insult"
when = "you before(3) signal(harassment) >= 0.5"

[[rules]]
id = "c"
category = "harassment.insult"
when = "(you or them) near(3) signal(harassment) >= 0.5"
"#;

    /// Evaluates every rule of the policy over `text`; returns the scratch.
    fn run(text: &str) -> Scratch {
        let policy = crate::Policy::from_toml_str(POLICY).unwrap();
        let c = policy.compiled_for_tests();
        let mut s = Scratch::default();
        c.prepare(text, &mut s);
        for rule in &c.rules {
            c.eval_rule(rule, &mut s, None);
        }
        s
    }

    #[test]
    fn signals_are_scored_only_when_a_rule_could_use_them() {
        // Neither `you` nor `them`: no rule can match, so the model never runs (rule c
        // needs one of the two, though neither alone).
        let s = run("what a stupid worthless idiot");
        assert!(!s.signals_ready);
        let s = run("all of them are stupid worthless idiots");
        assert!(s.signals_ready, "rule c could match: the model runs");
        // With `you`, it runs once: the signal's hits are added once, for both rules.
        let s = run("you are a stupid worthless idiot");
        assert!(s.signals_ready);
        let policy = crate::Policy::from_toml_str(POLICY).unwrap();
        let c = policy.compiled_for_tests();
        let lex = c.signals[0].lex;
        assert_eq!(c.signals.len(), 1, "one comparison, one pseudo-lexicon");
        assert_eq!(s.hits.iter().filter(|h| h.lex == lex).count(), 1);
    }
}
