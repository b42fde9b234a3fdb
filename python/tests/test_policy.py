"""One text at a time: verdicts, findings, spans, errors, explain, test, pickling."""

import json
import pickle

import pytest

import tosguard
from conftest import REPO

# A small policy of our own, built on the taxonomy, in English and French.
AUP = """
[policy]
id = "my-aup"
version = "3"
extends = ["taxonomy"]

[lexicons.harm]
terms = ["kill{,s}", "stab{,s}", "tuer", "poignarder"]

[lexicons.you]
terms = ["you", "u", "te", "toi"]

[[rules]]
id = "aup.threat"
category = "violence.threat"
when = '("i will" before(2) harm before(2) you) or ("je vais" before(2) you before(2) harm)'
unless = ["negated", "quoted", "reported"]
examples.violating = ["I will kill you", "Je vais te tuer"]
examples.allowed = ["I will never kill you", "Je ne vais jamais te tuer"]
"""


def test_baseline_flags_threats_in_english_and_french(baseline):
    for text, words in [("I will kill you", "kill"), ("Je vais te tuer", "tuer")]:
        v = baseline.classify(text)
        assert v.action == "remove"
        assert "violence.threat" in v.categories
        assert v.has_category("violence.")
        assert any(words in f.evidence for f in v.findings)
        assert v.policy == "baseline"
        assert v.fingerprint == baseline.fingerprint


def test_baseline_allows_negations_and_idioms(baseline):
    for text in ["I would never hurt you", "This traffic is killing me",
                 "Je ne ferais jamais de mal à personne", "Mort de rire"]:
        v = baseline.classify(text)
        assert v.is_clean, (text, v.findings)
        assert v.action == "none"
        assert v.severity is None
        assert v.findings == []


def test_spans_are_bytes_and_char_spans_are_python_indices(baseline):
    # Accents and an emoji before the threat: bytes and characters differ.
    text = "Écoute bien 😡 : je vais te tuer, élu."
    v = baseline.classify(text)
    assert v.has_category("violence.threat")
    encoded = text.encode("utf-8")
    for f in v.findings:
        assert len(f.spans) == len(f.char_spans) == len(f.evidence)
        for (bs, be), (cs, ce), words in zip(f.spans, f.char_spans, f.evidence):
            assert encoded[bs:be].decode("utf-8") == words
            assert text[cs:ce] == words
            assert (bs, be) != (cs, ce)


def test_finding_fields(baseline):
    f = baseline.classify("Je vais te tuer").findings[0]
    assert f.rule.startswith("fr.")
    assert f.category == "violence.threat"
    assert f.severity in ("high", "critical")
    assert f.action == "remove"
    assert f.policy == "baseline"
    assert f.pack.startswith("baseline")
    assert len(f.lexicons) == len(f.evidence)
    assert f.to_dict()["evidence"] == f.evidence
    # As in the CLI's output, a finding's `policy` is the pack that defines the rule.
    assert f.to_dict()["policy"] == f.pack
    assert f.to_dict()["tos_ref"] == f.tos_ref


def test_to_dict_is_the_cli_shape(baseline):
    text = "Je vais te tuer"
    v = baseline.classify(text)
    d = v.to_dict(id=1)
    assert list(d) == ["id", "action", "policies", "findings"]
    assert d["id"] == 1 and d["action"] == "remove"
    assert d["policies"] == [
        {"id": "baseline", "version": baseline.version, "fingerprint": baseline.fingerprint, "action": "remove"}
    ]
    f = d["findings"][0]
    assert list(f) == ["policy", "rule", "category", "severity", "tos_ref", "spans", "evidence"]
    assert f["policy"].startswith("baseline.")
    assert [text.encode()[s:e].decode() for s, e in f["spans"]] == f["evidence"]
    assert json.loads(v.to_json(id=1)) == d
    assert "id" not in v.to_dict()
    assert v.to_dict(id="post-7")["id"] == "post-7"
    # An explicit None is a null id (a JSON line with "id": null), not a missing one.
    assert v.to_dict(id=None)["id"] is None
    assert v.to_json(id=None).startswith('{"id":null,"action"')
    assert list(v.to_dict(id=3, line=12))[:3] == ["id", "line", "action"]
    assert v.to_json(line=12).startswith('{"line":12,"action":"remove","policies":')
    with pytest.raises(TypeError):
        v.to_dict(id=object())


