//! `tosguard.Policy` and `tosguard.PolicyStack`: compiling, classifying one text, many
//! texts on every core, or an Arrow array; explaining; pickling by source.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple};
use tosguard::{Limits, Loader, Policy, PolicyError, PolicyStack};

use crate::arrow;
use crate::batch::{Threads, as_text, collect_texts};
use crate::error::policy_error;
use crate::limits::PyLimits;
use crate::report::{PyExplanation, PyTestReport};
use crate::verdict::{Classified, Engine, Meta, Metas, PyStackVerdict, PyVerdict};
use std::sync::Arc;

/// Where a policy came from, and the limits it was compiled under: what is needed to
/// compile it again in another process.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Source {
    kind: Kind,
    limits: Limits,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Kind {
    Builtin(String),
    Toml(String),
    File { path: String, text: String },
}

impl Source {
    fn new(kind: Kind, limits: Option<&PyLimits>) -> Source {
        Source {
            kind,
            limits: limits.map(|l| l.inner).unwrap_or_default(),
        }
    }

    fn compile(&self) -> Result<Policy, PolicyError> {
        let loader = Loader::new().limits(self.limits);
        match &self.kind {
            // The process's shared copy when the limits are the default ones.
            Kind::Builtin(name) if name == "baseline" && self.limits == Limits::default() => {
                Policy::try_baseline()
            }
            Kind::Builtin(name) => loader.load(name),
            Kind::Toml(text) => loader.from_toml_str(text),
            // The same file, when it is still there, so that `extends` can name files
            // beside it; otherwise the text it had.
            Kind::File { path, text } => match std::fs::read_to_string(path) {
                Ok(now) if now == *text => loader.from_file(path),
                _ => loader.from_toml_str(text),
            },
        }
    }

    /// The arguments of `_restore_policy`: the kind, its two strings, and the limits
    /// (`None` for the default ones, so that such pickles read as before limits existed).
    fn to_args(&self) -> (&'static str, &str, &str, Option<PyLimits>) {
        let limits = (self.limits != Limits::default()).then_some(PyLimits { inner: self.limits });
        match &self.kind {
            Kind::Builtin(name) => ("builtin", name, "", limits),
            Kind::Toml(text) => ("toml", text, "", limits),
            Kind::File { path, text } => ("file", path, text, limits),
        }
    }
}

/// Compiled policies and stacks restored from pickles, so that a process that
/// unpickles the same policy for every task (a Spark executor) compiles it once.
const CACHE_LIMIT: usize = 16;
static POLICIES: LazyLock<Mutex<HashMap<Source, Policy>>> = LazyLock::new(Default::default);
static STACKS: LazyLock<Mutex<HashMap<Vec<Source>, PolicyStack>>> = LazyLock::new(Default::default);

/// How many times this process compiled each source to unpickle a policy of it.
static UNPICKLE_COMPILES: LazyLock<Mutex<HashMap<Source, usize>>> = LazyLock::new(Default::default);

/// How many times this process compiled `policy`'s source to unpickle it: a process
/// that unpickles the same policy for every task compiles it once. For tests.
#[pyfunction]
pub(crate) fn _unpickle_compiles(policy: &PyPolicy) -> usize {
    UNPICKLE_COMPILES
        .lock()
        .ok()
        .and_then(|c| c.get(&policy.source).copied())
        .unwrap_or(0)
}

fn cached<K: Clone + Eq + std::hash::Hash, V: Clone + Send>(
    py: Python<'_>,
    cache: &Mutex<HashMap<K, V>>,
    key: &K,
    make: impl FnOnce() -> Result<V, PolicyError> + Send,
) -> PyResult<V> {
    if let Some(v) = cache.lock().ok().and_then(|c| c.get(key).cloned()) {
        return Ok(v);
    }
    let v = py.detach(make).map_err(|e| policy_error(py, &e))?;
    if let Ok(mut c) = cache.lock() {
        if c.len() >= CACHE_LIMIT {
            c.clear();
        }
        c.insert(key.clone(), v.clone());
    }
    Ok(v)
}

/// Compiles `source` without holding the GIL.
fn compile(py: Python<'_>, source: Source) -> PyResult<PyPolicy> {
    let policy = py
        .detach(|| source.compile())
        .map_err(|e| policy_error(py, &e))?;
    Ok(PyPolicy::new(policy, source))
}

