//! `tosguard.Explanation`, `tosguard.TestReport` and `tosguard.test`: what
//! `tosguard explain` and `tosguard test` print, as Python objects.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pyo3::prelude::*;
use serde_json::json;
use tosguard::testing::{self, TestReport};
use tosguard::{Explanation, Policy};

use crate::error::policy_error;
use crate::json;
use crate::verdict::{Classified, Meta, Metas, PyVerdict};

/// Why each rule fired or was suppressed on one text.
///
/// ``str(explanation)`` is the text ``tosguard explain`` prints; ``to_dict()`` is the
/// object ``tosguard explain --json`` prints.
#[pyclass(frozen, module = "tosguard", name = "Explanation")]
pub(crate) struct PyExplanation {
    policy: String,
    text: String,
    explanation: Explanation,
    metas: Metas,
}

impl PyExplanation {
    pub(crate) fn new(meta: &Meta, text: &str, explanation: Explanation) -> Self {
        PyExplanation {
            policy: meta.id.clone(),
            text: text.to_string(),
            explanation,
            metas: Arc::from(vec![meta.clone()]),
        }
    }

    fn value(&self) -> serde_json::Value {
        json!({"policy": self.policy, "text": self.text, "explanation": self.explanation})
    }
}

#[pymethods]
impl PyExplanation {
    /// The id of the policy explained.
    #[getter]
    fn policy(&self) -> &str {
        &self.policy
    }

    /// The folded text the automaton scanned.
    #[getter]
    fn normalized(&self) -> &str {
        &self.explanation.normalized
    }

    /// The rules whose condition matched, as dicts (``rule``, ``category``, ``when``,
    /// ``fired``, ``matches``).
    #[getter]
    fn rules<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &json!(self.explanation.rules))
    }

    /// Every lexicon hit, in text order, as dicts (``lexicon``, ``span`` in UTF-8 bytes
    /// of the text, ``text``, ``folded``, ``sentence``, ``clause``).
    #[getter]
    fn hits<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &json!(self.explanation.hits))
    }

    /// The learned signals the policy's conditions use, as each scored the text, as
    /// dicts (``signal``, ``score``, ``comparisons``, ``features``, ``tagged``,
    /// ``window``); empty for a policy without ``signal(...)``.
    #[getter]
    fn signals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &json!(self.explanation.signals))
    }

    /// The windows the text was judged in, in order, as ``(start, end)`` character
    /// offsets (Python string indices): one, the whole text, unless the text is longer
    /// than the policy's ``Limits.window_bytes``. Each signal's ``window`` is an index
    /// into this list.
    #[getter]
    fn windows(&self) -> Vec<(usize, usize)> {
        // The windows ascend and abut: one walk over the text counts the characters.
        let (mut byte, mut chars) = (0, 0);
        let mut at = |b: usize| {
            chars += self.text.get(byte..b).map_or(0, |s| s.chars().count());
            byte = byte.max(b);
            chars
        };
        self.explanation
            .windows
            .iter()
            .map(|w| (at(w.start), at(w.end)))
            .collect()
    }

    /// The verdict, as ``classify`` returns it.
    #[getter]
    fn verdict(&self) -> PyVerdict {
        // The explanation's verdict is the policy's own; recompute the character spans.
        let v = self.explanation.verdict.clone();
        let inner = Classified::of_verdict(&self.text, v, self.metas.clone());
        PyVerdict { inner }
    }

    /// The object ``tosguard explain --json`` prints for this text.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &self.value())
    }

    /// The line ``tosguard explain --json`` prints for this text.
    fn to_json(&self) -> String {
        self.value().to_string()
    }

    fn __str__(&self) -> String {
        self.explanation.to_string()
    }

    fn __repr__(&self) -> String {
        format!(
            "Explanation(policy={:?}, action={:?}, rules={})",
            self.policy,
            self.explanation.verdict.action().as_str(),
            self.explanation.rules.len()
        )
    }
}

