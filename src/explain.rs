//! Why each rule fired or was suppressed: for policy authors.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

use crate::compiled::{Compiled, ContextId};
use crate::engine::{Names, Outcome, Scratch, windows, with_scratch};
use crate::normalize::Normalized;
use crate::signal::SignalFeature;
use crate::verdict::Verdict;

/// A lexicon term found in the text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExplainedHit {
    /// The lexicon (`"…"` for an inline phrase, `@name` for a context's cues).
    pub lexicon: String,
    /// The byte range in the original text.
    pub span: Range<usize>,
    /// The original words.
    pub text: String,
    /// The words as folded for matching.
    pub folded: String,
    /// The sentence the hit is in (0-based).
    pub sentence: u32,
    /// The clause the hit is in (0-based, counted over the whole text).
    pub clause: u32,
}

/// One match of a rule's condition and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExplainedMatch {
    /// The original words the match rests on.
    pub evidence: Vec<String>,
    /// `fired`, `suppressed by <context>` or `requires <context>`.
    pub outcome: String,
}

/// A rule whose condition matched at least once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExplainedRule {
    /// The rule id.
    pub rule: String,
    /// Its category.
    pub category: String,
    /// Its condition, as written.
    pub when: String,
    /// Whether at least one match counted.
    pub fired: bool,
    /// Every match, with its outcome.
    pub matches: Vec<ExplainedMatch>,
}

/// A signal the policy's conditions use, as it scored the text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExplainedSignal {
    /// `hate` (a category of the built-in model) or `MODEL.CATEGORY`.
    pub signal: String,
    /// The score, in `0.0..=1.0`.
    pub score: f32,
    /// The comparisons of the conditions on this signal, and whether each passed
    /// (`signal(hate) >= 0.8: true`).
    pub comparisons: Vec<(String, bool)>,
    /// The features of the text that push the score up most, strongest first.
    pub features: Vec<SignalFeature>,
    /// The original words the model's tagger marks (the evidence of a comparison that passes;
    /// empty when it marks none, and the whole text is the evidence).
    pub tagged: Vec<String>,
    /// The window of the text it scored (an index into [`Explanation::windows`]): a
    /// signal scores each window of a long text on its own.
    pub window: usize,
}

/// What [`crate::Policy::explain`] returns.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation {
    /// The folded text the automaton scanned (of every window, one after the other).
    pub normalized: String,
    /// The byte ranges of the windows the text was judged in, in order (one, the
    /// whole text, unless the text is longer than the policy's
    /// [`Limits::window_bytes`](crate::Limits::window_bytes)).
    pub windows: Vec<Range<usize>>,
    /// Every hit, in text order.
    pub hits: Vec<ExplainedHit>,
    /// The rules whose condition matched (fired or suppressed).
    pub rules: Vec<ExplainedRule>,
    /// The signals the conditions use (none for a policy without `signal(…)`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub signals: Vec<ExplainedSignal>,
    /// How many rules did not match at all.
    pub rules_not_matched: usize,
    /// The verdict, as `classify` returns it.
    pub verdict: Verdict,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "normalized: {:?}", self.normalized)?;
        if self.windows.len() > 1 {
            let spans: Vec<String> = self
                .windows
                .iter()
                .map(|w| format!("{}..{}", w.start, w.end))
                .collect();
            writeln!(f, "windows: {}", spans.join(", "))?;
        }
        writeln!(f, "hits:")?;
        if self.hits.is_empty() {
            writeln!(f, "  (none)")?;
        }
        for h in &self.hits {
            writeln!(
                f,
                "  {}..{} {:?} in {} (sentence {}, clause {})",
                h.span.start, h.span.end, h.text, h.lexicon, h.sentence, h.clause
            )?;
        }
        if !self.signals.is_empty() {
            writeln!(f, "signals:")?;
        }
        for sig in &self.signals {
            if self.windows.len() > 1 {
                writeln!(
                    f,
                    "  {} (window {}): {:.3}",
                    sig.signal, sig.window, sig.score
                )?;
            } else {
                writeln!(f, "  {}: {:.3}", sig.signal, sig.score)?;
            }
            for (cmp, passed) in &sig.comparisons {
                writeln!(
                    f,
                    "    {cmp}: {}",
                    if *passed { "passes" } else { "does not pass" }
                )?;
            }
            if !sig.features.is_empty() {
                let top: Vec<String> = sig
                    .features
                    .iter()
                    .map(|x| format!("{} {:+.3}", x.feature, x.logit))
                    .collect();
                writeln!(f, "    strongest features: {}", top.join(", "))?;
            }
            if !sig.tagged.is_empty() {
                writeln!(f, "    tagged words: {:?}", sig.tagged)?;
            }
        }
        writeln!(f, "rules:")?;
        for r in &self.rules {
            let state = if r.fired { "FIRED" } else { "suppressed" };
            writeln!(
                f,
                "  {} ({}): {state}   when: {}",
                r.rule, r.category, r.when
            )?;
            for m in &r.matches {
                writeln!(f, "    {:?}: {}", m.evidence, m.outcome)?;
            }
        }
        writeln!(
            f,
            "  ({} other rules did not match)",
            self.rules_not_matched
        )?;
        write!(f, "action: {}", self.verdict.action())?;
        for finding in self.verdict.findings() {
            write!(f, "\n  {} -> {}", finding.rule(), finding.category())?;
        }
        Ok(())
    }
}

