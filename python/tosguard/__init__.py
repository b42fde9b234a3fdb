"""tosguard: deterministic content moderation from Python.

A :class:`Policy` is compiled from terms-of-service rules written in TOML (or is the
built-in ``baseline``, English and French); :meth:`Policy.classify` returns the
categories a text violates (threats, incitement, sexual violence, hate, harassment,
...) with evidence that points at the exact words of the text::

    >>> import tosguard
    >>> policy = tosguard.Policy.baseline()
    >>> verdict = policy.classify("Je vais te tuer")
    >>> verdict.action, verdict.categories
    ('remove', ['violence.threat'])
    >>> verdict.findings[0].evidence
    ['Je vais', 'te', 'tuer']

``classify_many`` classifies a list of texts on every core without holding the GIL;
``classify_arrow`` classifies a pyarrow string array in place; :mod:`tosguard.spark`
runs a policy over a Spark DataFrame.
"""

from ._tosguard import (
    Explanation,
    Finding,
    Limits,
    Policy,
    PolicyError,
    PolicyStack,
    StackVerdict,
    TestReport,
    Verdict,
    __version__,
    arrow_result_type,
    builtin_names,
    test,
)

__all__ = [
    "Explanation",
    "Finding",
    "Limits",
    "Policy",
    "PolicyError",
    "PolicyStack",
    "StackVerdict",
    "TestReport",
    "Verdict",
    "__version__",
    "arrow_result_type",
    "builtin_names",
    "test",
]