def test_statements_for_removed_content(baseline):
    d = baseline.classify("I will kill you").to_dict(id=1, statements=True)
    assert d["statements"][0]["policy"] == "baseline"
    assert "statements" not in baseline.classify("hello").to_dict(statements=True)


def test_own_policy_from_toml_and_file(tmp_path):
    p = tosguard.Policy.from_toml(AUP)
    assert (p.id, p.version) == ("my-aup", "3")
    assert p.classify("I will kill you").categories == ["violence.threat"]
    assert p.classify("Je vais te tuer").categories == ["violence.threat"]
    assert p.classify("I will never kill you").is_clean
    assert p.check_examples().ok
    path = tmp_path / "aup.toml"
    path.write_text(AUP, encoding="utf-8")
    q = tosguard.Policy.from_file(path)
    assert q.fingerprint == p.fingerprint
    assert tosguard.Policy.from_file(str(path)).id == "my-aup"


def test_policy_error_is_the_rust_message():
    bad = AUP.replace('harm before(2) you)', 'harm before(2) yuo)')
    with pytest.raises(tosguard.PolicyError) as e:
        tosguard.Policy.from_toml(bad)
    msg = str(e.value)
    # Located: source, line and column; the offending text underlined.
    assert msg.startswith("<policy>:")
    assert "unknown lexicon `yuo`" in msg
    lines = msg.splitlines()
    assert any(line.startswith("  | when =") for line in lines)
    caret = next(line for line in lines if set(line.strip("| ")) == {"^"})
    code = lines[lines.index(caret) - 1]
    start = caret.index("^")
    assert code[start:start + 3] == "yuo"
    assert isinstance(e.value, ValueError)
    [problem] = e.value.problems
    assert problem["kind"] == "unknown_lexicon"
    assert problem["line"] == int(lines[0].split(":")[1])
    assert problem["column"] == int(lines[0].split(":")[2])
    assert problem["path"] == "rules[aup.threat].when"


def test_policy_error_lists_every_problem_and_file_errors(tmp_path):
    src = '[policy]\nid = "p"\n[[rules]]\nid = "r"\ncategory = "nope"\nwhen = "x"\n'
    with pytest.raises(tosguard.PolicyError) as e:
        tosguard.Policy.from_toml(src)
    assert len(e.value.problems) >= 2
    assert str(e.value).endswith(f"{len(e.value.problems)} problems")
    with pytest.raises(tosguard.PolicyError) as e:
        tosguard.Policy.from_toml("[policy\nid = ")
    assert e.value.problems[0]["kind"] == "syntax"
    missing = tmp_path / "missing.toml"
    with pytest.raises(tosguard.PolicyError) as e:
        tosguard.Policy.from_file(missing)
    assert str(missing) in str(e.value)
    assert e.value.problems[0]["kind"] == "io"
    with pytest.raises(tosguard.PolicyError):
        tosguard.Policy.builtin("no-such-pack")


def test_non_string_input_is_a_type_error(baseline):
    for bad in [None, 42, b"I will kill you", ["I will kill you"]]:
        with pytest.raises(TypeError, match="must be a str"):
            baseline.classify(bad)
    with pytest.raises(TypeError):
        tosguard.Policy.from_toml(b"[policy]")
    with pytest.raises(TypeError):
        baseline.explain(3)


def test_lone_surrogate_is_an_error_not_a_crash(baseline):
    with pytest.raises(UnicodeEncodeError):
        baseline.classify("I will kill you \ud800")


def test_huge_input(baseline):
    # 4 MiB of ordinary text with a threat at the very end.
    filler = "The library is open late on Thursdays now. " * 100_000
    text = filler + "Je vais te tuer"
    v = baseline.classify(text)
    assert v.has_category("violence.threat")
    words = [w for f in v.findings for w in f.evidence]
    assert "tuer" in words
    f = v.findings[0]
    cs, ce = f.char_spans[-1]
    assert text[cs:ce] == f.evidence[-1]
    assert f.spans[-1][1] == len(text.encode())
    assert baseline.classify(filler).is_clean


def test_empty_and_whitespace(baseline):
    for text in ["", " ", "\n\t"]:
        assert baseline.classify(text).is_clean


