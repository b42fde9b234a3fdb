"""Type stubs for the tosguard extension module (re-exported by ``tosguard``)."""

import os
from collections.abc import Iterable
from typing import Any, Literal

import pyarrow

__version__: str

Action = Literal["none", "flag", "review", "remove"]
Severity = Literal["low", "medium", "high", "critical"]
JsonValue = None | bool | int | float | str | list[Any] | dict[str, Any]

class PolicyError(ValueError):
    """A policy that does not compile.

    ``str(error)`` is the text the Rust library prints: every problem with its file,
    line, column and field, and the offending text underlined.
    """

    problems: list[dict[str, Any]]
    """Each problem: ``kind`` (``"unknown_lexicon"``, ``"syntax"``, ...), ``source``,
    ``path``, ``line`` and ``column`` (``None`` when it has no place), ``message``."""

class Limits:
    """What compiling a policy may cost, and the window a long text is judged in.

    Keyword-only; an argument left out keeps the library's default. Picklable.
    """

    def __init__(
        self,
        *,
        nest_limit: int | None = None,
        max_term_length: int | None = None,
        max_patterns: int | None = None,
        max_pattern_bytes: int | None = None,
        window_bytes: int | None = None,
    ) -> None: ...
    @property
    def nest_limit(self) -> int:
        """How deep a condition may nest (default 250)."""
    @property
    def max_term_length(self) -> int:
        """The longest term, in characters once braces are expanded (default 200)."""
    @property
    def max_patterns(self) -> int:
        """The most automaton patterns a policy may compile to (default 2,000,000)."""
    @property
    def max_pattern_bytes(self) -> int:
        """The most bytes of automaton patterns (default 64 MiB)."""
    @property
    def window_bytes(self) -> int:
        """How many bytes one ``classify`` call judges at once (default 64 KiB)."""

