//! `tosguard.Verdict`, `tosguard.StackVerdict` and `tosguard.Finding`.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::Value;
use tosguard::{
    Action, Disagreement, Finding, Policy, PolicyStack, Severity, StackVerdict, Verdict,
};

use crate::json::{self, Id, Origin};

/// What every verdict of a policy shares: its id, version and fingerprint.
#[derive(Clone, Debug)]
pub(crate) struct Meta {
    pub(crate) id: String,
    pub(crate) version: String,
    pub(crate) fingerprint: String,
}

impl Meta {
    pub(crate) fn of(policy: &Policy) -> Meta {
        Meta {
            id: policy.id().to_string(),
            version: policy.version().to_string(),
            fingerprint: policy.fingerprint().to_string(),
        }
    }
}

/// The policies of an engine, one per layer, in order.
pub(crate) type Metas = Arc<[Meta]>;

/// What a text is classified under: one policy, or a stack of layers.
#[derive(Clone, Copy)]
pub(crate) enum Engine<'a> {
    One(&'a Policy, &'a Metas),
    Stack(&'a PolicyStack, &'a Metas),
}

/// The verdicts of every layer. A text no layer flags (most texts) keeps no verdict
/// at all: a batch of verdicts held in Python stays small.
enum Outcome {
    Clean,
    One(Box<Verdict>),
    Stack(Box<StackVerdict>),
}

/// A classified text: the verdict of each layer and, for every piece of evidence in
/// order (layer, finding, evidence), its span in characters (Python string indices).
pub(crate) struct Classified {
    metas: Metas,
    outcome: Outcome,
    chars: Vec<(usize, usize)>,
}

/// One layer's verdict, whether kept or clean.
#[derive(Clone, Copy)]
pub(crate) struct Layer<'a> {
    meta: &'a Meta,
    verdict: Option<&'a Verdict>,
}

impl<'a> Layer<'a> {
    pub(crate) fn policy(&self) -> &'a str {
        &self.meta.id
    }

    pub(crate) fn version(&self) -> &'a str {
        &self.meta.version
    }

    pub(crate) fn fingerprint(&self) -> &'a str {
        &self.meta.fingerprint
    }

    pub(crate) fn action(&self) -> Action {
        self.verdict.map(Verdict::action).unwrap_or_default()
    }

    pub(crate) fn severity(&self) -> Option<Severity> {
        self.verdict.and_then(Verdict::severity)
    }

    pub(crate) fn findings(&self) -> &'a [Finding] {
        self.verdict.map(Verdict::findings).unwrap_or_default()
    }

    pub(crate) fn verdict(&self) -> Option<&'a Verdict> {
        self.verdict
    }
}

impl Engine<'_> {
    /// Classifies `text`; needs no Python and may run on any thread.
    pub(crate) fn classify(self, text: &str) -> Classified {
        match self {
            Engine::One(p, metas) => Classified::of_verdict(text, p.classify(text), metas.clone()),
            Engine::Stack(s, metas) => {
                let v = s.classify(text);
                let (outcome, chars) = if v.layers().iter().all(Verdict::is_clean) {
                    (Outcome::Clean, Vec::new())
                } else {
                    let chars = char_spans(text, v.layers());
                    (Outcome::Stack(Box::new(v)), chars)
                };
                Classified {
                    metas: metas.clone(),
                    outcome,
                    chars,
                }
            }
        }
    }
}

impl Classified {
    /// A verdict of one policy on `text`, with its character spans.
    pub(crate) fn of_verdict(text: &str, verdict: Verdict, metas: Metas) -> Classified {
        if verdict.is_clean() {
            return Classified {
                metas,
                outcome: Outcome::Clean,
                chars: Vec::new(),
            };
        }
        let chars = char_spans(text, std::slice::from_ref(&verdict));
        Classified {
            metas,
            outcome: Outcome::One(Box::new(verdict)),
            chars,
        }
    }

    /// Every layer, in order.
    pub(crate) fn layers(&self) -> impl Iterator<Item = Layer<'_>> + '_ {
        self.metas.iter().enumerate().map(move |(i, meta)| Layer {
            meta,
            verdict: match &self.outcome {
                Outcome::Clean => None,
                Outcome::One(v) => Some(&**v),
                Outcome::Stack(s) => s.layers().get(i),
            },
        })
    }

