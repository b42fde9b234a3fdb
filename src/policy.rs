//! The public face of a compiled policy.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use once_cell::sync::Lazy;

use crate::builtin;
use crate::compile::compile;
use crate::compiled::{Category, Compiled, Rule};
use crate::error::{PolicyError, Problem, ProblemKind};
use crate::explain::Explanation;
use crate::limits::Limits;
use crate::normalize::{NormalizeOptions, Normalized, normalize_into};
use crate::source::{Origin, Pack, Sources, load_tree, parse_pack};
use crate::spec::{
    self, ExampleSpec, ExamplesSpec, LexiconSpec, MatchMode, PolicyFile, PolicyMeta, RuleSpec,
    Scope, unspanned,
};
use crate::verdict::{Action, Severity, Verdict};

#[derive(Debug)]
struct Inner {
    compiled: Compiled,
}

/// A compiled policy: categories, lexicons in one automaton, and rules.
///
/// Compiling validates everything and may fail; classifying never fails. A `Policy` is
/// immutable, `Send + Sync`, and cheap to clone (an `Arc`): compile once, share it
/// between threads.
///
/// ```
/// use tosguard::Policy;
///
/// let policy = Policy::from_toml_str(r#"
///     [policy]
///     id = "my-aup"
///     extends = ["taxonomy"]
///
///     [lexicons.harm]
///     terms = ["kill{,s}", "stab{,s}"]
///
///     [lexicons.you]
///     terms = ["you", "u"]
///
///     [[rules]]
///     id = "threat"
///     category = "violence.threat"
///     when = '"i will" before(2) harm before(2) you'
///     unless = ["negated"]
/// "#)?;
///
/// let text = "Honestly, I will KILL you.";
/// let verdict = policy.classify(text);
/// assert!(verdict.has_category("violence.threat"));
/// let words: Vec<&str> = verdict.findings()[0].evidence().iter().map(|e| &text[e.span()]).collect();
/// assert_eq!(words, ["I will", "KILL", "you"]);
/// assert!(policy.classify("I will never kill you").is_clean());
/// # Ok::<(), tosguard::PolicyError>(())
/// ```
#[derive(Clone)]
pub struct Policy {
    inner: Arc<Inner>,
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.inner.compiled;
        f.debug_struct("Policy")
            .field("id", &c.id)
            .field("version", &c.version)
            .field("rules", &c.rules.len())
            .field("lexicons", &c.lexicons.len())
            .field("patterns", &c.pattern_text.len())
            .field("automaton_patterns", &c.matcher.automaton_ids.len())
            .field("matcher_bytes", &c.matcher.memory_usage())
            .finish()
    }
}

/// The built-in baseline, loaded from the stored form the build script wrote (compiled
/// from the packs if it could not write one).
static BASELINE: Lazy<Result<Policy, PolicyError>> = Lazy::new(load_baseline);

/// The built-in baseline from its embedded stored form, decoded as a stream (only the
/// compressed bytes and one block are held beside the policy), or compiled from the
/// packs if the build script could not store it.
pub(crate) fn load_baseline() -> Result<Policy, PolicyError> {
    let stored = crate::built::BASELINE;
    if stored.is_empty() {
        Policy::builtin("baseline")
    } else {
        Policy::from_reader(lz4_flex::frame::FrameDecoder::new(stored))
    }
}

impl Policy {
    /// Compiles a policy from TOML text. Parents named in `extends` are built-in packs.
    pub fn from_toml_str(src: &str) -> Result<Policy, PolicyError> {
        Loader::new().from_toml_str(src)
    }

