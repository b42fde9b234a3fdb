//! The serde shape of a policy file. Kept private: the public ways in are TOML and
//! [`crate::PolicyBuilder`].

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::normalize::NormalizeOptions;
use crate::verdict::{Action, Severity};

pub(crate) type S<T> = Spanned<T>;

/// A value with no place in any source (built in code).
pub(crate) fn unspanned<T>(v: T) -> S<T> {
    Spanned::new(0..0, v)
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a policy file")]
pub(crate) struct PolicyFile {
    pub(crate) policy: PolicyMeta,
    #[serde(default)]
    pub(crate) categories: BTreeMap<String, S<CategorySpec>>,
    #[serde(default)]
    pub(crate) lexicons: BTreeMap<String, S<LexiconSpec>>,
    #[serde(default)]
    pub(crate) contexts: BTreeMap<String, S<ContextSpec>>,
    /// `[conditions.NAME]`: named conditions the rules (and other named conditions)
    /// use by name, like a lexicon.
    #[serde(default)]
    pub(crate) conditions: BTreeMap<String, S<ConditionSpec>>,
    #[serde(default)]
    pub(crate) rules: Vec<S<RuleSpec>>,
    #[serde(default, rename = "override")]
    pub(crate) overrides: OverridesSpec,
    #[serde(default)]
    pub(crate) typos: TyposSpec,
    /// `[signals.NAME]`: signal models the policy's conditions can name.
    #[serde(default)]
    pub(crate) signals: BTreeMap<String, S<SignalSpec>>,
}

/// `[signals.NAME]`: a signal model file written by `tosguard train`.
#[derive(Clone, Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a signal: a table with `file`, the path of a model written by `tosguard train`"
)]
pub(crate) struct SignalSpec {
    /// The model file, relative to the policy file (to the current directory for a
    /// policy that is not a file).
    pub(crate) file: S<String>,
}

/// Changes a policy makes to what it extends.
/// `[typos]`: how typo variants of fuzzy lexicons are restricted.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a `[typos]` table")]
pub(crate) struct TyposSpec {
    /// Real words never read as a typo of a term (`voler` is not `violer`). Every pack
    /// of a policy adds to the list.
    #[serde(default)]
    pub(crate) exclude: Vec<S<String>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "an `[override]` table")]
pub(crate) struct OverridesSpec {
    #[serde(default)]
    pub(crate) rules: BTreeMap<String, S<RuleOverride>>,
    #[serde(default)]
    pub(crate) categories: BTreeMap<String, S<CategoryOverride>>,
    #[serde(default)]
    pub(crate) lexicons: BTreeMap<String, S<LexiconOverride>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a rule override: a table with `enabled` and `severity`"
)]
pub(crate) struct RuleOverride {
    #[serde(default)]
    pub(crate) enabled: Option<bool>,
    #[serde(default)]
    pub(crate) severity: Option<Severity>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a category override: a table with `severity`, `action`, `tos_ref` and `title`"
)]
pub(crate) struct CategoryOverride {
    #[serde(default)]
    pub(crate) severity: Option<Severity>,
    #[serde(default)]
    pub(crate) action: Option<Action>,
    #[serde(default)]
    pub(crate) tos_ref: Option<String>,
    #[serde(default)]
    pub(crate) title: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a lexicon override: a table with `add` and `remove`"
)]
pub(crate) struct LexiconOverride {
    #[serde(default)]
    pub(crate) add: Vec<S<String>>,
    #[serde(default)]
    pub(crate) remove: Vec<S<String>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "the `[policy]` table")]
pub(crate) struct PolicyMeta {
    pub(crate) id: S<String>,
    #[serde(default)]
    pub(crate) version: Option<String>,
    #[serde(default)]
    pub(crate) title: Option<String>,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) extends: Vec<S<String>>,
    #[serde(default)]
    pub(crate) normalize: Option<NormalizeOptions>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a category: a table with `severity` and optionally `action`, `title`, `description`, `tos_ref`"
)]
pub(crate) struct CategorySpec {
    #[serde(default)]
    pub(crate) title: Option<String>,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) tos_ref: Option<String>,
    pub(crate) severity: Severity,
    #[serde(default)]
    pub(crate) action: Option<Action>,
    /// EU DSA Transparency Database statement category (`STATEMENT_CATEGORY_…`).
    #[serde(default)]
    pub(crate) dsa_category: Option<S<String>>,
    /// EU DSA category specification keywords (`KEYWORD_…`).
    #[serde(default)]
    pub(crate) dsa_keywords: Vec<S<String>>,
}

/// How a lexicon term must sit in the text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchMode {
    /// Whole words only (the default): `kill` never matches inside `skill`.
    #[default]
    Word,
    /// The term starts a word: `immigr` matches `immigrants`.
    Prefix,
    /// Anywhere, even inside a word.
    Infix,
}