    /// The first layer (the only one of a single policy's verdict).
    fn first(&self) -> Option<Layer<'_>> {
        self.layers().next()
    }

    pub(crate) fn action(&self) -> Action {
        self.layers().map(|l| l.action()).max().unwrap_or_default()
    }

    pub(crate) fn severity(&self) -> Option<Severity> {
        self.layers().filter_map(|l| l.severity()).max()
    }

    pub(crate) fn is_clean(&self) -> bool {
        matches!(self.outcome, Outcome::Clean) || self.layers().all(|l| l.findings().is_empty())
    }

    pub(crate) fn has_category(&self, id: &str) -> bool {
        self.layers()
            .any(|l| l.verdict().is_some_and(|v| v.has_category(id)))
    }

    pub(crate) fn disagreements(&self) -> Vec<Disagreement> {
        match &self.outcome {
            Outcome::Stack(v) => v.disagreements(),
            Outcome::Clean | Outcome::One(_) => Vec::new(),
        }
    }

    /// The distinct categories of every layer, sorted.
    pub(crate) fn categories(&self) -> Vec<&str> {
        let mut c: Vec<&str> = self
            .layers()
            .flat_map(|l| l.findings().iter().map(Finding::category))
            .collect();
        c.sort_unstable();
        c.dedup();
        c
    }

    /// The `tosguard classify` object for this verdict.
    pub(crate) fn record(&self, origin: Origin, statements: bool) -> Value {
        let layers: Vec<Layer<'_>> = self.layers().collect();
        json::record(origin, &layers, &self.disagreements(), statements)
    }

    /// Each layer as a verdict of its own, with its character spans.
    fn split(&self) -> Vec<Classified> {
        let mut out = Vec::new();
        let mut next = 0;
        for layer in self.layers() {
            let n: usize = layer.findings().iter().map(|f| f.evidence().len()).sum();
            let metas: Metas = Arc::from(vec![layer.meta.clone()]);
            let outcome = match layer.verdict() {
                Some(v) if !v.is_clean() => Outcome::One(Box::new(v.clone())),
                _ => Outcome::Clean,
            };
            let chars = self.chars.get(next..next + n).unwrap_or_default().to_vec();
            next += n;
            out.push(Classified {
                metas,
                outcome,
                chars,
            });
        }
        out
    }

    /// Python objects for the findings of every layer, with their character spans.
    fn findings(&self) -> Vec<PyFinding> {
        let mut out = Vec::new();
        let mut next = 0;
        for layer in self.layers() {
            for f in layer.findings() {
                let n = f.evidence().len();
                out.push(PyFinding {
                    finding: f.clone(),
                    layer: layer.policy().to_string(),
                    char_spans: self.chars.get(next..next + n).unwrap_or_default().to_vec(),
                });
                next += n;
            }
        }
        out
    }
}

/// The spans of every piece of evidence of `layers`, in characters of `text`.
fn char_spans(text: &str, layers: &[Verdict]) -> Vec<(usize, usize)> {
    let spans: Vec<(usize, usize)> = layers
        .iter()
        .flat_map(|v| v.findings())
        .flat_map(|f| f.evidence())
        .map(|e| (e.span().start, e.span().end))
        .collect();
    if spans.is_empty() {
        return spans;
    }
    let mut offsets: Vec<usize> = spans.iter().flat_map(|&(s, e)| [s, e]).collect();
    offsets.sort_unstable();
    offsets.dedup();
    // One walk over the text: the character count at every byte offset, in order.
    let mut counts = Vec::with_capacity(offsets.len());
    let (mut prev, mut count) = (0, 0);
    for &b in &offsets {
        count += text.get(prev..b).map_or(0, |s| s.chars().count());
        counts.push(count);
        prev = b;
    }
    let at = |b: usize| offsets.binary_search(&b).map_or(0, |i| counts[i]);
    spans.iter().map(|&(s, e)| (at(s), at(e))).collect()
}

fn findings_list<'py>(py: Python<'py>, c: &Classified) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for f in c.findings() {
        list.append(Bound::new(py, f)?)?;
    }
    Ok(list)
}

fn origin(id: Id, line: Option<u64>) -> Origin {
    Origin { id: id.0, line }
}

/// The decision of one policy on one text.
///
/// ``to_dict()`` and ``to_json()`` give the object ``tosguard classify`` prints for the
/// text; ``findings`` lists every rule that fired, with its evidence as byte spans
/// (``spans``), as Python string indices (``char_spans``) and as the words themselves.
#[pyclass(frozen, module = "tosguard", name = "Verdict")]
pub(crate) struct PyVerdict {
    pub(crate) inner: Classified,
}

#[pymethods]
impl PyVerdict {
    /// The id of the policy that decided.
    #[getter]
    fn policy(&self) -> &str {
        self.inner.first().map_or("", |l| l.policy())
    }

    /// The version of the policy that decided.
    #[getter]
    fn version(&self) -> &str {
        self.inner.first().map_or("", |l| &l.meta.version)
    }

    /// The fingerprint of the compiled policy that decided.
    #[getter]
    fn fingerprint(&self) -> &str {
        self.inner.first().map_or("", |l| &l.meta.fingerprint)
    }