    /// Compiles a policy file. `extends` may also name files relative to it.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Policy, PolicyError> {
        Loader::new().from_file(path)
    }

    /// Compiles a built-in pack by name (`baseline`, `taxonomy`, …). For the baseline,
    /// [`Policy::baseline`] loads the same policy without compiling it.
    pub fn builtin(name: &str) -> Result<Policy, PolicyError> {
        Loader::new().load(name)
    }

    /// The built-in baseline policy, loaded on first use and shared.
    ///
    /// It is not compiled from the packs here: the build script compiled it and
    /// embedded its stored form ([`Policy::to_bytes`]), compressed, which is decoded
    /// (about a tenth of the time of compiling it, and less memory). It is the policy
    /// [`Policy::builtin`]`("baseline")` compiles, with the same fingerprint and the same
    /// verdicts (the crate's tests compare them); call that to compile the packs.
    ///
    /// # Panics
    ///
    /// Only if the built-in policy fails to compile, which the crate's own test suite
    /// rules out for every release. [`Policy::try_baseline`] returns the error instead.
    #[allow(clippy::expect_used)]
    pub fn baseline() -> Policy {
        Self::try_baseline()
            .expect("the built-in baseline policy compiles (checked by the test suite)")
    }

    /// The built-in baseline policy, or why it does not compile.
    pub fn try_baseline() -> Result<Policy, PolicyError> {
        BASELINE.clone()
    }

    /// The compiled policy in a binary form that [`Policy::from_bytes`] reads back
    /// without compiling it again: a host that compiles its policy once (at deploy
    /// time, say) starts the next processes in a fraction of the compile time.
    ///
    /// The bytes hold everything the policy decides with — rules, contexts,
    /// categories, lexicons, every pattern with its variant tables, the rules'
    /// examples (for [`crate::testing`]), the warnings and the fingerprint — and name
    /// the tosguard version that wrote them: another version refuses them (compile the
    /// policy again). A signal model other than the built-in one is stored whole. A
    /// [`PolicyStack`](crate::PolicyStack) has no stored form of its own: store each
    /// layer and stack the loaded policies.
    ///
    /// ```
    /// use tosguard::Policy;
    ///
    /// let policy = Policy::from_toml_str(r#"
    ///     [policy]
    ///     id = "my-aup"
    ///     extends = ["taxonomy"]
    ///     [lexicons.harm]
    ///     terms = ["kill{,s}"]
    ///     [[rules]]
    ///     id = "threat"
    ///     category = "violence.threat"
    ///     when = '"i will" before(2) harm'
    ///     unless = ["negated"]
    /// "#)?;
    /// let bytes = policy.to_bytes();
    /// let loaded = Policy::from_bytes(&bytes)?;
    /// assert_eq!(loaded.fingerprint(), policy.fingerprint());
    /// assert!(loaded.classify("I will k1ll him").has_category("violence.threat"));
    /// // Damaged or foreign bytes are refused with a clear error, never a panic.
    /// let err = Policy::from_bytes(&bytes[..bytes.len() / 2]).unwrap_err();
    /// assert_eq!(err.problems()[0].kind(), tosguard::ProblemKind::InvalidStoredPolicy);
    /// # Ok::<(), tosguard::PolicyError>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        crate::compiled::to_bytes(&self.inner.compiled)
    }

    /// Loads a policy stored by [`Policy::to_bytes`], without compiling it: only its
    /// automaton is built again. Classifies exactly as the policy that was stored, with
    /// the same fingerprint.
    ///
    /// Fails with [`ProblemKind::InvalidStoredPolicy`] when the bytes are not a stored
    /// policy, were written by another version of tosguard, or are truncated or damaged
    /// (a checksum covers them); never panics.
    pub fn from_bytes(bytes: &[u8]) -> Result<Policy, PolicyError> {
        let compiled = crate::compiled::from_bytes(bytes)?;
        Ok(Policy {
            inner: Arc::new(Inner { compiled }),
        })
    }

    /// Loads a stored policy ([`Policy::to_bytes`]) from a reader, a file say, in blocks
    /// of 64 KiB: the whole bytes are never held beside the policy, so the memory of
    /// loading is the policy's own. Fails as [`Policy::from_bytes`] does (an error
    /// reading `reader` included); the checksum is checked once every byte is read.
    ///
    /// ```
    /// let bytes = tosguard::Policy::builtin("taxonomy")?.to_bytes();
    /// let loaded = tosguard::Policy::from_reader(&bytes[..])?;
    /// assert_eq!(loaded.id(), "taxonomy");
    /// # Ok::<(), tosguard::PolicyError>(())
    /// ```
    pub fn from_reader(reader: impl std::io::Read) -> Result<Policy, PolicyError> {
        let compiled = crate::compiled::from_reader(reader)?;
        Ok(Policy {
            inner: Arc::new(Inner { compiled }),
        })
    }

    /// Whether `bytes` start like a stored policy ([`Policy::to_bytes`]): what a host
    /// or tool that accepts either a TOML policy or a stored one looks at.
    pub fn is_stored(bytes: &[u8]) -> bool {
        bytes.starts_with(crate::compiled::STORED_MAGIC)
    }

    /// A builder for policies kept outside TOML files.
    pub fn builder(id: impl Into<String>) -> PolicyBuilder {
        PolicyBuilder::new(id)
    }

    /// Classifies `text`. Never fails, never panics; linear in the length of `text`.
    ///
    /// A text longer than the policy's window ([`Limits::window_bytes`], 64 KiB by
    /// default) is judged in windows of whole sentences, at most that long, cut after
    /// a line break or a sentence end in the last half of the window when there is one,
    /// else at whitespace, else between two chars (never inside one). Each rule that
    /// fires in any window is one finding, with the evidence of every window in text
    /// order and its spans in the whole text, so that the memory of one call is bounded
    /// by the window and the findings, not by the text. What reaches across sentences
    /// reaches across one window only: a rule or context of `scope = "text"`, a
    /// quotation still open at a cut, and the score of a `signal(…)` (each window is
    /// scored on its own). A text of at most the window size is judged as a whole.
    pub fn classify(&self, text: &str) -> Verdict {
        self.inner.compiled.classify(text)
    }

    pub(crate) fn fold_for_bench(&self, text: &str) -> String {
        let mut n = Normalized::new();
        self.inner.compiled.fold_into(text, &mut n);
        n.text().to_string()
    }

    #[cfg(test)]
    pub(crate) fn compiled_for_tests(&self) -> &crate::compiled::Compiled {
        &self.inner.compiled
    }

    pub(crate) fn terms_for_bench(&self) -> Vec<String> {
        let c = &self.inner.compiled;
        let mut out: Vec<String> = (0..c.lexicons.len())
            .flat_map(|l| c.lexicon_terms(l))
            .map(|t| {
                let mut n = Normalized::new();
                normalize_into(t.trim(), &c.normalize, &mut n);
                n.text().trim().to_string()
            })
            .filter(|t| !t.is_empty())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Classifies `text` and explains the decision: the folded text, every hit, and
    /// for each rule whose condition matched, whether it fired or which context
    /// suppressed it.
    ///
    /// ```
    /// let policy = tosguard::Policy::baseline();
    /// let why = policy.explain("I will never kill you");
    /// assert!(why.verdict.is_clean());
    /// let threat = why.rules.iter().find(|r| r.rule == "en.threat.direct").unwrap();
    /// assert_eq!(threat.matches[0].outcome, "suppressed by negated");
    /// ```
    pub fn explain(&self, text: &str) -> Explanation {
        self.inner.compiled.explain(text)
    }

    /// A stable hash of everything that decides a verdict (categories, folded terms,
    /// contexts, rules, normalization options, and the window size when it is not the
    /// default), carried in every [`Verdict`]: an audit
    /// can tell which policy version decided. The same policy gives the same
    /// fingerprint on every machine and run; any change to a rule, a term or a category
    /// gives another.
    pub fn fingerprint(&self) -> &str {
        &self.inner.compiled.fingerprint
    }

    /// What compiled but is probably a mistake, in the packs the host wrote (not the
    /// built-in packs they extend): a lexicon without terms, a rule that can never
    /// fire, a term that adds nothing to its lexicon. Each has a file, line and column
    /// like a compile error; none stops the policy from working.
    ///
    /// ```
    /// let policy = tosguard::Policy::from_toml_str(r#"
    ///     [policy]
    ///     id = "p"
    ///     extends = ["taxonomy"]
    ///     [lexicons.harm]
    ///     terms = ["kill", "KILL"]
    ///     [[rules]]
    ///     id = "r"
    ///     category = "violence.threat"
    ///     when = "harm"
    /// "#)?;
    /// let w = &policy.warnings()[0];
    /// assert_eq!(w.kind(), tosguard::ProblemKind::ShadowedTerm);
    /// assert_eq!(w.path(), "lexicons.harm.terms[1]");
    /// # Ok::<(), tosguard::PolicyError>(())
    /// ```
    pub fn warnings(&self) -> &[Problem] {
        &self.inner.compiled.warnings
    }

    pub(crate) fn compiled(&self) -> &Compiled {
        &self.inner.compiled
    }

    /// The policy id.
    pub fn id(&self) -> &str {
        &self.inner.compiled.id
    }

    /// The policy version (empty when the file gives none).
    pub fn version(&self) -> &str {
        &self.inner.compiled.version
    }

    /// The policy title.
    pub fn title(&self) -> Option<&str> {
        self.inner.compiled.title.as_deref()
    }

    /// The policy description.
    pub fn description(&self) -> Option<&str> {
        self.inner.compiled.description.as_deref()
    }

    /// The categories, from every pack in the `extends` chain.
    pub fn categories(&self) -> impl Iterator<Item = CategoryInfo<'_>> {
        self.inner
            .compiled
            .categories
            .iter()
            .map(|c| CategoryInfo { c })
    }

    /// The rules, from every pack in the `extends` chain, parents first.
    pub fn rules(&self) -> impl Iterator<Item = RuleInfo<'_>> {
        let c = &self.inner.compiled;
        c.rules.iter().map(move |r| RuleInfo { r, c })
    }
}

