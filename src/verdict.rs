//! What `classify` returns: findings with evidence spans in the original text.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// How serious a violation is. Ordered: `Low < Medium < High < Critical`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Vulgar or borderline; usually no action.
    Low,
    /// Abusive; usually reviewed.
    Medium,
    /// Clearly against the rules; usually removed.
    High,
    /// Threats to life and safety; removed and escalated.
    Critical,
}

impl Severity {
    /// The lower-case name, as in policy files.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The action a category takes when its policy names none.
    pub fn default_action(self) -> Action {
        match self {
            Severity::Low => Action::Flag,
            Severity::Medium => Action::Review,
            Severity::High | Severity::Critical => Action::Remove,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a policy does with content. Ordered: `None < Flag < Review < Remove`; a
/// verdict takes the strongest action of its findings.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Nothing: the content stays up (no finding, or only informational ones).
    #[default]
    None,
    /// Keep the content up but label it, or lower its reach.
    Flag,
    /// Hold for a human moderator.
    Review,
    /// Take the content down.
    Remove,
}

impl Action {
    /// The lower-case name, as in policy files and CLI output.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::None => "none",
            Action::Flag => "flag",
            Action::Review => "review",
            Action::Remove => "remove",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Words of the original text that a finding rests on.
///
/// The words are not copied into each piece of evidence: every piece of evidence of
/// one `classify` call points into one buffer holding the words of them all, shared,
/// so a text with a million hits makes one allocation for their words, not a million.
#[derive(Clone, Deserialize)]
#[serde(try_from = "EvidenceRepr")]
pub struct Evidence {
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// The words, at `at..at + (end - start)` (see [`share_words`]).
    pub(crate) words: Arc<str>,
    pub(crate) at: usize,
    /// Shared by every piece of evidence of one lexicon in a verdict: a text with a
    /// million hits holds the lexicon's name once, not a million times.
    pub(crate) lexicon: Arc<str>,
}

impl Evidence {
    /// The byte range in the ORIGINAL text passed to `classify`, on char boundaries:
    /// `&text[evidence.span()]` is the evidence as the author wrote it.
    pub fn span(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The original words (`&text[self.span()]`).
    pub fn text(&self) -> &str {
        self.end
            .checked_sub(self.start)
            .and_then(|n| self.words.get(self.at..self.at.checked_add(n)?))
            .unwrap_or_default()
    }

    /// The lexicon (or inline phrase) that matched.
    pub fn lexicon(&self) -> &str {
        &self.lexicon
    }
}

// Equal, hashed and printed by what they say, not by the buffer their words are in.
impl PartialEq for Evidence {
    fn eq(&self, other: &Self) -> bool {
        self.start == other.start
            && self.end == other.end
            && self.text() == other.text()
            && self.lexicon == other.lexicon
    }
}

impl Eq for Evidence {}

impl std::hash::Hash for Evidence {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.start.hash(state);
        self.end.hash(state);
        self.text().hash(state);
        self.lexicon.hash(state);
    }
}

impl fmt::Debug for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Evidence")
            .field("start", &self.start)
            .field("end", &self.end)
            .field("text", &self.text())
            .field("lexicon", &self.lexicon)
            .finish()
    }
}

impl Serialize for Evidence {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Evidence", 4)?;
        s.serialize_field("start", &self.start)?;
        s.serialize_field("end", &self.end)?;
        s.serialize_field("text", self.text())?;
        s.serialize_field("lexicon", &*self.lexicon)?;
        s.end()
    }
}

/// How a piece of evidence is read: its span, its words and its lexicon.
#[derive(Deserialize)]
#[serde(rename = "Evidence")]
struct EvidenceRepr {
    start: usize,
    end: usize,
    text: String,
    lexicon: Arc<str>,
}

impl TryFrom<EvidenceRepr> for Evidence {
    type Error = String;

    fn try_from(e: EvidenceRepr) -> Result<Self, String> {
        if e.end.checked_sub(e.start) != Some(e.text.len()) {
            return Err(format!(
                "evidence {:?} at {}..{} is {} bytes long, its span {}",
                e.text,
                e.start,
                e.end,
                e.text.len(),
                e.end.saturating_sub(e.start)
            ));
        }
        Ok(Evidence {
            start: e.start,
            end: e.end,
            words: Arc::from(e.text),
            at: 0,
            lexicon: e.lexicon,
        })
    }
}

/// Gives every piece of evidence of `lists` its words, taken from `text` (the text
/// their spans are in) into one buffer that they all share. Within a list the
/// evidence comes in text order, so overlapping pieces share their bytes too.
pub(crate) fn share_words(text: &str, lists: &mut [&mut Vec<Evidence>]) {
    if lists.iter().all(|l| l.is_empty()) {
        return;
    }
    let mut buf = String::new();
    for list in lists.iter_mut() {
        // The text range last copied, and where it starts in `buf`.
        let mut open: Option<(usize, usize, usize)> = None;
        for e in list.iter_mut() {
            match open {
                Some((s, end, at)) if s <= e.start && e.start <= end => {
                    if e.end > end {
                        buf.push_str(text.get(end..e.end).unwrap_or_default());
                        open = Some((s, e.end, at));
                    }
                    e.at = at + (e.start - s);
                }
                _ => {
                    e.at = buf.len();
                    buf.push_str(text.get(e.start..e.end).unwrap_or_default());
                    open = Some((e.start, e.end, e.at));
                }
            }
        }
    }
    let words: Arc<str> = Arc::from(buf);
    for list in lists {
        for e in list.iter_mut() {
            e.words = Arc::clone(&words);
        }
    }
}