impl MatchMode {
    /// The name the policy format uses (`word`, `prefix`, `infix`).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            MatchMode::Word => "word",
            MatchMode::Prefix => "prefix",
            MatchMode::Infix => "infix",
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a lexicon: a table with `terms`")]
pub(crate) struct LexiconSpec {
    /// The language of the terms (`docs/policy-format.md`, "Languages of lexicons"):
    /// `en` or `fr` scope the lexicon (its words more common in the other language are
    /// not read in a sentence of that language); any other value is metadata only.
    #[serde(default)]
    pub(crate) lang: Option<String>,
    #[serde(default, rename = "match")]
    pub(crate) mode: MatchMode,
    #[serde(default)]
    pub(crate) fuzzy: u8,
    /// Every inflected form of the lexicon's words is listed: a real word is never
    /// read as a typo of a term, not even with a final `s`, `e` or `x` more or less.
    #[serde(default)]
    pub(crate) inflected: bool,
    #[serde(default)]
    pub(crate) joined: bool,
    pub(crate) terms: Vec<S<String>>,
}

/// The window a rule or a context looks at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// A clause: ends at `,`, `;`, `:`, dashes and sentence ends.
    Clause,
    /// A sentence: ends at `.`, `!`, `?`, `…` and line breaks (the default).
    #[default]
    Sentence,
    /// The whole text.
    Text,
}

impl Scope {
    /// The name the policy format uses (`clause`, `sentence`, `text`).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Scope::Clause => "clause",
            Scope::Sentence => "sentence",
            Scope::Text => "text",
        }
    }
}

/// Where a context cue must stand relative to the words of a match.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CuePosition {
    /// Before a word of the match (the default): `never` in `I would never kill you`.
    #[default]
    Before,
    /// After a word of the match: `in the game` in `I'll kill you in the game`.
    After,
    /// Either side.
    Around,
}

impl CuePosition {
    /// The name the policy format uses (`before`, `after`, `around`).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            CuePosition::Before => "before",
            CuePosition::After => "after",
            CuePosition::Around => "around",
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a context: a table with `cues`")]
pub(crate) struct ContextSpec {
    #[serde(default)]
    pub(crate) scope: Option<Scope>,
    #[serde(default)]
    pub(crate) window: Option<S<u32>>,
    /// Where a cue must stand relative to the match (before it by default).
    #[serde(default)]
    pub(crate) position: Option<CuePosition>,
    /// `true`: the context holds only for a match in a sentence that ends with `?`.
    #[serde(default)]
    pub(crate) question: Option<bool>,
    #[serde(default)]
    pub(crate) cues: Vec<S<String>>,
    /// Phrases in which a cue does not count (`ne … que` restricts, it does not negate).
    #[serde(default)]
    pub(crate) except: Vec<S<String>>,
    /// Phrases that end a cue's reach when they stand between it and the match, at
    /// least one word after the cue (`if you come back I'll …`: the intent opens a main
    /// clause the `if` does not govern).
    #[serde(default)]
    pub(crate) stops: Vec<S<String>>,
    /// Speaking or quoting frames (`saying`, `anyone who says`, `dire que`): with a
    /// condemnation after the match in the same sentence, the context holds for a match
    /// that a frame stands before (`Saying X is disgusting`).
    #[serde(default)]
    pub(crate) frames: Vec<S<String>>,
    /// Condemnations (`is disgusting`, `should be banned`, `est ignoble`) that, after the
    /// match and with a frame before it, make the framed claim one quoted to be rejected.
    #[serde(default)]
    pub(crate) condemnations: Vec<S<String>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "examples: a table with `violating` and `allowed`"
)]
pub(crate) struct ExamplesSpec {
    #[serde(default)]
    pub(crate) violating: Vec<ExampleSpec>,
    #[serde(default)]
    pub(crate) allowed: Vec<ExampleSpec>,
}

/// An embedded example: a text, or a text with what its finding must hold.
#[derive(Clone, Debug, Deserialize)]
#[serde(
    untagged,
    expecting = "an example is a text, or a table with `text` and optionally `category` and `evidence`"
)]
pub(crate) enum ExampleSpec {
    Text(String),
    Detailed(DetailedExample),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "an example table with `text`")]
pub(crate) struct DetailedExample {
    pub(crate) text: String,
    /// For a violating example: the category the rule's finding must have.
    #[serde(default)]
    pub(crate) category: Option<String>,
    /// For a violating example: words that must be among the rule's evidence.
    #[serde(default)]
    pub(crate) evidence: Vec<String>,
}

impl ExampleSpec {
    pub(crate) fn text(&self) -> &str {
        match self {
            ExampleSpec::Text(t) => t,
            ExampleSpec::Detailed(d) => &d.text,
        }
    }

    pub(crate) fn category(&self) -> Option<&str> {
        match self {
            ExampleSpec::Text(_) => None,
            ExampleSpec::Detailed(d) => d.category.as_deref(),
        }
    }

    pub(crate) fn evidence(&self) -> &[String] {
        match self {
            ExampleSpec::Text(_) => &[],
            ExampleSpec::Detailed(d) => &d.evidence,
        }
    }
}

/// `[conditions.NAME]`: a condition written once and named in rules.
#[derive(Clone, Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a named condition: a table with `when` (and an optional `description`)"
)]
pub(crate) struct ConditionSpec {
    /// For the reader of the policy file; the compiler does not use it.
    #[serde(default)]
    #[allow(dead_code)]
    pub(crate) description: Option<String>,
    pub(crate) when: S<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a rule: a table with `id`, `category` and `when`"
)]
pub(crate) struct RuleSpec {
    pub(crate) id: S<String>,
    pub(crate) category: S<String>,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) severity: Option<Severity>,
    pub(crate) when: S<String>,
    #[serde(default)]
    pub(crate) unless: Vec<S<String>>,
    #[serde(default)]
    pub(crate) requires: Vec<S<String>>,
    #[serde(default)]
    pub(crate) scope: Scope,
    #[serde(default)]
    pub(crate) examples: ExamplesSpec,
}
