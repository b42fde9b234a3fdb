"""Verdict.to_json() is the line `tosguard classify` prints, byte for byte."""

import json
import os
import pathlib
import subprocess

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


_CLI_AHEAD = pytest.mark.xfail(
    strict=True,
    reason="the CLI's output gained `policies` (id, version, fingerprint, action), each "
    "finding's `tos_ref` and `line` for plain lines; python/src/json.rs does not emit them "
    "yet. Strict: this fails as soon as the two agree again, so the mark must go then.",
)


@_CLI_AHEAD
def test_one_policy_matches_the_cli():
    cli = _run(["--statements"], POSTS)
    policy = tosguard.Policy.baseline()
    verdicts = policy.classify_many([p["text"] for p in POSTS])
    assert len(cli) == len(POSTS)
    for post, line, v in zip(POSTS, cli, verdicts):
        assert v.to_json(id=post["id"], statements=True) == line
        printed = json.loads(line)
        printed.pop("statements", None)
        assert v.to_dict(id=post["id"]) == printed
    assert sum('"remove"' in line for line in cli) > 50
    assert sum('"statements"' in line for line in cli) > 50


@_CLI_AHEAD
def test_a_stack_matches_the_cli():
    host = REPO / "examples" / "policies" / "host_aup.toml"
    platform = REPO / "examples" / "policies" / "platform_tos.toml"
    cli = _run(["--builtin", "baseline", "--policy", str(platform), "--policy", str(host)], POSTS)
    stack = tosguard.Policy.stack(
        [tosguard.Policy.baseline(), tosguard.Policy.from_file(platform), tosguard.Policy.from_file(host)]
    )
    verdicts = stack.classify_many([p["text"] for p in POSTS])
    for post, line, v in zip(POSTS, cli, verdicts):
        assert v.to_json(id=post["id"]) == line
    assert any('"disagreements"' in line for line in cli)
