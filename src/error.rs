//! Errors from compiling a policy. Classifying text never fails.

use std::fmt;

/// A position in a policy source: 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

impl Location {
    /// The location of byte `offset` in `src` (clamped to the end of `src`).
    pub(crate) fn of_offset(src: &str, offset: usize) -> Location {
        let mut offset = offset.min(src.len());
        while !src.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &src[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = before[line_start..].chars().count() + 1;
        Location { line, column }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// What kind of mistake a [`Problem`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProblemKind {
    /// The file could not be read.
    Io,
    /// The TOML is malformed, or a field has the wrong type or an unknown name.
    Syntax,
    /// A field holds a value that is not allowed (an empty id, a bad id character…).
    InvalidValue,
    /// A rule names a lexicon that no policy in the `extends` chain defines.
    UnknownLexicon,
    /// A rule names a category that no policy in the `extends` chain defines.
    UnknownCategory,
    /// A rule names a context that does not exist.
    UnknownContext,
    /// Two rules, lexicons or categories share an id.
    DuplicateId,
    /// A term is empty or only whitespace.
    EmptyTerm,
    /// A brace expansion is malformed (`kill{s,ed`, nested braces…).
    BadBraces,
    /// A condition does not parse.
    BadCondition,
    /// A proximity operator has a distance of zero.
    ZeroProximity,
    /// A condition can match without any evidence (`not x` on its own, `a or not b`).
    NoEvidence,
    /// Policies extend each other in a cycle.
    ExtendsCycle,
    /// `extends` names a policy that is neither built in nor a readable file.
    UnknownParent,
    /// An `[override]` names a rule, category, lexicon or term that does not exist.
    UnknownOverride,
    /// The policy goes over one of its [`Limits`](crate::Limits): a condition nests
    /// too deep, a term is too long, the automaton would be too large.
    LimitExceeded,
    /// A condition names a signal model or a signal category that does not exist
    /// (`signal(hat) >= 0.8`, `signal(mine.hate) >= 0.8` without `[signals.mine]`).
    UnknownSignal,
    /// A signal model file (`[signals.NAME] file = …`) is not a valid model: damaged,
    /// truncated, or not written by `tosguard train`.
    InvalidSignalModel,
    /// A warning: a lexicon has no terms.
    EmptyLexicon,
    /// A warning: a rule can never fire (it needs a lexicon without terms, or requires
    /// a context that also excuses it).
    NeverFires,
    /// A warning: a term adds nothing to its lexicon, because another term of it
    /// already matches everything it matches.
    ShadowedTerm,
    /// A warning: a category removes content but names no `dsa_category`, so no EU
    /// DSA statement of reasons can be given for what it removes.
    NoStatementCategory,
    /// Bytes given to [`Policy::from_bytes`](crate::Policy::from_bytes) are not a
    /// stored policy this build can read: not one at all, written by another version of
    /// tosguard, truncated or damaged.
    InvalidStoredPolicy,
    /// A warning: a named condition (`[conditions.NAME]`) of the policy is used by no
    /// rule.
    UnusedCondition,
}

/// One mistake in a policy, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub(crate) kind: ProblemKind,
    pub(crate) source: String,
    pub(crate) path: String,
    pub(crate) location: Option<Location>,
    pub(crate) message: String,
    pub(crate) snippet: Option<(String, usize, usize)>,
}

impl Problem {
    pub(crate) fn new(
        kind: ProblemKind,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            kind,
            source: String::new(),
            path: path.into(),
            location: None,
            message: message.into(),
            snippet: None,
        }
    }

    /// Attaches the location of bytes `span` of `src` (the text of `source`).
    pub(crate) fn at(mut self, src: &str, span: std::ops::Range<usize>) -> Self {
        let loc = Location::of_offset(src, span.start);
        let line_text = src.lines().nth(loc.line - 1).unwrap_or("").to_string();
        let end = span.end.max(span.start + 1).min(src.len());
        let width = src
            .get(span.start.min(end)..end)
            .map(|s| s.split('\n').next().unwrap_or("").chars().count())
            .unwrap_or(1)
            .max(1);
        self.snippet = Some((line_text, loc.column, width));
        self.location = Some(loc);
        self
    }

    /// What kind of mistake this is.
    pub fn kind(&self) -> ProblemKind {
        self.kind
    }

    /// The file name (or, for a built-in or in-memory policy, its name).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The field path, for example `rules[en.threat.direct].when`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Line and column, where the mistake has a place in a source text.
    pub fn location(&self) -> Option<Location> {
        self.location
    }

    /// The message, in lower case, without the location.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.source.is_empty() {
            write!(f, "{}:", self.source)?;
        }
        if let Some(loc) = self.location {
            write!(f, "{loc}:")?;
        }
        if !self.source.is_empty() || self.location.is_some() {
            write!(f, " ")?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        write!(f, "{}", self.message)?;
        if let Some((line, col, width)) = &self.snippet {
            let pad: String = line
                .chars()
                .take(col.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(f, "\n  | {line}\n  | {pad}{}", "^".repeat(*width))?;
        }
        Ok(())
    }
}

/// A policy that does not compile: every problem found, not only the first.
///
/// ```
/// let err = tosguard::Policy::from_toml_str("[policy]\nid = \"p\"\n[[rules]]\nid = \"r\"\ncategory = \"nope\"\nwhen = \"x\"\n")
///     .unwrap_err();
/// assert!(err.problems().len() >= 2); // unknown category and unknown lexicon
/// assert!(err.to_string().contains("unknown category `nope`"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct PolicyError {
    pub(crate) problems: Vec<Problem>,
}

impl PolicyError {
    /// Every problem found, in the order of the sources.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        if self.problems.len() > 1 {
            write!(f, "\n{} problems", self.problems.len())?;
        }
        Ok(())
    }
}
