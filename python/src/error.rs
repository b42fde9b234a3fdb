//! `tosguard.PolicyError`: a policy that does not compile, with the same located,
//! underlined message the Rust error prints.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

pyo3::create_exception!(
    tosguard,
    PolicyError,
    PyValueError,
    "A policy that does not compile.\n\n\
     ``str(error)`` is the text the Rust library prints: every problem with its file, \
     line, column and field, and the offending text underlined. ``error.problems`` holds \
     the same problems as dicts with the keys ``kind``, ``source``, ``path``, ``line``, \
     ``column`` and ``message``."
);

/// The snake_case name of a problem kind (`UnknownLexicon` → `unknown_lexicon`).
fn kind_name(kind: tosguard::ProblemKind) -> String {
    let camel = format!("{kind:?}");
    let mut out = String::with_capacity(camel.len() + 4);
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Converts the library's error into a Python `PolicyError` carrying `problems`.
pub(crate) fn policy_error(py: Python<'_>, error: &tosguard::PolicyError) -> PyErr {
    let err = PolicyError::new_err(error.to_string());
    if let Err(e) = attach_problems(py, &err, error) {
        return e;
    }
    err
}

fn attach_problems(py: Python<'_>, err: &PyErr, error: &tosguard::PolicyError) -> PyResult<()> {
    let problems = PyList::empty(py);
    for p in error.problems() {
        let d = PyDict::new(py);
        d.set_item("kind", kind_name(p.kind()))?;
        d.set_item("source", p.source())?;
        d.set_item("path", p.path())?;
        d.set_item("line", p.location().map(|l| l.line))?;
        d.set_item("column", p.location().map(|l| l.column))?;
        d.set_item("message", p.message())?;
        problems.append(d)?;
    }
    err.value(py).setattr("problems", problems)
}