    /// ``"none"``, ``"flag"``, ``"review"`` or ``"remove"``: the strongest action of the findings.
    #[getter]
    fn action(&self) -> &'static str {
        self.inner.action().as_str()
    }

    /// The highest severity among the findings, or ``None`` when nothing fired.
    #[getter]
    fn severity(&self) -> Option<&'static str> {
        self.inner.severity().map(Severity::as_str)
    }

    /// Every rule that fired, in the policy's rule order.
    #[getter]
    fn findings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        findings_list(py, &self.inner)
    }

    /// The distinct categories found, sorted.
    #[getter]
    fn categories(&self) -> Vec<&str> {
        self.inner.categories()
    }

    /// True when no rule fired.
    #[getter]
    fn is_clean(&self) -> bool {
        self.inner.is_clean()
    }

    /// Whether a finding has category ``id``, or, for a prefix ending in ``.`` or ``*``
    /// (``"hate."``, ``"hate.*"``), any category under it.
    fn has_category(&self, id: &str) -> bool {
        self.inner.has_category(id)
    }

    /// The object ``tosguard classify`` prints for this text, as a dict, with the same
    /// keys in the same order. ``id`` (any JSON value; ``None`` is written ``null``) and
    /// ``line`` (the input line number) come first when given; without ``id`` there is
    /// no ``id`` key, as for a plain-text line of the CLI. ``statements=True`` adds the
    /// EU DSA statements of reasons as ``tosguard classify --statements`` does.
    #[pyo3(
        signature = (id=Id::default(), *, line=None, statements=false),
        text_signature = "(self, id=..., *, line=None, statements=False)"
    )]
    fn to_dict<'py>(
        &self,
        py: Python<'py>,
        id: Id,
        line: Option<u64>,
        statements: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &self.inner.record(origin(id, line), statements))
    }

    /// The line ``tosguard classify`` prints for this text (compact JSON, no newline).
    #[pyo3(
        signature = (id=Id::default(), *, line=None, statements=false),
        text_signature = "(self, id=..., *, line=None, statements=False)"
    )]
    fn to_json(&self, id: Id, line: Option<u64>, statements: bool) -> String {
        self.inner.record(origin(id, line), statements).to_string()
    }

    fn __repr__(&self) -> String {
        format!(
            "Verdict(policy={:?}, action={:?}, categories={:?})",
            self.policy(),
            self.action(),
            self.categories()
        )
    }
}

/// The decisions of every layer of a ``PolicyStack`` on one text.
///
/// ``action`` is the strongest action of any layer; ``layers`` holds one ``Verdict``
/// per layer; ``disagreements`` lists the pairs of layers where one removes the text
/// and the other does not. ``to_dict()`` and ``to_json()`` give the object
/// ``tosguard classify --policy A --policy B`` prints.
#[pyclass(frozen, module = "tosguard", name = "StackVerdict")]
pub(crate) struct PyStackVerdict {
    pub(crate) inner: Classified,
}