/// `text` as `&str`, or a `TypeError`.
fn text_arg<'a>(text: &'a Bound<'_, PyAny>) -> PyResult<&'a str> {
    as_text(text, &|| "text".into())?.to_str()
}

/// Classifies every text of `texts` on `threads` and wraps each result with `wrap`.
fn classify_many<'py>(
    py: Python<'py>,
    engine: Engine<'_>,
    texts: &Bound<'py, PyAny>,
    threads: Option<i64>,
    wrap: impl Fn(Classified) -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let threads = Threads::from_arg(threads)?;
    let items = collect_texts(texts)?;
    let strs = items
        .iter()
        .enumerate()
        .map(|(i, s)| {
            s.to_str().map_err(|e| {
                PyValueError::new_err(format!("texts[{i}] cannot be encoded as UTF-8: {e}"))
            })
        })
        .collect::<PyResult<Vec<&str>>>()?;
    let results = py.detach(|| threads.map(&strs, |t| engine.classify(t)))?;
    let out = PyList::empty(py);
    for r in results {
        out.append(wrap(r)?)?;
    }
    Ok(out)
}

/// A compiled policy: categories, lexicons and rules.
///
/// Compile once and share: a ``Policy`` is immutable and safe to use from several
/// threads; classifying never fails. Compiling fails with ``PolicyError``.
#[pyclass(frozen, module = "tosguard", name = "Policy")]
pub(crate) struct PyPolicy {
    pub(crate) policy: Policy,
    source: Source,
    metas: Metas,
}

impl PyPolicy {
    fn new(policy: Policy, source: Source) -> PyPolicy {
        let metas: Metas = Arc::from(vec![Meta::of(&policy)]);
        PyPolicy {
            policy,
            source,
            metas,
        }
    }

    fn engine(&self) -> Engine<'_> {
        Engine::One(&self.policy, &self.metas)
    }
}

#[pymethods]
impl PyPolicy {
    /// The built-in ``baseline`` policy (English and French), compiled on first use and
    /// shared by every later call.
    #[staticmethod]
    #[pyo3(signature = (*, limits=None))]
    fn baseline(py: Python<'_>, limits: Option<PyLimits>) -> PyResult<PyPolicy> {
        compile(
            py,
            Source::new(Kind::Builtin("baseline".into()), limits.as_ref()),
        )
    }

    /// A built-in policy by name (``"baseline"``, ``"taxonomy"``, ...); see
    /// ``tosguard.builtin_names()``.
    #[staticmethod]
    #[pyo3(signature = (name, *, limits=None))]
    fn builtin(py: Python<'_>, name: &str, limits: Option<PyLimits>) -> PyResult<PyPolicy> {
        compile(py, Source::new(Kind::Builtin(name.into()), limits.as_ref()))
    }

    /// Compiles a policy from TOML text. Parents named in ``extends`` are built-in packs.
    #[staticmethod]
    #[pyo3(signature = (text, *, limits=None))]
    fn from_toml(
        py: Python<'_>,
        text: &Bound<'_, PyAny>,
        limits: Option<PyLimits>,
    ) -> PyResult<PyPolicy> {
        let text = as_text(text, &|| "the policy text".into())?.to_str()?;
        compile(
            py,
            Source::new(Kind::Toml(text.to_string()), limits.as_ref()),
        )
    }

    /// Compiles a policy file. ``extends`` may also name files relative to it.
    #[staticmethod]
    #[pyo3(signature = (path, *, limits=None))]
    fn from_file(py: Python<'_>, path: PathBuf, limits: Option<PyLimits>) -> PyResult<PyPolicy> {
        let loader = Loader::new().limits(limits.map(|l| l.inner).unwrap_or_default());
        let policy = py
            .detach(|| loader.from_file(&path))
            .map_err(|e| policy_error(py, &e))?;
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let kind = Kind::File {
            path: path.display().to_string(),
            text,
        };
        let source = Source::new(kind, limits.as_ref());
        Ok(PyPolicy::new(policy, source))
    }

    /// Several policies over the same content (a host's and a platform's, say), each
    /// deciding: ``classify`` returns a ``StackVerdict`` with one verdict per layer and
    /// where they disagree.
    #[staticmethod]
    fn stack(py: Python<'_>, policies: &Bound<'_, PyAny>) -> PyResult<PyPolicyStack> {
        PyPolicyStack::build(py, policies)
    }

