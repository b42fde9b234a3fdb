//! Why each rule fired or was suppressed: for policy authors.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

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

/// What [`crate::Policy::explain`] returns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The folded text the automaton scanned.
    pub normalized: String,
    /// Every hit, in text order.
    pub hits: Vec<ExplainedHit>,
    /// The rules whose condition matched (fired or suppressed).
    pub rules: Vec<ExplainedRule>,
    /// How many rules did not match at all.
    pub rules_not_matched: usize,
    /// The verdict, as `classify` returns it.
    pub verdict: Verdict,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "normalized: {:?}", self.normalized)?;
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
