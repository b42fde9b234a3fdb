//! What compiling one policy may cost: limits on nesting, term length and the size of
//! the automaton, like the `nest_limit` and `size_limit` of a regex builder.

/// Limits on what compiling a policy may cost. A policy over a limit does not
/// compile: the [`PolicyError`](crate::PolicyError) names the limit, the file, the
/// line and column, and the text at fault. Compiling any policy file then costs time
/// and memory bounded by its size and these limits.
///
/// The defaults leave the built-in policies far inside every limit (a few percent of
/// each); raise one with [`Loader::limits`](crate::Loader::limits) or
/// [`PolicyBuilder::limits`](crate::PolicyBuilder::limits) only for a policy known to
/// need it.
///
/// ```
/// use tosguard::{Limits, Loader, ProblemKind};
///
/// let strict = Limits::default().nest_limit(4);
/// let err = Loader::new()
///     .limits(strict)
///     .from_toml_str(r#"
///         [policy]
///         id = "deep"
///         extends = ["taxonomy"]
///         [lexicons.a]
///         terms = ["a"]
///         [[rules]]
///         id = "r"
///         category = "violence.threat"
///         when = "((((((a))))))"
///     "#)
///     .unwrap_err();
/// assert_eq!(err.problems()[0].kind(), ProblemKind::LimitExceeded);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    nest: usize,
    term_chars: usize,
    patterns: usize,
    pattern_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            nest: 250,
            term_chars: 200,
            patterns: 2_000_000,
            pattern_bytes: 64 << 20,
        }
    }
}

impl Limits {
    /// The default limits.
    pub fn new() -> Self {
        Self::default()
    }

    /// How deep a condition may nest (default 250): each pair of parentheses, each
    /// `not`, and each operator of a chain count one level (`a or b or c` nests 2). A
    /// condition with hundreds of alternatives is better written as a lexicon.
    pub fn nest_limit(mut self, levels: usize) -> Self {
        self.nest = levels;
        self
    }

    /// The longest term, in characters once braces are expanded (default 200).
    pub fn max_term_length(mut self, chars: usize) -> Self {
        self.term_chars = chars;
        self
    }

    /// The most automaton patterns a policy may compile to, over all its terms and
    /// their variants (default 2,000,000).
    pub fn max_patterns(mut self, patterns: usize) -> Self {
        self.patterns = patterns;
        self
    }

    /// The most bytes of automaton patterns a policy may compile to (default 64 MiB):
    /// the automaton takes a small multiple of this in memory.
    pub fn max_pattern_bytes(mut self, bytes: usize) -> Self {
        self.pattern_bytes = bytes;
        self
    }

    /// See [`Limits::nest_limit`].
    pub fn get_nest_limit(&self) -> usize {
        self.nest
    }

    /// See [`Limits::max_term_length`].
    pub fn get_max_term_length(&self) -> usize {
        self.term_chars
    }

    /// See [`Limits::max_patterns`].
    pub fn get_max_patterns(&self) -> usize {
        self.patterns
    }

    /// See [`Limits::max_pattern_bytes`].
    pub fn get_max_pattern_bytes(&self) -> usize {
        self.pattern_bytes
    }
}