/// A category of a compiled policy.
#[derive(Clone, Copy, Debug)]
pub struct CategoryInfo<'a> {
    c: &'a Category,
}

impl<'a> CategoryInfo<'a> {
    /// The id, such as `violence.threat`.
    pub fn id(&self) -> &'a str {
        &self.c.id
    }
    /// The title.
    pub fn title(&self) -> Option<&'a str> {
        self.c.title.as_deref()
    }
    /// The description.
    pub fn description(&self) -> Option<&'a str> {
        self.c.description.as_deref()
    }
    /// The terms-of-service clause.
    pub fn tos_ref(&self) -> Option<&'a str> {
        self.c.tos_ref.as_deref()
    }
    /// The severity.
    pub fn severity(&self) -> Severity {
        self.c.severity
    }
    /// The action.
    pub fn action(&self) -> Action {
        self.c.action
    }
    /// The EU DSA statement category (`STATEMENT_CATEGORY_…`).
    pub fn dsa_category(&self) -> Option<&'a str> {
        self.c.dsa_category.as_deref()
    }
    /// The EU DSA category specification keywords (`KEYWORD_…`).
    pub fn dsa_keywords(&self) -> &'a [String] {
        &self.c.dsa_keywords
    }
}

/// A rule of a compiled policy.
#[derive(Clone, Copy, Debug)]
pub struct RuleInfo<'a> {
    r: &'a Rule,
    c: &'a Compiled,
}