/// The outcome of running a policy's examples and test file.
///
/// ``str(report)`` is what ``tosguard test POLICY`` prints; ``ok`` is true when every
/// case passed.
#[pyclass(frozen, module = "tosguard", name = "TestReport")]
pub(crate) struct PyTestReport {
    policy: String,
    report: TestReport,
}

impl PyTestReport {
    pub(crate) fn new(policy: &str, report: TestReport) -> Self {
        PyTestReport {
            policy: policy.to_string(),
            report,
        }
    }
}

#[pymethods]
impl PyTestReport {
    /// Not a pytest test class, even when imported into a test module.
    #[classattr]
    #[allow(non_upper_case_globals)]
    const __test__: bool = false;

    /// The id of the policy tested.
    #[getter]
    fn policy(&self) -> &str {
        &self.policy
    }

    /// How many cases passed.
    #[getter]
    fn passed(&self) -> usize {
        self.report.passed
    }

    /// How many cases failed.
    #[getter]
    fn failed(&self) -> usize {
        self.report.failures.len()
    }

    /// True when every case passed.
    #[getter]
    fn ok(&self) -> bool {
        self.report.is_ok()
    }

    /// Each failed case as ``tosguard test`` prints it (id, text, expected, got).
    #[getter]
    fn failures(&self) -> Vec<String> {
        self.report.failures.iter().map(|f| f.to_string()).collect()
    }

    /// Every case in order, as ``(id, passed)``.
    #[getter]
    fn results(&self) -> Vec<(String, bool)> {
        self.report
            .results
            .iter()
            .map(|r| (r.id.clone(), r.passed))
            .collect()
    }

    /// The rules that have no embedded example.
    #[getter]
    fn without_examples(&self) -> Vec<String> {
        self.report.without_examples.clone()
    }

    /// What ``tosguard test [-v] POLICY`` prints: with ``verbose``, one line per case.
    #[pyo3(signature = (verbose=false))]
    fn format(&self, verbose: bool) -> String {
        let mut out = String::new();
        if verbose {
            for r in &self.report.results {
                let state = if r.passed { "PASS" } else { "FAIL" };
                out.push_str(&format!("{}: {state}\n", r.id));
            }
        }
        for f in &self.report.failures {
            out.push_str(&format!("{f}\n"));
        }
        for rule in &self.report.without_examples {
            out.push_str(&format!("{}: rule `{rule}` has no examples\n", self.policy));
        }
        out.push_str(&format!(
            "{} passed, {} failed",
            self.report.passed,
            self.report.failures.len()
        ));
        out
    }

    fn __str__(&self) -> String {
        self.format(false)
    }

    fn __bool__(&self) -> bool {
        self.ok()
    }

    fn __repr__(&self) -> String {
        format!(
            "TestReport(policy={:?}, passed={}, failed={})",
            self.policy,
            self.passed(),
            self.failed()
        )
    }
}

/// Runs a policy's embedded examples and the test file beside it (``aup.toml`` →
/// ``aup.test.toml``), as ``tosguard test POLICY`` does. ``policy`` is a file path or
/// the name of a built-in policy. Raises ``PolicyError`` when the policy or its test
/// file is invalid.
#[pyfunction]
pub(crate) fn test(py: Python<'_>, policy: PathBuf) -> PyResult<PyTestReport> {
    let run = |path: &Path| -> Result<(String, TestReport), tosguard::PolicyError> {
        if !path.exists() {
            let policy = Policy::builtin(&path.display().to_string())?;
            return Ok((policy.id().to_string(), policy.check_examples()));
        }
        let policy = Policy::from_file(path)?;
        let mut report = policy.check_examples();
        let beside = testing::test_file_for(path);
        if beside.exists() {
            report.merge(testing::run_test_file(&policy, &beside)?);
        }
        Ok((policy.id().to_string(), report))
    };
    let (id, report) = py
        .detach(|| run(&policy))
        .map_err(|e| policy_error(py, &e))?;
    Ok(PyTestReport::new(&id, report))
}

/// The names of the built-in policies.
#[pyfunction]
pub(crate) fn builtin_names() -> Vec<&'static str> {
    tosguard::builtin_names().collect()
}
