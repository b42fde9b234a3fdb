//! Policies under test, like code: the examples embedded in rules, test files beside
//! a policy (`aup.toml` and `aup.test.toml`), one-line assertions for a user's own
//! `#[test]`s, and coverage of rules and terms.
//!
//! A test file holds cases:
//!
//! ```toml
//! [[case]]
//! name = "threat to a judge"           # optional
//! text = "I will kill you, judge"
//! present = ["violence.threat"]         # categories that must be found ("hate.*" for any hate)
//! absent = ["hate.*"]                   # categories that must not be found
//! evidence = ["kill"]                   # words that must be among the evidence
//! action = "remove"                     # optional: the verdict's action
//! ```
//!
//! Testing a policy from a `#[test]` is one line:
//!
//! ```
//! # let policy = tosguard::Policy::baseline();
//! tosguard::testing::assert_examples(&policy);
//! tosguard::testing::assert_flags(&policy, "I will kill you", "violence.threat");
//! tosguard::testing::assert_allows(&policy, "I will never kill you");
//! ```

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::error::{PolicyError, Problem, ProblemKind};
use crate::normalize::term_variants;
use crate::policy::Policy;
use crate::spec::{ExampleSpec, MatchMode};
use crate::verdict::{Action, Verdict};

/// One case and whether it passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseResult {
    /// `policy/rule/violating[0]` for an embedded example, `file/name` for a test case.
    pub id: String,
    /// Whether it behaved as written.
    pub passed: bool,
}

/// A case that did not behave as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseFailure {
    /// The case id, as in [`CaseResult::id`].
    pub id: String,
    /// The rule an embedded example belongs to.
    pub rule: Option<String>,
    /// The text.
    pub text: String,
    /// What the case expects.
    pub expected: String,
    /// What the policy did, with the evidence of every finding.
    pub got: String,
}

impl fmt::Display for CaseFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "FAIL {}\n  text:     {:?}\n  expected: {}\n  got:      {}",
            self.id, self.text, self.expected, self.got
        )
    }
}

/// The outcome of running examples or test cases.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TestReport {
    /// How many cases passed.
    pub passed: usize,
    /// The cases that failed.
    pub failures: Vec<CaseFailure>,
    /// Rules with no embedded example at all.
    pub without_examples: Vec<String>,
    /// Every case in order, for a verbose listing.
    pub results: Vec<CaseResult>,
}

impl TestReport {
    /// True when every case passed.
    pub fn is_ok(&self) -> bool {
        self.failures.is_empty()
    }

    /// Adds the cases of `other`.
    pub fn merge(&mut self, other: TestReport) {
        self.passed += other.passed;
        self.failures.extend(other.failures);
        self.without_examples.extend(other.without_examples);
        self.results.extend(other.results);
    }

    fn record(&mut self, id: String, failure: Option<CaseFailure>) {
        self.results.push(CaseResult {
            id,
            passed: failure.is_none(),
        });
        match failure {
            None => self.passed += 1,
            Some(f) => self.failures.push(f),
        }
    }
}

impl fmt::Display for TestReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for fail in &self.failures {
            writeln!(f, "{fail}")?;
        }
        write!(f, "{} passed, {} failed", self.passed, self.failures.len())
    }
}