impl<'a> RuleInfo<'a> {
    /// The rule id.
    pub fn id(&self) -> &'a str {
        &self.r.id
    }
    /// The id of the pack that defines it.
    pub fn policy(&self) -> &'a str {
        &self.r.pack
    }
    /// The category id.
    pub fn category(&self) -> &'a str {
        self.c
            .category(self.r.category)
            .map(|c| c.id.as_str())
            .unwrap_or("")
    }
    /// The severity.
    pub fn severity(&self) -> Severity {
        self.r.severity
    }
    /// The condition, as written.
    pub fn when(&self) -> &'a str {
        &self.r.when_src
    }
    /// The description.
    pub fn description(&self) -> Option<&'a str> {
        self.r.description.as_deref()
    }
    /// The window the rule looks at.
    pub fn scope(&self) -> Scope {
        self.r.scope
    }
    /// The texts of the examples that must make the rule fire.
    pub fn violating_examples(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.r.examples.violating.iter().map(|e| e.text())
    }
    /// The texts of the examples that must not make the rule fire.
    pub fn allowed_examples(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.r.examples.allowed.iter().map(|e| e.text())
    }
    pub(crate) fn examples(&self) -> &'a ExamplesSpec {
        &self.r.examples
    }
}

/// Compiles policies whose `extends` may name sources the host registered (kept in
/// a database, say), besides built-in packs and files.
///
/// ```
/// let policy = tosguard::Loader::new()
///     .source("common", "[policy]\nid = \"common\"\nextends = [\"taxonomy\"]\n[lexicons.you]\nterms = [\"you\"]\n")
///     .from_toml_str("[policy]\nid = \"mine\"\nextends = [\"common\"]\n[[rules]]\nid = \"r\"\ncategory = \"harassment.insult\"\nwhen = 'you before(2) \"idiot\"'\n")?;
/// assert!(policy.classify("you idiot").has_category("harassment.insult"));
/// # Ok::<(), tosguard::PolicyError>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Loader {
    sources: Sources,
    limits: Limits,
}

