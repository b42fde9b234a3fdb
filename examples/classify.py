"""Classify JSON lines (or plain text lines) from stdin, from Python.

    echo '{"id":1,"text":"Je vais te tuer"}' | python examples/classify.py

Prints, for each input line, the same JSON object as `tosguard classify` (the
built-in baseline policy, or the policies given with --policy FILE or --builtin
NAME). Lines are read in batches and each batch is classified on every core.
"""

from __future__ import annotations

import argparse
import json
import sys

import tosguard


def records(lines: list[tuple[int, str]]):
    """(id, text) for each line, or (id, error message)."""
    for lineno, line in lines:
        stripped = line.lstrip()
        if not stripped.startswith("{"):
            yield lineno, line, None
            continue
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError as e:
            yield lineno, None, f"line {lineno}: invalid JSON: {e}"
            continue
        ident = obj.get("id", lineno)
        text = obj.get("text")
        if isinstance(text, str):
            yield ident, text, None
        else:
            what = "no `text` field" if text is None else "`text` must be a string"
            yield ident, None, f"line {lineno}: {what}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--policy", action="append", default=[], help="a policy file (repeatable)")
    parser.add_argument("--builtin", action="append", default=[], help="a built-in policy (repeatable)")
    parser.add_argument("--batch", type=int, default=10_000, help="lines classified together")
    args = parser.parse_args(argv)
    try:
        layers = [tosguard.Policy.from_file(p) for p in args.policy]
        layers += [tosguard.Policy.builtin(b) for b in args.builtin]
    except tosguard.PolicyError as e:
        print(f"classify.py: a policy does not compile:\n{e}", file=sys.stderr)
        return 1
    layers = layers or [tosguard.Policy.baseline()]
    engine = layers[0] if len(layers) == 1 else tosguard.Policy.stack(layers)

    def flush(batch: list[tuple[int, str]]) -> None:
        rows = list(records(batch))
        verdicts = iter(engine.classify_many([text for _, text, _ in rows if text is not None]))
        for ident, text, error in rows:
            if error is not None:
                print(json.dumps({"id": ident, "error": error}, ensure_ascii=False, separators=(",", ":")))
            else:
                print(next(verdicts).to_json(id=ident))

    batch: list[tuple[int, str]] = []
    for lineno, line in enumerate(sys.stdin, start=1):
        batch.append((lineno, line.rstrip("\r\n")))
        if len(batch) >= args.batch:
            flush(batch)
            batch = []
    flush(batch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