/// What a verdict found, for failure messages: `rule (category) on ["words"]; …`.
fn describe(verdict: &Verdict) -> String {
    if verdict.is_clean() {
        return "no finding".into();
    }
    verdict
        .findings()
        .iter()
        .map(|f| {
            let words: Vec<&str> = f.evidence().iter().map(|e| e.text()).collect();
            format!("{} ({}) on {words:?}", f.rule(), f.category())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl Policy {
    /// Runs every rule's embedded examples: a `violating` example must make its rule
    /// fire (with the category and evidence it names, if any), an `allowed` example
    /// must not make it fire. See [`crate::testing`] for test files and assertions.
    ///
    /// The same as [`run_examples`]; defined beside the test harness so that the
    /// policy itself does not depend on it.
    pub fn check_examples(&self) -> TestReport {
        run_examples(self)
    }
}

/// Runs every rule's embedded examples (what [`Policy::check_examples`] does).
pub fn run_examples(policy: &Policy) -> TestReport {
    let mut report = TestReport::default();
    for rule in policy.rules() {
        let ex = rule.examples();
        if ex.violating.is_empty() && ex.allowed.is_empty() {
            report.without_examples.push(rule.id().to_string());
        }
        let cases = ex
            .violating
            .iter()
            .enumerate()
            .map(|(i, e)| (format!("violating[{i}]"), e, true))
            .chain(
                ex.allowed
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (format!("allowed[{i}]"), e, false)),
            );
        for (label, example, violating) in cases {
            let id = format!("{}/{}/{label}", rule.policy(), rule.id());
            let failure =
                check_example(policy, rule.id(), example, violating).map(|(expected, verdict)| {
                    CaseFailure {
                        id: id.clone(),
                        rule: Some(rule.id().to_string()),
                        text: example.text().to_string(),
                        expected,
                        got: describe(&verdict),
                    }
                });
            report.record(id, failure);
        }
    }
    report
}

/// `None` if the example behaves; otherwise what was expected, and the verdict.
fn check_example(
    policy: &Policy,
    rule: &str,
    ex: &ExampleSpec,
    violating: bool,
) -> Option<(String, Verdict)> {
    let verdict = policy.classify(ex.text());
    let finding = verdict.findings().iter().find(|f| f.rule() == rule);
    if !violating {
        return finding
            .is_some()
            .then(|| (format!("`{rule}` does not fire"), verdict.clone()));
    }
    let mut expected = format!("`{rule}` fires");
    if let Some(c) = ex.category() {
        expected.push_str(&format!(" with category `{c}`"));
    }
    if !ex.evidence().is_empty() {
        expected.push_str(&format!(" on {:?}", ex.evidence()));
    }
    let ok = finding.is_some_and(|f| {
        ex.category().is_none_or(|c| f.category() == c)
            && ex
                .evidence()
                .iter()
                .all(|w| f.evidence().iter().any(|e| e.text() == w))
    });
    (!ok).then(|| (expected, verdict.clone()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestFile {
    #[serde(default, rename = "case")]
    cases: Vec<Spanned<TestCase>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestCase {
    #[serde(default)]
    name: Option<String>,
    text: String,
    #[serde(default)]
    present: Vec<Spanned<String>>,
    #[serde(default)]
    absent: Vec<Spanned<String>>,
    #[serde(default)]
    evidence: Vec<String>,
    #[serde(default)]
    action: Option<Action>,
}

/// The test file beside a policy file: `aup.toml` → `aup.test.toml`.
pub fn test_file_for(policy_path: &Path) -> PathBuf {
    let stem = policy_path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    policy_path.with_file_name(format!("{stem}.test.toml"))
}

/// Runs the cases of a test file.
pub fn run_test_file(policy: &Policy, path: impl AsRef<Path>) -> Result<TestReport, PolicyError> {
    let path = path.as_ref();
    let src = std::fs::read_to_string(path).map_err(|e| {
        let mut p = Problem::new(
            ProblemKind::Io,
            "",
            format!("cannot read the test file: {e}"),
        );
        p.source = path.display().to_string();
        PolicyError { problems: vec![p] }
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().trim_end_matches(".toml").to_string())
        .unwrap_or_default();
    run_test_str(policy, &name, &src).map_err(|mut e| {
        for p in &mut e.problems {
            p.source = path.display().to_string();
        }
        e
    })
}

/// Runs the cases of a test file given as text; `name` prefixes the case ids.
pub fn run_test_str(policy: &Policy, name: &str, src: &str) -> Result<TestReport, PolicyError> {
    let file: TestFile = toml::from_str(src).map_err(|e| {
        let mut p = crate::source::syntax_problem(src, &e);
        p.source = name.to_string();
        PolicyError { problems: vec![p] }
    })?;
    let known: BTreeSet<&str> = policy.categories().map(|c| c.id()).collect();
    let mut problems = Vec::new();
    let mut report = TestReport::default();
    for (i, case) in file.cases.iter().enumerate() {
        let c = case.get_ref();
        let named = [("present", &c.present), ("absent", &c.absent)];
        for (field, cats) in named {
            for cat in cats {
                let id = cat.get_ref();
                let prefix = id.trim_end_matches('*');
                let exists = if prefix.ends_with('.') {
                    known.iter().any(|k| k.starts_with(prefix))
                } else {
                    known.contains(id.as_str())
                };
                if !exists {
                    let mut p = Problem::new(
                        ProblemKind::UnknownCategory,
                        format!("case[{i}].{field}"),
                        format!(
                            "unknown category `{id}` in policy `{}`{}",
                            policy.id(),
                            crate::suggest::hint(id, known.iter().copied())
                        ),
                    )
                    .at(src, cat.span());
                    p.source = name.to_string();
                    problems.push(p);
                }
            }
        }
        let id = format!(
            "{name}/{}",
            c.name.clone().unwrap_or_else(|| format!("case[{i}]"))
        );
        let verdict = policy.classify(&c.text);
        let mut expected = Vec::new();
        let mut ok = true;
        for cat in c.present.iter().map(Spanned::get_ref) {
            expected.push(format!("{cat} found"));
            ok &= verdict.has_category(cat);
        }
        for cat in c.absent.iter().map(Spanned::get_ref) {
            expected.push(format!("no {cat}"));
            ok &= !verdict.has_category(cat);
        }
        if !c.evidence.is_empty() {
            expected.push(format!("evidence {:?}", c.evidence));
            ok &= c.evidence.iter().all(|w| {
                verdict
                    .findings()
                    .iter()
                    .flat_map(|f| f.evidence())
                    .any(|e| e.text() == w)
            });
        }
        if let Some(a) = c.action {
            expected.push(format!("action {a}"));
            ok &= verdict.action() == a;
        }
        let failure = (!ok).then(|| CaseFailure {
            id: id.clone(),
            rule: None,
            text: c.text.clone(),
            expected: expected.join(", "),
            got: format!("action {}; {}", verdict.action(), describe(&verdict)),
        });
        report.record(id, failure);
    }
    if problems.is_empty() {
        Ok(report)
    } else {
        Err(PolicyError { problems })
    }
}

/// Panics with every failing example, rule, text, expected, got and evidence.
#[track_caller]
pub fn assert_examples(policy: &Policy) {
    let report = policy.check_examples();
    if !report.is_ok() {
        fail(&format!(
            "examples of policy `{}` failed:\n{report}",
            policy.id()
        ));
    }
}

/// Panics unless every case of the test file passes.
#[track_caller]
pub fn assert_test_file(policy: &Policy, path: impl AsRef<Path>) {
    match run_test_file(policy, path) {
        Ok(report) if report.is_ok() => {}
        Ok(report) => fail(&format!(
            "test cases of policy `{}` failed:\n{report}",
            policy.id()
        )),
        Err(e) => fail(&format!("bad test file:\n{e}")),
    }
}

/// Panics unless `text` is found in `category` (`"hate.*"` for any hate category).
#[track_caller]
pub fn assert_flags(policy: &Policy, text: &str, category: &str) {
    let v = policy.classify(text);
    if !v.has_category(category) {
        fail(&format!(
            "policy `{}`: {text:?}\n  expected: {category} found\n  got:      {}",
            policy.id(),
            describe(&v)
        ));
    }
}

/// Panics if any rule fires on `text`.
#[track_caller]
pub fn assert_allows(policy: &Policy, text: &str) {
    let v = policy.classify(text);
    if !v.is_clean() {
        fail(&format!(
            "policy `{}`: {text:?}\n  expected: no finding\n  got:      {}",
            policy.id(),
            describe(&v)
        ));
    }
}

#[track_caller]
#[allow(clippy::panic)]
fn fail(msg: &str) -> ! {
    panic!("{msg}")
}

/// Which rules and lexicon terms no example exercises.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Rules that no violating example makes fire.
    pub rules_not_fired: Vec<String>,
    /// `(lexicon, term)` pairs that no text matched.
    pub terms_not_matched: Vec<(String, String)>,
    /// How many terms the policy's named lexicons hold.
    pub terms_total: usize,
}

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "rules no example makes fire: {}",
            self.rules_not_fired.len()
        )?;
        for r in &self.rules_not_fired {
            writeln!(f, "  {r}")?;
        }
        let covered = self.terms_total - self.terms_not_matched.len();
        writeln!(
            f,
            "terms matched by some example: {covered} of {} ({:.1}%)",
            self.terms_total,
            if self.terms_total == 0 {
                100.0
            } else {
                100.0 * covered as f64 / self.terms_total as f64
            }
        )?;
        let mut last = "";
        for (lex, term) in &self.terms_not_matched {
            if lex != last {
                write!(f, "\n  {lex}:")?;
                last = lex;
            }
            write!(f, " {term:?}")?;
        }
        Ok(())
    }
}

/// Coverage of the policy's rules and terms by its embedded examples and `texts`
/// (the texts of test files, say).
pub fn coverage(policy: &Policy, texts: &[&str]) -> Coverage {
    let c = policy.compiled();
    let mut fired: BTreeSet<String> = BTreeSet::new();
    let mut matched: BTreeSet<(String, String)> = BTreeSet::new();
    let mut all_texts: Vec<(Option<&str>, &str)> = texts.iter().map(|t| (None, *t)).collect();
    for rule in policy.rules() {
        for e in &rule.examples().violating {
            all_texts.push((Some(rule.id()), e.text()));
        }
        for e in &rule.examples().allowed {
            all_texts.push((None, e.text()));
        }
    }
    for (rule, text) in all_texts {
        let why = policy.explain(text);
        if let Some(r) = rule {
            if why.verdict.findings().iter().any(|f| f.rule() == r) {
                fired.insert(r.to_string());
            }
        }
        for h in why.hits {
            matched.insert((h.lexicon, h.folded));
        }
    }
    let mut out = Coverage::default();
    for rule in policy.rules() {
        if !fired.contains(rule.id()) {
            out.rules_not_fired.push(rule.id().to_string());
        }
    }
    for (li, lex) in c
        .lexicons
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.name.starts_with('@') && !l.name.starts_with('"'))
    {
        for term in c.lexicon_terms(li) {
            out.terms_total += 1;
            let folded = term_variants(term, &c.normalize, 0)
                .into_iter()
                .next()
                .unwrap_or_default();
            let hit = matched.iter().any(|(l, f)| {
                l == &lex.name
                    && match lex.mode {
                        MatchMode::Word => f == &folded,
                        MatchMode::Prefix => f.starts_with(folded.as_str()),
                        MatchMode::Infix => f.contains(folded.as_str()),
                    }
            });
            if !hit {
                out.terms_not_matched
                    .push((lex.name.clone(), term.to_string()));
            }
        }
    }
    out
}