impl Loader {
    /// A loader that knows the built-in packs and files.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the limits on what compiling a policy may cost (see [`Limits`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Registers a named policy source that `extends` (and [`Loader::load`]) can name.
    pub fn source(mut self, name: impl Into<String>, toml: impl Into<String>) -> Self {
        self.sources.insert(name.into(), toml.into());
        self
    }

    /// Compiles the registered source or built-in pack `name`.
    pub fn load(&self, name: &str) -> Result<Policy, PolicyError> {
        let (origin, src) = if let Some(src) = self.sources.get(name) {
            (Origin::Named(name.into()), Cow::Owned(src.clone()))
        } else if let Some(src) = builtin::source(name) {
            (Origin::Builtin(name.into()), Cow::Borrowed(src))
        } else {
            let mut names: Vec<String> = self.sources.keys().map(|n| format!("`{n}`")).collect();
            names.extend(builtin::builtin_names().map(|n| format!("`{n}`")));
            return Err(PolicyError {
                problems: vec![Problem::new(
                    ProblemKind::UnknownParent,
                    "",
                    format!(
                        "unknown policy `{name}`{}: known policies are {}",
                        crate::suggest::hint(name, {
                            let mut known: Vec<&str> = builtin::builtin_names().collect();
                            known.extend(self.sources.keys().map(String::as_str));
                            known
                        }),
                        names.join(", ")
                    ),
                )],
            });
        };
        self.compile_source(origin, name.to_string(), src)
    }

    /// Compiles TOML text.
    pub fn from_toml_str(&self, src: &str) -> Result<Policy, PolicyError> {
        self.compile_source(Origin::Memory, "<policy>".into(), src.to_string().into())
    }

    /// Compiles a policy file.
    pub fn from_file(&self, path: impl AsRef<Path>) -> Result<Policy, PolicyError> {
        let path = path.as_ref();
        let display = path.display().to_string();
        let src = std::fs::read_to_string(path).map_err(|e| PolicyError {
            problems: vec![{
                let mut p =
                    Problem::new(ProblemKind::Io, "", format!("cannot read the policy: {e}"));
                p.source = display.clone();
                p
            }],
        })?;
        let origin = Origin::File(path.canonicalize().unwrap_or_else(|_| path.to_path_buf()));
        self.compile_source(origin, display, src.into())
    }

    fn compile_source(
        &self,
        origin: Origin,
        display: String,
        src: Cow<'static, str>,
    ) -> Result<Policy, PolicyError> {
        let root =
            parse_pack(origin, display, src).map_err(|p| PolicyError { problems: vec![p] })?;
        self.compile_pack(root)
    }

