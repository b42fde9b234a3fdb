"""Classify JSON lines (or plain text lines) from stdin, from Python.

    echo '{"id":1,"text":"Je vais te tuer"}' | python examples/classify.py

Prints, for each input line, the same line as `tosguard classify` (the built-in
baseline policy, or the layers given with --policy FILE and --builtin NAME, in the
order given), byte for byte. A line is a JSON object with a string `text` (its `id`,
if any, is copied) or plain text (any line that is not a JSON object is classified
whole and gets no `id`); a JSON object without a string `text`, or a line that is not
UTF-8, gets an error object. Lines are read in batches and each batch is classified
on every core.
"""

from __future__ import annotations

import argparse
import json
import sys

import tosguard

BOM = b"\xef\xbb\xbf"


def _no_constant(name: str):
    # Python's json accepts NaN and Infinity, JSON (and the CLI) does not.
    raise ValueError(name)


def parse(lineno: int, raw: bytes):
    """(fields for to_json, text) for a line to classify, or (fields, None, message)."""
    raw = raw.removeprefix(BOM)
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return {"line": lineno}, None, f"line {lineno}: not UTF-8: {e.reason} at byte {e.start}"
    if not line.lstrip().startswith("{"):
        return {"line": lineno}, line, None
    try:
        obj = json.loads(line, parse_constant=_no_constant)
    except ValueError:
        obj = None
    if not isinstance(obj, dict):
        return {"line": lineno}, line, None
    fields = {"id": obj["id"]} if "id" in obj else {}
    fields["line"] = lineno
    text = obj.get("text")
    if isinstance(text, str):
        return fields, text, None
    what = "no `text` field" if "text" not in obj else "`text` must be a string"
    return fields, None, f"line {lineno}: {what}"


class Layer(argparse.Action):
    """--policy and --builtin, kept in the order written (as the CLI does)."""

    def __call__(self, parser, namespace, value, option_string=None):
        namespace.layers.append((self.dest, value))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.set_defaults(layers=[])
    parser.add_argument("--policy", action=Layer, help="a policy file (repeatable)")
    parser.add_argument("--builtin", action=Layer, help="a built-in policy (repeatable)")
    parser.add_argument("--statements", action="store_true", help="add EU DSA statements of reasons")
    parser.add_argument("--batch", type=int, default=10_000, help="lines classified together")
    args = parser.parse_args(argv)
    try:
        layers = [
            tosguard.Policy.from_file(value) if kind == "policy" else tosguard.Policy.builtin(value)
            for kind, value in args.layers
        ]
    except tosguard.PolicyError as e:
        print(f"classify.py: a policy does not compile:\n{e}", file=sys.stderr)
        return 3
    layers = layers or [tosguard.Policy.baseline()]
    engine = layers[0] if len(layers) == 1 else tosguard.Policy.stack(layers)

    def flush(batch: list[tuple[int, bytes]]) -> None:
        rows = [parse(lineno, raw) for lineno, raw in batch]
        verdicts = iter(engine.classify_many([text for _, text, _ in rows if text is not None]))
        for fields, text, error in rows:
            if text is None:
                record = {**fields, "error": error}
                print(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            else:
                print(next(verdicts).to_json(**fields, statements=args.statements))

    batch: list[tuple[int, bytes]] = []
    for lineno, raw in enumerate(sys.stdin.buffer, start=1):
        raw = raw.removesuffix(b"\n").removesuffix(b"\r")
        batch.append((lineno, raw))
        if len(batch) >= args.batch:
            flush(batch)
            batch = []
    flush(batch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
