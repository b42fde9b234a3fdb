//! Running a classification over many texts on several threads, without the GIL.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyString;
use rayon::prelude::*;

/// How many threads a batch runs on: `None` for every core (rayon's global pool, which
/// honours `RAYON_NUM_THREADS`), `Some(1)` for the calling thread only, `Some(n)` for a
/// pool of `n` threads kept for later calls.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Threads(Option<usize>);

impl Threads {
    pub(crate) fn from_arg(threads: Option<i64>) -> PyResult<Threads> {
        match threads {
            None => Ok(Threads(None)),
            Some(n) if n >= 1 => Ok(Threads(Some(usize::try_from(n).unwrap_or(usize::MAX)))),
            Some(n) => Err(PyValueError::new_err(format!(
                "threads must be at least 1 (or None for every core), not {n}"
            ))),
        }
    }

    /// `f` over every item, in order, on the chosen threads.
    pub(crate) fn map<T, R, F>(self, items: &[T], f: F) -> PyResult<Vec<R>>
    where
        T: Sync,
        R: Send,
        F: Fn(&T) -> R + Sync + Send,
    {
        match self.0 {
            Some(1) => Ok(items.iter().map(f).collect()),
            None => Ok(items.par_iter().map(f).collect()),
            Some(n) => Ok(pool(n)?.install(|| items.par_iter().map(f).collect())),
        }
    }
}

static POOLS: LazyLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> =
    LazyLock::new(Default::default);

fn pool(n: usize) -> PyResult<Arc<rayon::ThreadPool>> {
    let mut pools = POOLS
        .lock()
        .map_err(|_| PyRuntimeError::new_err("the thread pool registry is poisoned"))?;
    if let Some(p) = pools.get(&n) {
        return Ok(p.clone());
    }
    let p = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .thread_name(|i| format!("tosguard-{i}"))
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start {n} threads: {e}")))?;
    let p = Arc::new(p);
    pools.insert(n, p.clone());
    Ok(p)
}

/// The Python type name of `obj`, for error messages.
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}

/// `obj` as a `str`, or a `TypeError` naming `what`.
pub(crate) fn as_text<'a, 'py>(
    obj: &'a Bound<'py, PyAny>,
    what: &dyn Fn() -> String,
) -> PyResult<&'a Bound<'py, PyString>> {
    obj.cast::<PyString>().map_err(|_| {
        PyTypeError::new_err(format!("{} must be a str, not {}", what(), type_name(obj)))
    })
}

/// The items of an iterable of `str`, kept alive while their UTF-8 is borrowed.
pub(crate) fn collect_texts<'py>(texts: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyString>>> {
    if texts.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "classify_many expects an iterable of str, not a single str (use classify)",
        ));
    }
    let iter = texts.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "classify_many expects an iterable of str, not {}",
            type_name(texts)
        ))
    })?;
    let mut out = Vec::with_capacity(texts.len().unwrap_or(0));
    for (i, item) in iter.enumerate() {
        let item = item?;
        as_text(&item, &|| format!("texts[{i}]"))?;
        out.push(item.cast_into::<PyString>()?);
    }
    Ok(out)
}