    fn compile_pack(&self, root: Pack) -> Result<Policy, PolicyError> {
        let mut problems = Vec::new();
        let packs = load_tree(root, &self.sources, &mut problems);
        let compiled = compile(packs, problems, self.limits)?;
        Ok(Policy {
            inner: Arc::new(Inner { compiled }),
        })
    }
}

/// Builds a policy in code, for hosts that keep their rules outside TOML files.
///
/// ```
/// use tosguard::{Policy, RuleDef, Severity, Action};
///
/// let policy = Policy::builder("host-aup")
///     .extends("taxonomy")
///     .category("custom.doxxing", Severity::High, Action::Remove, "AUP 4.2: publishing private addresses")
///     .lexicon("where", ["we know where you live", "i know where you live"])
///     .rule(RuleDef::new("doxx.where", "custom.doxxing", "where").unless(["negated", "quoted"]))
///     .build()?;
/// assert_eq!(policy.classify("We know where you live.").action(), Action::Remove);
/// # Ok::<(), tosguard::PolicyError>(())
/// ```
#[derive(Clone, Debug)]
pub struct PolicyBuilder {
    file: PolicyFile,
    sources: Sources,
    limits: Limits,
}

impl PolicyBuilder {
    /// An empty policy with id `id`.
    pub fn new(id: impl Into<String>) -> Self {
        PolicyBuilder {
            file: PolicyFile {
                policy: PolicyMeta {
                    id: unspanned(id.into()),
                    version: None,
                    title: None,
                    description: None,
                    extends: Vec::new(),
                    normalize: None,
                },
                categories: BTreeMap::new(),
                lexicons: BTreeMap::new(),
                contexts: BTreeMap::new(),
                conditions: BTreeMap::new(),
                rules: Vec::new(),
                overrides: Default::default(),
                typos: Default::default(),
                signals: BTreeMap::new(),
            },
            sources: Sources::new(),
            limits: Limits::default(),
        }
    }

    /// Sets the limits on what compiling the policy may cost (see [`Limits`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets the version.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.file.policy.version = Some(version.into());
        self
    }

    /// Sets the title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.file.policy.title = Some(title.into());
        self
    }

    /// Builds on a built-in pack (or a source registered with [`PolicyBuilder::source`]).
    pub fn extends(mut self, parent: impl Into<String>) -> Self {
        self.file.policy.extends.push(unspanned(parent.into()));
        self
    }

    /// Registers a named TOML source that `extends` can name.
    pub fn source(mut self, name: impl Into<String>, toml: impl Into<String>) -> Self {
        self.sources.insert(name.into(), toml.into());
        self
    }

    /// Sets which folding families apply.
    pub fn normalize(mut self, options: NormalizeOptions) -> Self {
        self.file.policy.normalize = Some(options);
        self
    }

    /// Adds a category.
    pub fn category(
        mut self,
        id: impl Into<String>,
        severity: Severity,
        action: Action,
        tos_ref: impl Into<String>,
    ) -> Self {
        self.file.categories.insert(
            id.into(),
            unspanned(spec::CategorySpec {
                title: None,
                description: None,
                tos_ref: Some(tos_ref.into()),
                severity,
                action: Some(action),
                dsa_category: None,
                dsa_keywords: Vec::new(),
            }),
        );
        self
    }

    /// Adds a whole-word lexicon.
    pub fn lexicon<I, T>(self, name: impl Into<String>, terms: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.lexicon_with(name, MatchMode::Word, terms)
    }

    /// Adds a lexicon with a match mode.
    pub fn lexicon_with<I, T>(mut self, name: impl Into<String>, mode: MatchMode, terms: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.file.lexicons.insert(
            name.into(),
            unspanned(LexiconSpec {
                lang: None,
                mode,
                fuzzy: 0,
                inflected: false,
                joined: false,
                terms: terms.into_iter().map(|t| unspanned(t.into())).collect(),
            }),
        );
        self
    }

    /// Adds a named condition, which rules (and other named conditions) use by name
    /// like a lexicon (`[conditions.NAME]` in a policy file).
    ///
    /// ```
    /// use tosguard::{Action, Policy, RuleDef, Severity};
    ///
    /// let policy = Policy::builder("p")
    ///     .category("threat", Severity::High, Action::Remove, "ToS 1")
    ///     .lexicon("harm", ["kill", "hurt"])
    ///     .lexicon("target", ["you", "him"])
    ///     .condition("harm_target", "harm before(1) target")
    ///     .rule(RuleDef::new("r1", "threat", "\"i will\" before(1) harm_target"))
    ///     .build()
    ///     .unwrap();
    /// assert!(!policy.classify("I will hurt him").is_clean());
    /// assert!(policy.classify("I will hurt").is_clean());
    /// ```
    pub fn condition(mut self, name: impl Into<String>, when: impl Into<String>) -> Self {
        self.file.conditions.insert(
            name.into(),
            unspanned(crate::spec::ConditionSpec {
                description: None,
                when: unspanned(when.into()),
            }),
        );
        self
    }

    /// Adds a rule.
    pub fn rule(mut self, rule: RuleDef) -> Self {
        self.file.rules.push(unspanned(rule.spec));
        self
    }

    /// Compiles the policy, reporting every problem.
    pub fn build(self) -> Result<Policy, PolicyError> {
        let id = self.file.policy.id.get_ref().clone();
        let root = Pack {
            origin: Origin::Memory,
            display: id,
            src: None,
            file: self.file,
        };
        Loader {
            sources: self.sources,
            limits: self.limits,
        }
        .compile_pack(root)
    }
}