    /// The policy id.
    #[getter]
    fn id(&self) -> &str {
        self.policy.id()
    }

    /// The policy version.
    #[getter]
    fn version(&self) -> &str {
        self.policy.version()
    }

    /// A stable hash of the compiled policy: verdicts carry it, so an audit can tell
    /// which policy decided.
    #[getter]
    fn fingerprint(&self) -> &str {
        self.policy.fingerprint()
    }

    /// The limits the policy was compiled under (``Limits()`` unless some were given).
    #[getter]
    fn limits(&self) -> PyLimits {
        PyLimits {
            inner: self.source.limits,
        }
    }

    /// The policy title, if it has one.
    #[getter]
    fn title(&self) -> Option<&str> {
        self.policy.title()
    }

    /// Classifies ``text``, without holding the GIL.
    fn classify(&self, py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<PyVerdict> {
        let text = text_arg(text)?;
        let engine = self.engine();
        let inner = py.detach(|| engine.classify(text));
        Ok(PyVerdict { inner })
    }

    /// Classifies every ``str`` of ``texts`` on ``threads`` threads (every core by
    /// default; ``1`` for the calling thread only) without holding the GIL, and returns
    /// the verdicts in order.
    #[pyo3(signature = (texts, *, threads=None))]
    fn classify_many<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        threads: Option<i64>,
    ) -> PyResult<Bound<'py, PyList>> {
        classify_many(py, self.engine(), texts, threads, |inner| {
            Ok(Bound::new(py, PyVerdict { inner })?.into_any())
        })
    }

    /// Classifies a pyarrow ``string``, ``large_string`` or ``string_view`` array (or a
    /// chunked array) in place, without copying it, and returns a struct array with one
    /// row per text (null for a null text).
    #[pyo3(signature = (array, *, threads=None))]
    fn classify_arrow<'py>(
        &self,
        py: Python<'py>,
        array: &Bound<'py, PyAny>,
        threads: Option<i64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let threads = Threads::from_arg(threads)?;
        arrow::classify_array(py, self.engine(), array, threads)
    }

    /// Why each rule fired or was suppressed on ``text``: the folded text, every hit,
    /// and each rule that matched (what ``tosguard explain`` prints).
    fn explain(&self, py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<PyExplanation> {
        let text = text_arg(text)?;
        let explanation = py.detach(|| self.policy.explain(text));
        Ok(PyExplanation::new(&self.metas[0], text, explanation))
    }

    /// Runs every rule's embedded examples.
    fn check_examples(&self, py: Python<'_>) -> PyTestReport {
        let report = py.detach(|| self.policy.check_examples());
        PyTestReport::new(self.policy.id(), report)
    }

    fn __repr__(&self) -> String {
        format!(
            "Policy(id={:?}, version={:?}, fingerprint={:?})",
            self.policy.id(),
            self.policy.version(),
            self.policy.fingerprint()
        )
    }

    /// Pickles as the policy's source: unpickling compiles it again, once per process.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let restore = py
            .import("tosguard._tosguard")?
            .getattr("_restore_policy")?;
        let args = self.source.to_args().into_pyobject(py)?;
        PyTuple::new(py, [restore, args.into_any()])
    }
}

/// Recompiles a pickled policy (compiled once per process and source).
#[pyfunction]
#[pyo3(signature = (kind, a, b, limits=None))]
pub(crate) fn _restore_policy(
    py: Python<'_>,
    kind: &str,
    a: String,
    b: String,
    limits: Option<PyLimits>,
) -> PyResult<PyPolicy> {
    let kind = match kind {
        "builtin" => Kind::Builtin(a),
        "toml" => Kind::Toml(a),
        "file" => Kind::File { path: a, text: b },
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown pickled policy kind `{other}`"
            )));
        }
    };
    let source = Source::new(kind, limits.as_ref());
    let key = source.clone();
    let policy = cached(py, &POLICIES, &key, || {
        if let Ok(mut counts) = UNPICKLE_COMPILES.lock() {
            *counts.entry(source.clone()).or_default() += 1;
        }
        source.compile()
    })?;
    Ok(PyPolicy::new(policy, key))
}

/// Policy layers evaluated together over the same texts: a host's acceptable-use
/// policy and a platform's terms of service, each deciding, with one normalization and
/// one scan when their folding options agree.
#[pyclass(frozen, module = "tosguard", name = "PolicyStack")]
pub(crate) struct PyPolicyStack {
    stack: PolicyStack,
    layers: Vec<Py<PyPolicy>>,
    metas: Metas,
}

