//! `tosguard.Limits`: what compiling a policy may cost, and how much text one
//! `classify` call judges at once (the window).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use tosguard::Limits;

/// Limits on what compiling a policy may cost, and the window a long text is judged in.
///
/// Every argument is optional and keyword-only; the defaults are the library's:
/// ``nest_limit`` (250 levels of a condition), ``max_term_length`` (200 characters),
/// ``max_patterns`` (2,000,000 automaton patterns), ``max_pattern_bytes`` (64 MiB) and
/// ``window_bytes`` (64 KiB: a longer text is judged in windows of whole sentences of at
/// most this many bytes; at most 1 GiB, larger values are clamped, 0 is read as 1).
/// A policy over a limit does not compile: ``PolicyError`` names the limit.
#[pyclass(frozen, eq, hash, from_py_object, module = "tosguard", name = "Limits")]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct PyLimits {
    pub(crate) inner: Limits,
}

/// `value` as a `usize`, or a `ValueError` naming `name`.
fn count(name: &str, value: i128) -> PyResult<usize> {
    usize::try_from(value).map_err(|_| {
        PyValueError::new_err(format!(
            "{name} must be a whole number from 0 to {}, not {value}",
            usize::MAX
        ))
    })
}

impl PyLimits {
    /// The five values, in the constructor's order (for pickling and `repr`).
    fn values(&self) -> [(&'static str, usize); 5] {
        let l = &self.inner;
        [
            ("nest_limit", l.get_nest_limit()),
            ("max_term_length", l.get_max_term_length()),
            ("max_patterns", l.get_max_patterns()),
            ("max_pattern_bytes", l.get_max_pattern_bytes()),
            ("window_bytes", l.get_window_bytes()),
        ]
    }
}

#[pymethods]
impl PyLimits {
    #[new]
    #[pyo3(signature = (*, nest_limit=None, max_term_length=None, max_patterns=None, max_pattern_bytes=None, window_bytes=None))]
    fn new(
        nest_limit: Option<i128>,
        max_term_length: Option<i128>,
        max_patterns: Option<i128>,
        max_pattern_bytes: Option<i128>,
        window_bytes: Option<i128>,
    ) -> PyResult<Self> {
        let mut l = Limits::default();
        if let Some(v) = nest_limit {
            l = l.nest_limit(count("nest_limit", v)?);
        }
        if let Some(v) = max_term_length {
            l = l.max_term_length(count("max_term_length", v)?);
        }
        if let Some(v) = max_patterns {
            l = l.max_patterns(count("max_patterns", v)?);
        }
        if let Some(v) = max_pattern_bytes {
            l = l.max_pattern_bytes(count("max_pattern_bytes", v)?);
        }
        if let Some(v) = window_bytes {
            l = l.window_bytes(count("window_bytes", v)?);
        }
        Ok(PyLimits { inner: l })
    }

    /// How deep a condition may nest.
    #[getter]
    fn nest_limit(&self) -> usize {
        self.inner.get_nest_limit()
    }

    /// The longest term, in characters once braces are expanded.
    #[getter]
    fn max_term_length(&self) -> usize {
        self.inner.get_max_term_length()
    }

    /// The most automaton patterns a policy may compile to.
    #[getter]
    fn max_patterns(&self) -> usize {
        self.inner.get_max_patterns()
    }

    /// The most bytes of automaton patterns a policy may compile to.
    #[getter]
    fn max_pattern_bytes(&self) -> usize {
        self.inner.get_max_pattern_bytes()
    }

    /// How many bytes of text one ``classify`` call judges at once.
    #[getter]
    fn window_bytes(&self) -> usize {
        self.inner.get_window_bytes()
    }

    fn __repr__(&self) -> String {
        let fields: Vec<String> = self
            .values()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        format!("Limits({})", fields.join(", "))
    }

    /// Pickles as its five values.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let restore = py
            .import("tosguard._tosguard")?
            .getattr("_restore_limits")?;
        let args = PyTuple::new(py, self.values().map(|(_, v)| v))?;
        PyTuple::new(py, [restore, args.into_any()])
    }
}

/// Limits from the five values a pickle holds (see `Limits.__reduce__`).
#[pyfunction]
pub(crate) fn _restore_limits(
    nest_limit: usize,
    max_term_length: usize,
    max_patterns: usize,
    max_pattern_bytes: usize,
    window_bytes: usize,
) -> PyLimits {
    PyLimits {
        inner: Limits::default()
            .nest_limit(nest_limit)
            .max_term_length(max_term_length)
            .max_patterns(max_patterns)
            .max_pattern_bytes(max_pattern_bytes)
            .window_bytes(window_bytes),
    }
}
