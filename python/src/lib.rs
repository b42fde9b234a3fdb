//! `tosguard._tosguard`: the Python extension module of tosguard. The `tosguard`
//! Python package re-exports it; see its docstrings and type stubs.

use pyo3::prelude::*;

mod arrow;
mod batch;
mod error;
mod json;
mod limits;
mod policy;
mod report;
mod verdict;

/// The type of the struct array ``classify_arrow`` returns, as a ``pyarrow.DataType``.
#[pyfunction]
fn arrow_result_type(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    use arrow_pyarrow::ToPyArrow;
    arrow::result_type().to_pyarrow(py)
}

#[pymodule]
fn _tosguard(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("PolicyError", py.get_type::<error::PolicyError>())?;
    m.add_class::<limits::PyLimits>()?;
    m.add_class::<policy::PyPolicy>()?;
    m.add_class::<policy::PyPolicyStack>()?;
    m.add_class::<verdict::PyVerdict>()?;
    m.add_class::<verdict::PyStackVerdict>()?;
    m.add_class::<verdict::PyFinding>()?;
    m.add_class::<report::PyExplanation>()?;
    m.add_class::<report::PyTestReport>()?;
    m.add_function(wrap_pyfunction!(report::test, m)?)?;
    m.add_function(wrap_pyfunction!(report::builtin_names, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_result_type, m)?)?;
    m.add_function(wrap_pyfunction!(policy::_restore_policy, m)?)?;
    m.add_function(wrap_pyfunction!(policy::_restore_stack, m)?)?;
    m.add_function(wrap_pyfunction!(limits::_restore_limits, m)?)?;
    m.add_function(wrap_pyfunction!(policy::_unpickle_compiles, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