impl PyPolicyStack {
    fn build(py: Python<'_>, policies: &Bound<'_, PyAny>) -> PyResult<PyPolicyStack> {
        if policies.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(
                "Policy.stack expects a list of Policy, not a str",
            ));
        }
        let mut layers = Vec::new();
        for (i, p) in policies.try_iter()?.enumerate() {
            let p = p?;
            let p = p.cast_into::<PyPolicy>().map_err(|e| {
                PyTypeError::new_err(format!(
                    "policies[{i}] must be a Policy, not {}",
                    crate::batch::type_name(e.into_inner().as_any())
                ))
            })?;
            layers.push(p.unbind());
        }
        if layers.is_empty() {
            return Err(PyValueError::new_err("a stack needs at least one policy"));
        }
        let policies: Vec<Policy> = layers.iter().map(|p| p.get().policy.clone()).collect();
        let key: Vec<Source> = layers.iter().map(|p| p.get().source.clone()).collect();
        let stack = cached(py, &STACKS, &key, || {
            Ok(policies
                .into_iter()
                .fold(PolicyStack::new(), PolicyStack::layer))
        })?;
        let metas: Metas = layers.iter().map(|p| Meta::of(&p.get().policy)).collect();
        Ok(PyPolicyStack {
            stack,
            layers,
            metas,
        })
    }
}

#[pymethods]
impl PyPolicyStack {
    /// The layers' policies, in order.
    #[getter]
    fn layers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.layers.iter().map(|p| p.clone_ref(py)))
    }

    /// Classifies ``text`` under every layer, without holding the GIL.
    fn classify(&self, py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<PyStackVerdict> {
        let text = text_arg(text)?;
        let engine = Engine::Stack(&self.stack, &self.metas);
        let inner = py.detach(|| engine.classify(text));
        Ok(PyStackVerdict { inner })
    }

    /// Classifies every ``str`` of ``texts`` under every layer on ``threads`` threads
    /// (every core by default), without holding the GIL.
    #[pyo3(signature = (texts, *, threads=None))]
    fn classify_many<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        threads: Option<i64>,
    ) -> PyResult<Bound<'py, PyList>> {
        classify_many(
            py,
            Engine::Stack(&self.stack, &self.metas),
            texts,
            threads,
            |inner| Ok(Bound::new(py, PyStackVerdict { inner })?.into_any()),
        )
    }

    /// Classifies a pyarrow string array in place under every layer; the struct array
    /// it returns has each layer's action in ``decisions`` and the ``disagreements``.
    #[pyo3(signature = (array, *, threads=None))]
    fn classify_arrow<'py>(
        &self,
        py: Python<'py>,
        array: &Bound<'py, PyAny>,
        threads: Option<i64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let threads = Threads::from_arg(threads)?;
        arrow::classify_array(py, Engine::Stack(&self.stack, &self.metas), array, threads)
    }

    /// One explanation per layer, in order.
    fn explain(&self, py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Vec<PyExplanation>> {
        let text = text_arg(text)?;
        let layers: Vec<Policy> = self.layers.iter().map(|p| p.get().policy.clone()).collect();
        let explanations = py.detach(|| layers.iter().map(|p| p.explain(text)).collect::<Vec<_>>());
        Ok(self
            .metas
            .iter()
            .zip(explanations)
            .map(|(meta, e)| PyExplanation::new(meta, text, e))
            .collect())
    }

    fn __len__(&self) -> usize {
        self.layers.len()
    }

    fn __repr__(&self) -> String {
        let ids: Vec<&str> = self.layers.iter().map(|p| p.get().policy.id()).collect();
        format!("PolicyStack({ids:?})")
    }

    /// Pickles as the layers' sources.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let restore = py.import("tosguard._tosguard")?.getattr("_restore_stack")?;
        let layers = PyList::new(py, self.layers.iter().map(|p| p.clone_ref(py)))?;
        let args = PyTuple::new(py, [layers])?;
        PyTuple::new(py, [restore, args.into_any()])
    }
}

/// Rebuilds a pickled stack from its (already restored) layers.
#[pyfunction]
pub(crate) fn _restore_stack(py: Python<'_>, layers: &Bound<'_, PyAny>) -> PyResult<PyPolicyStack> {
    PyPolicyStack::build(py, layers)
}