class Policy:
    """A compiled policy. Immutable, safe to share between threads, picklable (by source)."""

    @staticmethod
    def baseline(*, limits: Limits | None = None) -> Policy:
        """The built-in ``baseline`` policy (English and French), compiled once per process."""
    @staticmethod
    def builtin(name: str, *, limits: Limits | None = None) -> Policy:
        """A built-in policy by name; see :func:`builtin_names`."""
    @staticmethod
    def from_toml(text: str, *, limits: Limits | None = None) -> Policy:
        """Compiles TOML text; raises :class:`PolicyError`."""
    @staticmethod
    def from_file(path: str | os.PathLike[str], *, limits: Limits | None = None) -> Policy:
        """Compiles a policy file; ``extends`` may name files beside it."""
    @staticmethod
    def stack(policies: Iterable[Policy]) -> PolicyStack:
        """Several policies over the same texts, each deciding."""
    @property
    def id(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def fingerprint(self) -> str:
        """A stable hash of the compiled policy."""
    @property
    def title(self) -> str | None: ...
    @property
    def limits(self) -> Limits:
        """The limits the policy was compiled under."""
    def classify(self, text: str) -> Verdict:
        """Classifies ``text`` (the GIL is released)."""
    def classify_many(self, texts: Iterable[str], *, threads: int | None = None) -> list[Verdict]:
        """Classifies every text on ``threads`` threads (default: every core), in order."""
    def classify_arrow(
        self, array: pyarrow.Array | pyarrow.ChunkedArray, *, threads: int | None = None
    ) -> pyarrow.StructArray | pyarrow.ChunkedArray:
        """Classifies a pyarrow string array in place; see :func:`arrow_result_type`."""
    def explain(self, text: str) -> Explanation:
        """Why each rule fired or was suppressed on ``text``."""
    def check_examples(self) -> TestReport:
        """Runs every rule's embedded examples."""

class PolicyStack:
    """Policy layers evaluated together (a host's and a platform's policy, say)."""

    @property
    def layers(self) -> list[Policy]: ...
    def classify(self, text: str) -> StackVerdict: ...
    def classify_many(
        self, texts: Iterable[str], *, threads: int | None = None
    ) -> list[StackVerdict]: ...
    def classify_arrow(
        self, array: pyarrow.Array | pyarrow.ChunkedArray, *, threads: int | None = None
    ) -> pyarrow.StructArray | pyarrow.ChunkedArray: ...
    def explain(self, text: str) -> list[Explanation]: ...
    def __len__(self) -> int: ...

class Finding:
    """One rule that fired, with its evidence."""

    @property
    def policy(self) -> str:
        """The id of the policy (stack layer) that decided."""
    @property
    def pack(self) -> str:
        """The id of the pack that defines the rule."""
    @property
    def rule(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def action(self) -> Action: ...
    @property
    def tos_ref(self) -> str | None: ...
    @property
    def dsa_category(self) -> str | None: ...
    @property
    def evidence(self) -> list[str]:
        """The words of the text, in text order."""
    @property
    def spans(self) -> list[tuple[int, int]]:
        """Byte offsets into the text encoded as UTF-8."""
    @property
    def char_spans(self) -> list[tuple[int, int]]:
        """Python string indices: ``text[start:end]`` is the evidence."""
    @property
    def lexicons(self) -> list[str]: ...
    def to_dict(self) -> dict[str, Any]:
        """The finding as ``tosguard classify`` prints it (its ``policy`` is ``pack``)."""

class Verdict:
    """The decision of one policy on one text."""

    @property
    def policy(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def action(self) -> Action: ...
    @property
    def severity(self) -> Severity | None: ...
    @property
    def findings(self) -> list[Finding]: ...
    @property
    def categories(self) -> list[str]: ...
    @property
    def is_clean(self) -> bool: ...
    def has_category(self, id: str) -> bool: ...
    def to_dict(
        self, id: JsonValue = ..., *, line: int | None = None, statements: bool = False
    ) -> dict[str, Any]:
        """The object ``tosguard classify`` prints for this text (same keys, same order).

        ``id`` is copied when given (``None`` is written ``null``); without it there is
        no ``id`` key. ``line`` is the input line number, written when given.
        """
    def to_json(
        self, id: JsonValue = ..., *, line: int | None = None, statements: bool = False
    ) -> str:
        """The line ``tosguard classify`` prints for this text."""

class StackVerdict:
    """The decisions of every layer of a :class:`PolicyStack` on one text."""

    @property
    def action(self) -> Action: ...
    @property
    def severity(self) -> Severity | None: ...
    @property
    def layers(self) -> list[Verdict]: ...
    @property
    def decisions(self) -> list[dict[str, str]]: ...
    @property
    def disagreements(self) -> list[dict[str, Any]]: ...
    @property
    def findings(self) -> list[Finding]: ...
    @property
    def categories(self) -> list[str]: ...
    @property
    def is_clean(self) -> bool: ...
    def has_category(self, id: str) -> bool: ...
    def layer(self, id: str) -> Verdict | None: ...
    def to_dict(
        self, id: JsonValue = ..., *, line: int | None = None, statements: bool = False
    ) -> dict[str, Any]: ...
    def to_json(
        self, id: JsonValue = ..., *, line: int | None = None, statements: bool = False
    ) -> str: ...

class Explanation:
    """Why each rule fired or was suppressed (``str()`` is ``tosguard explain``'s text)."""

    @property
    def policy(self) -> str: ...
    @property
    def normalized(self) -> str: ...
    @property
    def rules(self) -> list[dict[str, Any]]: ...
    @property
    def hits(self) -> list[dict[str, Any]]:
        """Every lexicon hit; ``span`` is in UTF-8 bytes of the text."""
    @property
    def signals(self) -> list[dict[str, Any]]:
        """The learned signals the conditions use, as each scored the text."""
    @property
    def windows(self) -> list[tuple[int, int]]:
        """The windows the text was judged in, as character offsets."""
    @property
    def verdict(self) -> Verdict: ...
    def to_dict(self) -> dict[str, Any]:
        """The object ``tosguard explain --json`` prints."""
    def to_json(self) -> str: ...

class TestReport:
    """A policy's examples and test cases run (``str()`` is ``tosguard test``'s text)."""

    @property
    def policy(self) -> str: ...
    @property
    def passed(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def ok(self) -> bool: ...
    @property
    def failures(self) -> list[str]: ...
    @property
    def results(self) -> list[tuple[str, bool]]: ...
    @property
    def without_examples(self) -> list[str]: ...
    def format(self, verbose: bool = False) -> str: ...
    def __bool__(self) -> bool: ...

def test(policy: str | os.PathLike[str]) -> TestReport:
    """Runs a policy's examples and the test file beside it, as ``tosguard test POLICY``."""

def builtin_names() -> list[str]: ...
def arrow_result_type() -> pyarrow.DataType:
    """The type of the struct array ``classify_arrow`` returns."""
def _restore_policy(kind: str, a: str, b: str, limits: Limits | None = None) -> Policy: ...
def _restore_limits(
    nest_limit: int, max_term_length: int, max_patterns: int, max_pattern_bytes: int, window_bytes: int
) -> Limits: ...
def _restore_stack(layers: list[Policy]) -> PolicyStack: ...
