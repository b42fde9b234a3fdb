//! Verdicts as the JSON objects `tosguard classify` prints, and JSON values as Python
//! objects.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use pyo3::{Borrowed, PyErr};
use serde_json::{Map, Value, json};
use tosguard::{Disagreement, Finding};

use crate::verdict::Layer;

/// One finding as the CLI prints it: `policy` is the pack that defines the rule (the
/// policy's own id, or a pack it extends such as `baseline.fr`).
pub(crate) fn finding(f: &Finding) -> Value {
    json!({
        "policy": f.policy(),
        "rule": f.rule(),
        "category": f.category(),
        "severity": f.severity(),
        "tos_ref": f.tos_ref(),
        "spans": f.evidence().iter().map(|e| [e.span().start, e.span().end]).collect::<Vec<_>>(),
        "evidence": f.evidence().iter().map(|e| e.text()).collect::<Vec<_>>(),
    })
}

/// The `id` argument of `to_dict` and `to_json`: not given (no `id` key, as for a
/// plain-text line of the CLI), or any value JSON can hold (`None` is written `null`).
#[derive(Default)]
pub(crate) struct Id(pub(crate) Option<Value>);

impl<'a, 'py> FromPyObject<'a, 'py> for Id {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Id> {
        from_py(&obj).map(|v| Id(Some(v)))
    }
}

/// Where a record comes from in the input: its `id` (copied) and its `line` number
/// (from 1), each written only when known.
pub(crate) struct Origin {
    pub(crate) id: Option<Value>,
    pub(crate) line: Option<u64>,
}

/// The object `tosguard classify` prints for one input, with the same keys in the same
/// order: `id`, `line`, `action`, `policies` (each layer's id, version, fingerprint and
/// action, in order), `findings`, `statements` when asked for and any, and
/// `disagreements` when there are some.
pub(crate) fn record(
    origin: Origin,
    layers: &[Layer<'_>],
    disagreements: &[Disagreement],
    statements: bool,
) -> Value {
    let mut obj = Map::new();
    if let Some(id) = origin.id {
        obj.insert("id".into(), id);
    }
    if let Some(line) = origin.line {
        obj.insert("line".into(), json!(line));
    }
    let action = layers.iter().map(Layer::action).max().unwrap_or_default();
    obj.insert("action".into(), json!(action));
    let policies = layers
        .iter()
        .map(|v| {
            json!({
                "id": v.policy(),
                "version": v.version(),
                "fingerprint": v.fingerprint(),
                "action": v.action(),
            })
        })
        .collect();
    obj.insert("policies".into(), Value::Array(policies));
    let findings: Vec<Value> = layers
        .iter()
        .flat_map(|v| v.findings().iter().map(finding))
        .collect();
    obj.insert("findings".into(), Value::Array(findings));
    if statements {
        let sors: Vec<Value> = layers
            .iter()
            .filter_map(|v| {
                v.verdict()?.statement_of_reasons().map(|sor| {
                    let mut o = Map::new();
                    o.insert("policy".into(), json!(v.policy()));
                    if let Ok(Value::Object(fields)) = serde_json::to_value(&sor) {
                        o.extend(fields);
                    }
                    Value::Object(o)
                })
            })
            .collect();
        if !sors.is_empty() {
            obj.insert("statements".into(), Value::Array(sors));
        }
    }
    if !disagreements.is_empty() {
        obj.insert("disagreements".into(), json!(disagreements));
    }
    Value::Object(obj)
}

/// A JSON value as the Python object `json.loads` would return.
pub(crate) fn to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// A Python value (None, bool, int, float, str, list, tuple, dict with str keys) as
/// JSON, for the `id` of a record.
pub(crate) fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(json!(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(json!(u));
        }
        return Err(PyTypeError::new_err(
            "an integer id must fit in 64 bits to be written as JSON",
        ));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let v = f.value();
        return serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| PyTypeError::new_err(format!("{v} cannot be written as JSON")));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_str()?.to_string()));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        return obj.try_iter()?.map(|item| from_py(&item?)).collect();
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let key = k
                .cast::<PyString>()
                .map_err(|_| PyTypeError::new_err("the keys of a JSON object must be strings"))?;
            map.insert(key.to_str()?.to_string(), from_py(&v)?);
        }
        return Ok(Value::Object(map));
    }
    Err(PyTypeError::new_err(format!(
        "cannot write a {} as JSON",
        obj.get_type().name()?
    )))
}
