"""Classifying a Spark DataFrame's text column with tosguard.

:func:`classify` runs a :class:`~tosguard.Policy` (or a stack of policies) over a
DataFrame with ``mapInArrow``: each Arrow batch of the text column is classified in
place, on the executor, by the Rust engine. The policy travels to the executors as its
TOML source (or built-in name) and is compiled once per Python worker process, the
first time a task there needs it; later tasks in the same process reuse it.

The result has every input column, plus:

- ``action``: ``none``, ``flag``, ``review`` or ``remove`` (null for a null text);
- ``categories``: the distinct categories found, sorted;
- ``findings``: one struct per rule that fired: ``policy``, ``rule``, ``category``,
  ``severity``, ``tos_ref``, ``spans`` (``start``/``end`` byte offsets into the text
  as UTF-8) and ``evidence`` (the words);
- with several policies, ``decisions`` (each policy's action) and ``disagreements``
  (one policy removes, another does not: ``removed_by``, ``allowed_by``,
  ``allowing_action``, ``categories``, ``removing_rules``, ``allowing_rules``).

Needs ``pyspark`` (3.5 or later) and ``pyarrow``: ``pip install 'tosguard[spark]'``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Union

from ._tosguard import Policy, PolicyStack, arrow_result_type

if TYPE_CHECKING:
    import pyarrow
    from pyspark.sql import DataFrame

PolicyLike = Union[Policy, PolicyStack, Iterable[Policy]]

#: The columns :func:`classify` adds for one policy.
COLUMNS = ("action", "categories", "findings")
#: The columns it adds for a stack of several policies.
STACK_COLUMNS = COLUMNS + ("decisions", "disagreements")


def _engine(policy: PolicyLike) -> Policy | PolicyStack:
    if isinstance(policy, (Policy, PolicyStack)):
        return policy
    layers = list(policy)
    if len(layers) == 1:
        return layers[0]
    return Policy.stack(layers)


def classify(
    df: DataFrame,
    policy: PolicyLike,
    column: str = "text",
    *,
    threads: int = 1,
) -> DataFrame:
    """``df`` with the verdict of ``policy`` on its ``column`` as new columns.

    ``policy`` is a :class:`~tosguard.Policy`, a :class:`~tosguard.PolicyStack`, or a
    list of policies (a stack when there are several). ``threads`` is how many threads
    each task classifies on: Spark already runs one task per core, so the default is 1.
    Raises ``ValueError`` when ``column`` is missing or not a string column, or when
    ``df`` already has a column of the name the verdict needs.
    """
    import pyarrow as pa
    from pyspark.sql.pandas.types import from_arrow_type
    from pyspark.sql.types import StringType, StructField, StructType

    engine = _engine(policy)
    added = STACK_COLUMNS if isinstance(engine, PolicyStack) and len(engine) > 1 else COLUMNS
    names = df.schema.names
    if column not in names:
        raise ValueError(f"the DataFrame has no column `{column}` (its columns: {', '.join(names)})")
    if not isinstance(df.schema[column].dataType, StringType):
        raise ValueError(
            f"column `{column}` holds {df.schema[column].dataType.simpleString()}, not strings"
        )
    clash = [c for c in added if c in names]
    if clash:
        raise ValueError(
            f"the DataFrame already has column(s) {', '.join(clash)}; rename them first"
        )
    result_type = arrow_result_type()
    result_fields = {f.name: f for f in result_type}
    out_schema = StructType(
        list(df.schema.fields)
        + [StructField(c, from_arrow_type(result_fields[c].type), True) for c in added]
    )

    def run(batches: Iterator[pyarrow.RecordBatch]) -> Iterator[pyarrow.RecordBatch]:
        for batch in batches:
            verdicts = engine.classify_arrow(batch.column(column), threads=threads)
            # flatten() gives each field with the row's nulls (a null text) applied.
            fields = dict(zip(result_fields, verdicts.flatten()))
            yield pa.RecordBatch.from_arrays(
                list(batch.columns) + [fields[c] for c in added],
                names=list(batch.schema.names) + list(added),
            )

    return df.mapInArrow(run, out_schema)
