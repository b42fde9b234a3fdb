//! What compiling one policy may cost: limits on nesting, term length and the size of
//! the automaton, like the `nest_limit` and `size_limit` of a regex builder; and how
//! much text one `classify` call judges at once (the window), which bounds its memory.

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
/// The window size ([`Limits::window_bytes`]) is not a limit on the policy but on how a
/// policy judges a long text: in windows of whole sentences of at most that many bytes,
/// so that the memory of one call does not grow with the text.
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
    window: usize,
}

/// The default [`Limits::window_bytes`]: 64 KiB.
pub(crate) const DEFAULT_WINDOW: usize = 64 << 10;

/// The largest [`Limits::window_bytes`]: 1 GiB (every offset of a window's folded text
/// fits the engine's 32-bit positions).
const MAX_WINDOW: usize = 1 << 30;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            nest: 250,
            term_chars: 200,
            patterns: 2_000_000,
            pattern_bytes: 64 << 20,
            window: DEFAULT_WINDOW,
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

    /// How many bytes of text one `classify` call judges at once (default 64 KiB, at
    /// most 1 GiB: larger values are clamped; 0 is read as 1). A longer text is judged
    /// in windows of at most this many bytes, cut after a line break or a sentence end
    /// in the last half of the window when there is one, else at whitespace (not
    /// between the letters of a spelled-out word when another space will do), else
    /// between two chars; the findings of every window are merged, with their evidence
    /// in text order. The memory of one call is then bounded by the window, not the
    /// text; but what reaches across sentences reaches only across one window: a rule
    /// or context of `scope = "text"`, a quotation, and the score of a signal. A text of
    /// at most this many bytes is one window.
    ///
    /// ```
    /// use tosguard::{Limits, Loader};
    ///
    /// let policy = Loader::new()
    ///     .limits(Limits::default().window_bytes(4096))
    ///     .load("baseline")
    ///     .unwrap();
    /// let text = "Had a great day at the beach.\n".repeat(1000) + "I will kill you.";
    /// let verdict = policy.classify(&text);
    /// assert!(verdict.has_category("violence.threat"));
    /// let evidence = &verdict.findings()[0].evidence()[0];
    /// assert_eq!(&text[evidence.span()], evidence.text());
    /// assert!(evidence.span().start > 4096, "found in a later window");
    /// ```
    pub fn window_bytes(mut self, bytes: usize) -> Self {
        self.window = bytes.clamp(1, MAX_WINDOW);
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

    /// See [`Limits::window_bytes`].
    pub fn get_window_bytes(&self) -> usize {
        self.window
    }
}