#[pymethods]
impl PyStackVerdict {
    /// The strongest action of any layer.
    #[getter]
    fn action(&self) -> &'static str {
        self.inner.action().as_str()
    }

    /// The highest severity of any layer, or ``None`` when nothing fired.
    #[getter]
    fn severity(&self) -> Option<&'static str> {
        self.inner.severity().map(Severity::as_str)
    }

    /// One ``Verdict`` per layer, in layer order.
    #[getter]
    fn layers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for inner in self.inner.split() {
            list.append(Bound::new(py, PyVerdict { inner })?)?;
        }
        Ok(list)
    }

    /// ``{"policy": id, "action": action}`` for each layer, in layer order.
    #[getter]
    fn decisions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for v in self.inner.layers() {
            let d = PyDict::new(py);
            d.set_item("policy", v.policy())?;
            d.set_item("action", v.action().as_str())?;
            list.append(d)?;
        }
        Ok(list)
    }

    /// Every pair of layers where one removes the text and the other does not, as dicts
    /// with ``removed_by``, ``allowed_by``, ``allowing_action``, ``categories``,
    /// ``removing_rules`` and ``allowing_rules``.
    #[getter]
    fn disagreements<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let d = serde_json::to_value(self.inner.disagreements()).unwrap_or_default();
        json::to_py(py, &d)
    }

    /// The findings of every layer, in layer order.
    #[getter]
    fn findings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        findings_list(py, &self.inner)
    }

    /// The distinct categories found by any layer, sorted.
    #[getter]
    fn categories(&self) -> Vec<&str> {
        self.inner.categories()
    }

    /// True when no rule of any layer fired.
    #[getter]
    fn is_clean(&self) -> bool {
        self.inner.is_clean()
    }

    /// Whether any layer found category ``id`` (or, for ``"hate."``/``"hate.*"``, any
    /// category under it).
    fn has_category(&self, id: &str) -> bool {
        self.inner.has_category(id)
    }

    /// The verdict of the layer whose policy id is ``id``, or ``None``.
    fn layer(&self, py: Python<'_>, id: &str) -> PyResult<Option<Py<PyVerdict>>> {
        let layers = self.layers(py)?;
        for v in layers.iter() {
            let v = v.cast_into::<PyVerdict>()?;
            if v.get().policy() == id {
                return Ok(Some(v.unbind()));
            }
        }
        Ok(None)
    }

    /// The object ``tosguard classify`` prints for this text with these policies, as
    /// a dict (``id`` and ``line`` first when given, as for ``Verdict.to_dict``).
    #[pyo3(
        signature = (id=Id::default(), *, line=None, statements=false),
        text_signature = "(self, id=..., *, line=None, statements=False)"
    )]
    fn to_dict<'py>(
        &self,
        py: Python<'py>,
        id: Id,
        line: Option<u64>,
        statements: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &self.inner.record(origin(id, line), statements))
    }

    /// The line ``tosguard classify`` prints for this text with these policies.
    #[pyo3(
        signature = (id=Id::default(), *, line=None, statements=false),
        text_signature = "(self, id=..., *, line=None, statements=False)"
    )]
    fn to_json(&self, id: Id, line: Option<u64>, statements: bool) -> String {
        self.inner.record(origin(id, line), statements).to_string()
    }

    fn __repr__(&self) -> String {
        let decisions: Vec<String> = self
            .inner
            .layers()
            .map(|v| format!("{}={}", v.policy(), v.action()))
            .collect();
        format!(
            "StackVerdict(action={:?}, {})",
            self.action(),
            decisions.join(", ")
        )
    }
}

/// One rule that fired, with its category and evidence.
#[pyclass(frozen, module = "tosguard", name = "Finding")]
pub(crate) struct PyFinding {
    finding: Finding,
    layer: String,
    char_spans: Vec<(usize, usize)>,
}

#[pymethods]
impl PyFinding {
    /// The id of the policy that decided (the stack layer), as in the CLI's output.
    #[getter]
    fn policy(&self) -> &str {
        &self.layer
    }

    /// The id of the pack that defines the rule (a policy's own id, or a pack it
    /// extends, such as ``"baseline.fr"``).
    #[getter]
    fn pack(&self) -> &str {
        self.finding.policy()
    }

    /// The rule id.
    #[getter]
    fn rule(&self) -> &str {
        self.finding.rule()
    }

    /// The category id, such as ``"violence.threat"``.
    #[getter]
    fn category(&self) -> &str {
        self.finding.category()
    }

    /// ``"low"``, ``"medium"``, ``"high"`` or ``"critical"``.
    #[getter]
    fn severity(&self) -> &'static str {
        self.finding.severity().as_str()
    }

    /// The action the category calls for.
    #[getter]
    fn action(&self) -> &'static str {
        self.finding.action().as_str()
    }

    /// The terms-of-service clause the rule enforces, if the policy names one.
    #[getter]
    fn tos_ref(&self) -> Option<&str> {
        self.finding.tos_ref()
    }

    /// The EU DSA statement category, if the policy names one.
    #[getter]
    fn dsa_category(&self) -> Option<&str> {
        self.finding.dsa_category()
    }

    /// The words of the text the finding rests on, in text order.
    #[getter]
    fn evidence(&self) -> Vec<&str> {
        self.finding.evidence().iter().map(|e| e.text()).collect()
    }

    /// The evidence as ``(start, end)`` byte offsets into the text encoded as UTF-8.
    #[getter]
    fn spans(&self) -> Vec<(usize, usize)> {
        self.finding
            .evidence()
            .iter()
            .map(|e| (e.span().start, e.span().end))
            .collect()
    }

    /// The evidence as ``(start, end)`` Python string indices:
    /// ``text[start:end]`` is the evidence.
    #[getter]
    fn char_spans(&self) -> Vec<(usize, usize)> {
        self.char_spans.clone()
    }

    /// The lexicon (or inline phrase) each piece of evidence matched.
    #[getter]
    fn lexicons(&self) -> Vec<&str> {
        self.finding
            .evidence()
            .iter()
            .map(|e| e.lexicon())
            .collect()
    }

    /// The finding as ``tosguard classify`` prints it: there, ``policy`` is the pack
    /// that defines the rule (``self.pack``), and ``tos_ref`` is included.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, &json::finding(&self.finding))
    }

    fn __repr__(&self) -> String {
        format!(
            "Finding(rule={:?}, category={:?}, evidence={:?})",
            self.rule(),
            self.category(),
            self.evidence()
        )
    }
}
