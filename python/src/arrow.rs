//! `classify_arrow`: a pyarrow string array in, a pyarrow struct array out. The input
//! is read in place through the Arrow C data interface; no text is copied.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, Int64Array, ListArray, StringArray, StructArray, make_array};
use arrow_buffer::{Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_data::ArrayData;
use arrow_pyarrow::{FromPyArrow, ToPyArrow};
use arrow_schema::{ArrowError, DataType, Field, Fields};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::batch::{Threads, type_name};
use crate::verdict::{Classified, Engine};

fn utf8(name: &str) -> Field {
    Field::new(name, DataType::Utf8, true)
}

fn list_of(name: &str, item: DataType) -> Field {
    Field::new(
        name,
        DataType::List(Arc::new(Field::new("item", item, true))),
        true,
    )
}

fn span_fields() -> Fields {
    Fields::from(vec![
        Field::new("start", DataType::Int64, true),
        Field::new("end", DataType::Int64, true),
    ])
}

fn finding_fields() -> Fields {
    Fields::from(vec![
        utf8("policy"),
        utf8("rule"),
        utf8("category"),
        utf8("severity"),
        utf8("tos_ref"),
        list_of("spans", DataType::Struct(span_fields())),
        list_of("evidence", DataType::Utf8),
    ])
}

fn decision_fields() -> Fields {
    Fields::from(vec![utf8("policy"), utf8("action")])
}

fn disagreement_fields() -> Fields {
    Fields::from(vec![
        utf8("removed_by"),
        utf8("allowed_by"),
        utf8("allowing_action"),
        list_of("categories", DataType::Utf8),
        list_of("removing_rules", DataType::Utf8),
        list_of("allowing_rules", DataType::Utf8),
    ])
}

fn result_fields() -> Fields {
    Fields::from(vec![
        utf8("action"),
        utf8("severity"),
        list_of("categories", DataType::Utf8),
        list_of("findings", DataType::Struct(finding_fields())),
        list_of("decisions", DataType::Struct(decision_fields())),
        list_of("disagreements", DataType::Struct(disagreement_fields())),
    ])
}

/// The type of the array `classify_arrow` returns.
pub(crate) fn result_type() -> DataType {
    DataType::Struct(result_fields())
}

/// A UTF-8 column built in one buffer, with an error instead of a panic when it grows
/// past what 32-bit offsets address.
#[derive(Default)]
struct Utf8Col {
    data: String,
    offsets: Vec<i32>,
    valid: Vec<bool>,
    overflow: bool,
}

impl Utf8Col {
    fn push(&mut self, s: Option<&str>) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.data.push_str(s.unwrap_or(""));
        let end = i32::try_from(self.data.len()).unwrap_or_else(|_| {
            self.overflow = true;
            i32::MAX
        });
        self.offsets.push(end);
        self.valid.push(s.is_some());
    }

    fn finish(mut self) -> Result<ArrayRef, ArrowError> {
        if self.overflow {
            return Err(too_large());
        }
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        let nulls = nulls(self.valid);
        let offsets = OffsetBuffer::new(ScalarBuffer::from(self.offsets));
        let array = StringArray::try_new(offsets, Buffer::from(self.data.into_bytes()), nulls)?;
        Ok(Arc::new(array))
    }
}

fn too_large() -> ArrowError {
    ArrowError::ComputeError(
        "the result holds more than 2 GiB of text in one column; classify smaller batches".into(),
    )
}

fn nulls(valid: Vec<bool>) -> Option<NullBuffer> {
    if valid.iter().all(|v| *v) {
        None
    } else {
        Some(NullBuffer::from(valid))
    }
}

/// A list column: the length of each row's list, and the values of every row.
fn list(
    name_item: DataType,
    lengths: Vec<usize>,
    values: ArrayRef,
) -> Result<ArrayRef, ArrowError> {
    let offsets = OffsetBuffer::<i32>::try_from_lengths(lengths).map_err(|_| too_large())?;
    let field = Arc::new(Field::new("item", name_item, true));
    Ok(Arc::new(ListArray::try_new(field, offsets, values, None)?))
}

