"""Verdict.to_json() is the line `tosguard classify` prints, byte for byte."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

import tosguard
from conftest import REPO
from tosguard import demo


def _cli() -> pathlib.Path:
    given = os.environ.get("TOSGUARD_CLI")
    if given:
        path = pathlib.Path(given)
        if not path.is_absolute():
            path = REPO / path
        assert path.exists(), f"TOSGUARD_CLI={given} does not exist"
        return path
    for profile in ["release", "debug"]:
        path = REPO / "target" / profile / "tosguard"
        if path.exists():
            return path
    pytest.skip("no tosguard CLI built (cargo build --features cli) and TOSGUARD_CLI not set")


POSTS = demo.posts(600, seed=5) + [
    {"id": "é-1", "text": "Écoute bien 😡 : je vais te tuer, élu."},
    {"id": 0, "text": "Someone should hang the governor from the capitol steps"},
    {"id": 7.5, "text": "Kill 'em all. Every last traitor."},
    {"id": [1, "a"], "text": "quote \" backslash \\ tab \t bell \u0007 end"},
]


def _run(args, posts):
    lines = "".join(json.dumps({"id": p["id"], "text": p["text"]}, ensure_ascii=False) + "\n" for p in posts)
    out = subprocess.run([str(_cli()), "classify", *args], input=lines.encode(), capture_output=True, check=True)
    return out.stdout.decode().splitlines()


def test_one_policy_matches_the_cli():
    cli = _run(["--statements"], POSTS)
    policy = tosguard.Policy.baseline()
    verdicts = policy.classify_many([p["text"] for p in POSTS])
    assert len(cli) == len(POSTS)
    for n, (post, line, v) in enumerate(zip(POSTS, cli, verdicts), start=1):
        assert v.to_json(id=post["id"], line=n, statements=True) == line
        printed = json.loads(line)
        printed.pop("statements", None)
        assert v.to_dict(id=post["id"], line=n) == printed
    assert sum('"remove"' in line for line in cli) > 50
    assert sum('"statements"' in line for line in cli) > 50
    assert sum('"tos_ref":"' in line for line in cli) > 50


def test_a_stack_matches_the_cli():
    host = REPO / "examples" / "policies" / "host_aup.toml"
    platform = REPO / "examples" / "policies" / "platform_tos.toml"
    cli = _run(["--builtin", "baseline", "--policy", str(platform), "--policy", str(host)], POSTS)
    stack = tosguard.Policy.stack(
        [tosguard.Policy.baseline(), tosguard.Policy.from_file(platform), tosguard.Policy.from_file(host)]
    )
    verdicts = stack.classify_many([p["text"] for p in POSTS])
    for n, (post, line, v) in enumerate(zip(POSTS, cli, verdicts), start=1):
        assert v.to_json(id=post["id"], line=n) == line
    assert any('"disagreements"' in line for line in cli)


# Every kind of line the CLI reads: JSON with and without an id, a null id, plain text,
# plain text that starts with `{`, a JSON value that is not an object, a byte order
# mark, CRLF, an empty line, a JSON object without a string `text`, a line not UTF-8.
MIXED = b"".join(
    line + b"\n"
    for line in [
        b'{"id":1,"text":"Je vais te tuer"}',
        b'{"text":"I will kill you"}',
        b'{"id":null,"text":"hello there"}',
        b"Someone should hang the governor from the capitol steps",
        b"{sarcasm} I will kill you",
        b'["I will kill you"]',
        b'\xef\xbb\xbf{"id":"bom","text":"je vais te tuer"}',
        b'{"id":{"post":7,"shard":"eu"},"text":"Kill \\u00e9m all\\r\\n"}\r',
        b"",
        b'{"id":9,"txt":"no text"}',
        b'{"id":10,"text":42}',
        b"caf\xe9 invalid utf-8",
    ]
)


def _both(args: list[str]) -> tuple[bytes, bytes]:
    cli = subprocess.run([str(_cli()), "classify", *args], input=MIXED, capture_output=True)
    py = subprocess.run(
        [sys.executable, str(REPO / "examples" / "classify.py"), *args], input=MIXED, capture_output=True
    )
    assert py.returncode == 0, py.stderr.decode()
    return cli.stdout, py.stdout


def test_the_readme_example_prints_what_the_cli_prints():
    cli, py = _both([])
    lines = py.decode().splitlines()
    assert len(lines) == MIXED.count(b"\n")
    # Byte for byte, except the message of the line that is not UTF-8 (Rust's and
    # Python's decoders word it differently).
    assert cli.splitlines()[:-1] == py.splitlines()[:-1]
    last_cli, last_py = json.loads(cli.splitlines()[-1]), json.loads(lines[-1])
    assert last_cli.keys() == last_py.keys() == {"line", "error"}
    assert last_cli["line"] == last_py["line"] == 12
    assert [json.loads(line).get("action") for line in lines[:5]] == ["remove", "remove", "none", "remove", "remove"]


def test_the_readme_example_stacks_layers_in_the_cli_order():
    platform = str(REPO / "examples" / "policies" / "platform_tos.toml")
    cli, py = _both(["--policy", platform, "--builtin", "baseline", "--statements"])
    assert cli.splitlines()[:-1] == py.splitlines()[:-1]
    first = json.loads(py.splitlines()[0])
    assert [p["id"] for p in first["policies"]] == ["platform-tos", "baseline"]