/// One rule that fired, with its category and evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub(crate) policy: String,
    pub(crate) rule: String,
    pub(crate) category: String,
    pub(crate) severity: Severity,
    pub(crate) action: Action,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) tos_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) dsa_category: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) dsa_keywords: Vec<String>,
    pub(crate) evidence: Vec<Evidence>,
}

impl Finding {
    /// The id of the policy (pack) whose rule fired.
    pub fn policy(&self) -> &str {
        &self.policy
    }

    /// The rule id.
    pub fn rule(&self) -> &str {
        &self.rule
    }

    /// The category id, such as `violence.threat`.
    pub fn category(&self) -> &str {
        &self.category
    }

    /// The severity (the rule's, or its category's).
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The action the category calls for.
    pub fn action(&self) -> Action {
        self.action
    }

    /// The terms-of-service clause the rule enforces.
    pub fn tos_ref(&self) -> Option<&str> {
        self.tos_ref.as_deref()
    }

    /// The EU DSA statement category of the finding's category, if the policy names one.
    pub fn dsa_category(&self) -> Option<&str> {
        self.dsa_category.as_deref()
    }

    /// The EU DSA keywords of the finding's category.
    pub fn dsa_keywords(&self) -> &[String] {
        &self.dsa_keywords
    }

    /// The evidence, in text order; never empty.
    pub fn evidence(&self) -> &[Evidence] {
        &self.evidence
    }
}

/// The outcome of classifying one text under one policy.
///
/// ```
/// let policy = tosguard::Policy::baseline();
/// let text = "Je vais te tuer";
/// let verdict = policy.classify(text);
/// assert_eq!(verdict.action(), tosguard::Action::Remove);
/// assert!(verdict.has_category("violence.threat"));
/// let f = &verdict.findings()[0];
/// assert!(f.evidence().iter().any(|e| &text[e.span()] == "tuer"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub(crate) policy: String,
    pub(crate) version: String,
    #[serde(default)]
    pub(crate) fingerprint: String,
    pub(crate) action: Action,
    pub(crate) severity: Option<Severity>,
    pub(crate) findings: Vec<Finding>,
}

impl Verdict {
    /// The id of the policy that decided.
    pub fn policy(&self) -> &str {
        &self.policy
    }

    /// The version of the policy that decided.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The fingerprint of the policy that decided (see [`crate::Policy::fingerprint`]).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The strongest action among the findings (`Action::None` if there are none).
    pub fn action(&self) -> Action {
        self.action
    }

    /// The highest severity among the findings.
    pub fn severity(&self) -> Option<Severity> {
        self.severity
    }

    /// Every rule that fired, in the policy's rule order.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// True when no rule fired.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }

    /// The distinct categories found, sorted.
    pub fn categories(&self) -> Vec<&str> {
        let mut c: Vec<&str> = self.findings.iter().map(|f| f.category()).collect();
        c.sort_unstable();
        c.dedup();
        c
    }

    /// `text` with every evidence span of every finding masked: each character of the
    /// evidence is replaced by `mask`, everything else is kept. `text` must be the text
    /// the verdict was given for; a span that does not fit it is left unmasked.
    ///
    /// ```
    /// let policy = tosguard::Policy::baseline();
    /// let text = "I will kill you. Nice day.";
    /// let masked = policy.classify(text).redact(text, '*');
    /// assert_eq!(masked, "****** **** ***. Nice day.");
    /// ```
    pub fn redact(&self, text: &str, mask: char) -> String {
        redact_spans(
            text,
            self.findings
                .iter()
                .flat_map(|f| f.evidence.iter().map(Evidence::span)),
            mask,
        )
    }

    /// Whether a finding has category `id`, or, for a prefix ending in `.` or `*`
    /// (`"hate."`, `"hate.*"`), any category under it.
    pub fn has_category(&self, id: &str) -> bool {
        let prefix = id.strip_suffix('*').unwrap_or(id);
        self.findings.iter().any(|f| {
            if prefix.ends_with('.') {
                f.category.starts_with(prefix)
            } else {
                f.category == id
            }
        })
    }
}

/// `text` with each character inside one of `spans` (byte ranges, in any order,
/// overlapping or not) replaced by `mask`. A span out of bounds or not on character
/// boundaries is ignored. [`Verdict::redact`] masks one verdict's evidence; this
/// masks the evidence of several (the layers of a `PolicyStack`, say).
pub fn redact_spans(
    text: &str,
    spans: impl IntoIterator<Item = Range<usize>>,
    mask: char,
) -> String {
    let mut spans: Vec<Range<usize>> = spans
        .into_iter()
        .filter(|r| {
            r.start < r.end
                && r.end <= text.len()
                && text.is_char_boundary(r.start)
                && text.is_char_boundary(r.end)
        })
        .collect();
    spans.sort_unstable_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in spans {
        let start = r.start.max(at);
        if start >= r.end {
            continue;
        }
        out.push_str(&text[at..start]);
        out.extend(text[start..r.end].chars().map(|_| mask));
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}