fn strings_list(lengths: Vec<usize>, values: Utf8Col) -> Result<ArrayRef, ArrowError> {
    list(DataType::Utf8, lengths, values.finish()?)
}

#[derive(Default)]
struct Findings {
    policy: Utf8Col,
    rule: Utf8Col,
    category: Utf8Col,
    severity: Utf8Col,
    tos_ref: Utf8Col,
    span_lengths: Vec<usize>,
    starts: Vec<i64>,
    ends: Vec<i64>,
    evidence_lengths: Vec<usize>,
    evidence: Utf8Col,
}

impl Findings {
    fn finish(self) -> Result<ArrayRef, ArrowError> {
        let spans = StructArray::try_new(
            span_fields(),
            vec![
                Arc::new(Int64Array::from(self.starts)),
                Arc::new(Int64Array::from(self.ends)),
            ],
            None,
        )?;
        let columns: Vec<ArrayRef> = vec![
            self.policy.finish()?,
            self.rule.finish()?,
            self.category.finish()?,
            self.severity.finish()?,
            self.tos_ref.finish()?,
            list(
                DataType::Struct(span_fields()),
                self.span_lengths,
                Arc::new(spans),
            )?,
            strings_list(self.evidence_lengths, self.evidence)?,
        ];
        Ok(Arc::new(StructArray::try_new(
            finding_fields(),
            columns,
            None,
        )?))
    }
}

#[derive(Default)]
struct Disagreements {
    removed_by: Utf8Col,
    allowed_by: Utf8Col,
    allowing_action: Utf8Col,
    lists: [(Vec<usize>, Utf8Col); 3],
}

impl Disagreements {
    fn finish(self) -> Result<ArrayRef, ArrowError> {
        let [(cl, cv), (rl, rv), (al, av)] = self.lists;
        let columns: Vec<ArrayRef> = vec![
            self.removed_by.finish()?,
            self.allowed_by.finish()?,
            self.allowing_action.finish()?,
            strings_list(cl, cv)?,
            strings_list(rl, rv)?,
            strings_list(al, av)?,
        ];
        Ok(Arc::new(StructArray::try_new(
            disagreement_fields(),
            columns,
            None,
        )?))
    }
}