impl Compiled {
    /// Classifies `text` and records why each rule fired or was suppressed, window by
    /// window as `classify` judges it: spans are in the whole text, sentences and
    /// clauses are counted over it, a rule's matches are those of every window.
    pub(crate) fn explain(&self, text: &str) -> Explanation {
        let verdict = self.classify(text);
        with_scratch(|s| {
            let mut out = Explanation {
                normalized: String::new(),
                windows: Vec::new(),
                hits: Vec::new(),
                rules: Vec::new(),
                rules_not_matched: 0,
                signals: Vec::new(),
                verdict,
            };
            // Per rule (by index): its explanation so far, sorted by rule.
            let mut rules: Vec<(usize, ExplainedRule)> = Vec::new();
            let (mut sentence0, mut clause0) = (0, 0);
            let mut names = Names::new();
            for w in windows(text, self.window_bytes) {
                let part = text.get(w.clone()).unwrap_or_default();
                self.prepare(part, s);
                // Scored up front, so that the hits below include the signals'.
                self.score_signals(s);
                let index = out.windows.len();
                out.signals
                    .extend(self.explain_signals(part, &s.norm).into_iter().map(|sig| {
                        ExplainedSignal {
                            window: index,
                            ..sig
                        }
                    }));
                out.hits.extend(s.hits.iter().map(|h| {
                    let span = s.norm.original_range(h.start as usize..h.end as usize);
                    ExplainedHit {
                        lexicon: self.lexicon_name(h.lex).to_string(),
                        text: part.get(span.clone()).unwrap_or("").to_string(),
                        span: span.start + w.start..span.end + w.start,
                        folded: s
                            .norm
                            .text()
                            .get(h.start as usize..h.end as usize)
                            .unwrap_or("")
                            .to_string(),
                        sentence: sentence0 + h.sentence,
                        clause: clause0 + h.clause,
                    }
                }));
                for (ri, rule) in self.rules.iter().enumerate() {
                    let mut trace = Vec::new();
                    let fired = self.eval_rule(rule, s, Some(&mut trace));
                    if trace.is_empty() {
                        continue;
                    }
                    let matches = self.explain_matches(part, w.start, trace, s, &mut names);
                    match rules.binary_search_by_key(&ri, |r| r.0) {
                        Ok(i) => {
                            if let Some((_, r)) = rules.get_mut(i) {
                                r.fired |= fired;
                                r.matches.extend(matches);
                            }
                        }
                        Err(i) => rules.insert(
                            i,
                            (
                                ri,
                                ExplainedRule {
                                    rule: rule.id.clone(),
                                    category: self
                                        .category(rule.category)
                                        .map(|c| c.id.clone())
                                        .unwrap_or_default(),
                                    when: rule.when_src.clone(),
                                    fired,
                                    matches,
                                },
                            ),
                        ),
                    }
                }
                out.normalized.push_str(s.norm.text());
                out.windows.push(w);
                sentence0 += u32::try_from(s.questions.len()).unwrap_or(u32::MAX);
                clause0 += s.tokens.last().map_or(1, |t| t.clause.saturating_add(1));
            }
            out.rules_not_matched = self.rules.len().saturating_sub(rules.len());
            out.rules = rules.into_iter().map(|r| r.1).collect();
            out
        })
    }

    /// The matches of one rule in one window (`text`, starting at byte `offset` of the
    /// whole text), as the rule's trace records them.
    fn explain_matches(
        &self,
        text: &str,
        offset: usize,
        trace: Vec<(Vec<u32>, Outcome)>,
        s: &Scratch,
        names: &mut Names,
    ) -> Vec<ExplainedMatch> {
        let ctx_name = |c: ContextId| self.context(c).map(|c| c.name.as_str()).unwrap_or("?");
        trace
            .into_iter()
            .map(|(mut ev, outcome)| ExplainedMatch {
                evidence: self
                    .evidence_of(text, offset, &mut ev, s, names)
                    .into_iter()
                    .filter_map(|e| {
                        text.get(e.start.saturating_sub(offset)..e.end.saturating_sub(offset))
                    })
                    .map(str::to_string)
                    .collect(),
                outcome: match outcome {
                    Outcome::Fired => "fired".into(),
                    Outcome::Suppressed(c) => format!("suppressed by {}", ctx_name(c)),
                    Outcome::MissingRequired(c) => format!("requires {}", ctx_name(c)),
                },
            })
            .collect()
    }

    /// Each signal (model and category) the conditions use: its score on `folded` (the
    /// text as the policy folds it), its comparisons and strongest features.
    fn explain_signals(&self, text: &str, norm: &Normalized) -> Vec<ExplainedSignal> {
        let folded = norm.text();
        let mut out: Vec<ExplainedSignal> = Vec::new();
        let mut seen: Vec<(usize, usize)> = Vec::new();
        for u in &self.signals {
            let Some(source) = self.signal_models.get(u.model) else {
                continue;
            };
            let model = &source.model;
            let score = model.score_folded(folded).value(u.head);
            let cmp = (self.lexicon_name(u.lex).to_string(), u.passes(score));
            if let Some(i) = seen.iter().position(|&k| k == (u.model, u.head)) {
                if let Some(e) = out.get_mut(i) {
                    e.comparisons.push(cmp);
                }
                continue;
            }
            seen.push((u.model, u.head));
            let category = model.categories().nth(u.head).unwrap_or("");
            let mut tagged = Vec::new();
            model.tag_folded(folded, &mut tagged);
            out.push(ExplainedSignal {
                signal: if source.name == crate::signal::BUILTIN_NAME {
                    category.to_string()
                } else {
                    format!("{}.{category}", source.name)
                },
                score,
                comparisons: vec![cmp],
                window: 0,
                features: model.strongest_in_folded(folded, u.head, 5),
                tagged: tagged
                    .into_iter()
                    .filter_map(|r| text.get(norm.original_range(r)).map(str::to_string))
                    .collect(),
            });
        }
        out
    }
}