def test_stack_of_host_and_platform(host, platform):
    stack = tosguard.Policy.stack([host, platform])
    assert len(stack) == 2
    assert [p.id for p in stack.layers] == ["host-aup", "platform-tos"]
    v = stack.classify("Someone should hang the governor from the capitol steps")
    assert v.action == "remove"
    assert v.decisions == [
        {"policy": "host-aup", "action": "remove"},
        {"policy": "platform-tos", "action": "none"},
    ]
    [d] = v.disagreements
    assert (d["removed_by"], d["allowed_by"], d["allowing_action"]) == ("host-aup", "platform-tos", "none")
    assert d["categories"] == ["violence.incitement"]
    assert v.layer("platform-tos").is_clean
    assert v.layer("nope") is None
    d = v.to_dict(id=2)
    assert list(d) == ["id", "action", "policies", "findings", "disagreements"]
    assert [(p["id"], p["action"]) for p in d["policies"]] == [("host-aup", "remove"), ("platform-tos", "none")]
    assert all(f["policy"] == "host-aup" for f in d["findings"])
    assert stack.classify("Great rally today, vote them out in November!").disagreements == []
    with pytest.raises(ValueError):
        tosguard.Policy.stack([])
    with pytest.raises(TypeError, match=r"policies\[1\]"):
        tosguard.Policy.stack([host, "platform"])


def test_explain_mirrors_the_cli(baseline):
    e = baseline.explain("Je vais te tuer")
    assert e.verdict.action == "remove"
    assert "je vais te tuer" in e.normalized
    assert any(r["fired"] for r in e.rules)
    assert str(e).startswith("normalized: ")
    assert "action: remove" in str(e)
    d = e.to_dict()
    assert list(d) == ["policy", "text", "explanation"]
    assert d["explanation"]["verdict"]["action"] == "remove"
    suppressed = baseline.explain("I would never kill you")
    assert suppressed.verdict.is_clean


def test_test_runs_examples_and_the_test_file(tmp_path):
    policy = tmp_path / "aup.toml"
    policy.write_text(AUP, encoding="utf-8")
    (tmp_path / "aup.test.toml").write_text(
        '[[case]]\ntext = "Je vais te poignarder"\npresent = ["violence.threat"]\n'
        '[[case]]\nname = "wrong on purpose"\ntext = "Bonjour"\npresent = ["violence.threat"]\n',
        encoding="utf-8",
    )
    report = tosguard.test(policy)
    assert (report.passed, report.failed) == (5, 1)
    assert not report.ok and not report
    assert "wrong on purpose" in report.failures[0]
    assert str(report).endswith("5 passed, 1 failed")
    assert len(report.results) == 6
    assert "PASS" in report.format(verbose=True)
    (tmp_path / "aup.test.toml").write_text("[[case]\n", encoding="utf-8")
    with pytest.raises(tosguard.PolicyError):
        tosguard.test(policy)


def test_test_builtin_and_example_policies():
    assert tosguard.test("taxonomy").ok
    report = tosguard.test(REPO / "examples" / "policies" / "host_aup.toml")
    assert report.ok and report.passed >= 6
    assert "baseline" in tosguard.builtin_names()


def test_pickle_recompiles_from_source(tmp_path, baseline, host):
    p = tosguard.Policy.from_toml(AUP)
    for policy in [p, baseline, host]:
        q = pickle.loads(pickle.dumps(policy))
        assert q.fingerprint == policy.fingerprint
        assert q.id == policy.id
    stack = tosguard.Policy.stack([host, p])
    s = pickle.loads(pickle.dumps(stack))
    assert [l.id for l in s.layers] == ["host-aup", "my-aup"]
    assert s.classify("I will kill you").decisions == stack.classify("I will kill you").decisions
    # A file that moved away is recompiled from the text it had.
    path = tmp_path / "aup.toml"
    path.write_text(AUP, encoding="utf-8")
    data = pickle.dumps(tosguard.Policy.from_file(path))
    path.unlink()
    assert pickle.loads(data).classify("Je vais te tuer").categories == ["violence.threat"]


def test_repr(baseline):
    assert repr(baseline).startswith('Policy(id="baseline"')
    assert "violence.threat" in repr(baseline.classify("I will kill you"))