/// The struct array of `results`, one row per input (a null row for a null input).
fn build(results: &[Option<Classified>]) -> Result<ArrayRef, ArrowError> {
    let mut action = Utf8Col::default();
    let mut severity = Utf8Col::default();
    let (mut category_lengths, mut categories) = (Vec::new(), Utf8Col::default());
    let (mut finding_lengths, mut findings) = (Vec::new(), Findings::default());
    let mut decision_lengths = Vec::new();
    let (mut decision_policy, mut decision_action) = (Utf8Col::default(), Utf8Col::default());
    let (mut disagreement_lengths, mut disagreements) = (Vec::new(), Disagreements::default());
    let mut valid = Vec::with_capacity(results.len());
    for result in results {
        valid.push(result.is_some());
        let Some(c) = result else {
            action.push(None);
            severity.push(None);
            category_lengths.push(0);
            finding_lengths.push(0);
            decision_lengths.push(0);
            disagreement_lengths.push(0);
            continue;
        };
        action.push(Some(c.action().as_str()));
        severity.push(c.severity().map(|s| s.as_str()));
        let cats = c.categories();
        category_lengths.push(cats.len());
        for cat in cats {
            categories.push(Some(cat));
        }
        let mut n_findings = 0;
        for v in c.layers() {
            decision_policy.push(Some(v.policy()));
            decision_action.push(Some(v.action().as_str()));
            for f in v.findings() {
                n_findings += 1;
                findings.policy.push(Some(v.policy()));
                findings.rule.push(Some(f.rule()));
                findings.category.push(Some(f.category()));
                findings.severity.push(Some(f.severity().as_str()));
                findings.tos_ref.push(f.tos_ref());
                findings.span_lengths.push(f.evidence().len());
                findings.evidence_lengths.push(f.evidence().len());
                for e in f.evidence() {
                    findings
                        .starts
                        .push(i64::try_from(e.span().start).unwrap_or(i64::MAX));
                    findings
                        .ends
                        .push(i64::try_from(e.span().end).unwrap_or(i64::MAX));
                    findings.evidence.push(Some(e.text()));
                }
            }
        }
        finding_lengths.push(n_findings);
        decision_lengths.push(c.layers().count());
        let ds = c.disagreements();
        disagreement_lengths.push(ds.len());
        for d in &ds {
            disagreements.removed_by.push(Some(&d.removed_by));
            disagreements.allowed_by.push(Some(&d.allowed_by));
            disagreements
                .allowing_action
                .push(Some(d.allowing_action.as_str()));
            let lists = [&d.categories, &d.removing_rules, &d.allowing_rules];
            for ((lengths, values), items) in disagreements.lists.iter_mut().zip(lists) {
                lengths.push(items.len());
                for item in items {
                    values.push(Some(item));
                }
            }
        }
    }
    let decisions = StructArray::try_new(
        decision_fields(),
        vec![decision_policy.finish()?, decision_action.finish()?],
        None,
    )?;
    let columns: Vec<ArrayRef> = vec![
        action.finish()?,
        severity.finish()?,
        strings_list(category_lengths, categories)?,
        list(
            DataType::Struct(finding_fields()),
            finding_lengths,
            findings.finish()?,
        )?,
        list(
            DataType::Struct(decision_fields()),
            decision_lengths,
            Arc::new(decisions),
        )?,
        list(
            DataType::Struct(disagreement_fields()),
            disagreement_lengths,
            disagreements.finish()?,
        )?,
    ];
    Ok(Arc::new(StructArray::try_new(
        result_fields(),
        columns,
        nulls(valid),
    )?))
}

fn arrow_err(e: ArrowError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// Classifies every string of `array` (a pyarrow `string`, `large_string` or
/// `string_view` array, or a chunked array of them).
pub(crate) fn classify_array<'py>(
    py: Python<'py>,
    engine: Engine<'_>,
    array: &Bound<'py, PyAny>,
    threads: Threads,
) -> PyResult<Bound<'py, PyAny>> {
    let is_array = array.hasattr("__arrow_c_array__")? || array.hasattr("_export_to_c")?;
    if !is_array && array.hasattr("chunks")? {
        let chunks = PyList::empty(py);
        for chunk in array.getattr("chunks")?.try_iter()? {
            chunks.append(classify_array(py, engine, &chunk?, threads)?)?;
        }
        let pa = py.import("pyarrow")?;
        let ty = result_type().to_pyarrow(py)?;
        return pa.call_method1("chunked_array", (chunks, ty));
    }
    if !is_array {
        return Err(PyTypeError::new_err(format!(
            "classify_arrow expects a pyarrow string array, not {}",
            type_name(array)
        )));
    }
    let data = ArrayData::from_pyarrow_bound(array)?;
    let input = make_array(data);
    let texts: Vec<Option<&str>> = match input.data_type() {
        DataType::Utf8 => input.as_string::<i32>().iter().collect(),
        DataType::LargeUtf8 => input.as_string::<i64>().iter().collect(),
        DataType::Utf8View => input.as_string_view().iter().collect(),
        other => {
            return Err(PyTypeError::new_err(format!(
                "classify_arrow expects an array of strings, not of {other}"
            )));
        }
    };
    let out = py.detach(|| {
        let results = threads.map(&texts, |t| t.map(|t| engine.classify(t)))?;
        build(&results).map_err(arrow_err)
    })?;
    out.to_data().to_pyarrow(py)
}