/// A rule for [`PolicyBuilder::rule`].
#[derive(Clone, Debug)]
pub struct RuleDef {
    spec: RuleSpec,
}

impl RuleDef {
    /// A rule `id` in `category` that fires when `when` holds.
    pub fn new(
        id: impl Into<String>,
        category: impl Into<String>,
        when: impl Into<String>,
    ) -> Self {
        RuleDef {
            spec: RuleSpec {
                id: unspanned(id.into()),
                category: unspanned(category.into()),
                description: None,
                severity: None,
                when: unspanned(when.into()),
                unless: Vec::new(),
                requires: Vec::new(),
                scope: Scope::default(),
                examples: ExamplesSpec::default(),
            },
        }
    }

    /// Contexts that suppress the rule.
    pub fn unless<I: IntoIterator<Item = T>, T: Into<String>>(mut self, contexts: I) -> Self {
        self.spec.unless = contexts.into_iter().map(|c| unspanned(c.into())).collect();
        self
    }

    /// Contexts that must hold.
    pub fn requires<I: IntoIterator<Item = T>, T: Into<String>>(mut self, contexts: I) -> Self {
        self.spec.requires = contexts.into_iter().map(|c| unspanned(c.into())).collect();
        self
    }

    /// Overrides the category's severity.
    pub fn severity(mut self, severity: Severity) -> Self {
        self.spec.severity = Some(severity);
        self
    }

    /// The window the rule looks at.
    pub fn scope(mut self, scope: Scope) -> Self {
        self.spec.scope = scope;
        self
    }

    /// Examples that must make the rule fire.
    pub fn violating<I: IntoIterator<Item = T>, T: Into<String>>(mut self, texts: I) -> Self {
        self.spec.examples.violating = texts
            .into_iter()
            .map(|t| ExampleSpec::Text(t.into()))
            .collect();
        self
    }

    /// Examples that must not make the rule fire.
    pub fn allowed<I: IntoIterator<Item = T>, T: Into<String>>(mut self, texts: I) -> Self {
        self.spec.examples.allowed = texts
            .into_iter()
            .map(|t| ExampleSpec::Text(t.into()))
            .collect();
        self
    }
}
