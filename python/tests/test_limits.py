"""Limits: what compiling may cost, and the window a long text is judged in."""

import pickle

import pytest

import tosguard

DEEP = """
[policy]
id = "deep"
extends = ["taxonomy"]

[lexicons.a]
terms = ["a"]

[[rules]]
id = "r"
category = "violence.threat"
when = "((((((a))))))"
"""

THREAT = """
[policy]
id = "fenetre"
extends = ["taxonomy"]

[lexicons.harm]
terms = ["tuer", "kill"]

[[rules]]
id = "harm"
category = "violence.threat"
when = "harm"
"""


def test_defaults_are_the_librarys():
    limits = tosguard.Limits()
    assert limits.nest_limit == 250
    assert limits.max_term_length == 200
    assert limits.max_patterns == 2_000_000
    assert limits.max_pattern_bytes == 64 << 20
    assert limits.window_bytes == 64 << 10
    assert tosguard.Policy.from_toml(THREAT).limits == limits
    assert repr(limits).startswith("Limits(nest_limit=250, max_term_length=200,")


def test_values_equality_hash_and_pickle():
    a = tosguard.Limits(nest_limit=4, window_bytes=4096)
    assert (a.nest_limit, a.window_bytes, a.max_term_length) == (4, 4096, 200)
    assert a == tosguard.Limits(window_bytes=4096, nest_limit=4)
    assert a != tosguard.Limits(nest_limit=4)
    assert len({a, tosguard.Limits(nest_limit=4, window_bytes=4096)}) == 1
    assert pickle.loads(pickle.dumps(a)) == a
    # The window is clamped as the library does: 0 is read as 1.
    assert tosguard.Limits(window_bytes=0).window_bytes == 1


@pytest.mark.parametrize("bad", [-1, -(2**70), 2**70])
def test_out_of_range_values_are_value_errors(bad):
    with pytest.raises(ValueError, match="nest_limit must be a whole number"):
        tosguard.Limits(nest_limit=bad)


def test_arguments_are_keyword_only_and_typed():
    with pytest.raises(TypeError):
        tosguard.Limits(4)  # type: ignore[misc]
    with pytest.raises(TypeError):
        tosguard.Limits(window_bytes="4096")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        tosguard.Policy.from_toml(THREAT, limits=4096)  # type: ignore[arg-type]


def test_a_policy_over_a_limit_does_not_compile(tmp_path):
    assert tosguard.Policy.from_toml(DEEP).id == "deep"
    strict = tosguard.Limits(nest_limit=4)
    with pytest.raises(tosguard.PolicyError) as err:
        tosguard.Policy.from_toml(DEEP, limits=strict)
    assert err.value.problems[0]["kind"] == "limit_exceeded"
    path = tmp_path / "deep.toml"
    path.write_text(DEEP, encoding="utf-8")
    with pytest.raises(tosguard.PolicyError):
        tosguard.Policy.from_file(path, limits=strict)
    # Built-in packs are held to the limits too: the baseline's terms are longer than 3.
    with pytest.raises(tosguard.PolicyError) as err:
        tosguard.Policy.builtin("baseline", limits=tosguard.Limits(max_term_length=3))
    assert err.value.problems[0]["kind"] == "limit_exceeded"


def test_windows_of_a_long_text_in_characters():
    limits = tosguard.Limits(window_bytes=4096)
    policy = tosguard.Policy.from_toml(THREAT, limits=limits)
    assert policy.limits == limits
    # Accented letters: two bytes, one character; the offsets are Python's.
    text = "Une journée très calme à la plage, évidemment.\n" * 300 + "Je vais le tuer."
    explanation = policy.explain(text)
    windows = explanation.windows
    assert len(windows) > 1
    assert windows[0][0] == 0 and windows[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(windows, windows[1:]))
    assert all(len(text[s:e].encode("utf-8")) <= 4096 for s, e in windows)
    verdict = policy.classify(text)
    (start, end) = verdict.findings[0].char_spans[0]
    assert text[start:end] == "tuer"
    assert windows[-1][0] <= start < windows[-1][1]
    # The default window holds the whole text.
    assert tosguard.Policy.from_toml(THREAT).explain(text).windows == [(0, len(text))]


def test_pickles_keep_the_limits(tmp_path):
    limits = tosguard.Limits(window_bytes=4096)
    text = "Une journée très calme à la plage.\n" * 300 + "Je vais le tuer."
    for policy in [
        tosguard.Policy.from_toml(THREAT, limits=limits),
        tosguard.Policy.builtin("taxonomy", limits=limits),
    ]:
        q = pickle.loads(pickle.dumps(policy))
        assert q.limits == limits
        assert q.explain(text).windows == policy.explain(text).windows
    path = tmp_path / "fenetre.toml"
    path.write_text(THREAT, encoding="utf-8")
    q = pickle.loads(pickle.dumps(tosguard.Policy.from_file(path, limits=limits)))
    assert q.limits == limits
    assert len(q.explain(text).windows) > 1
    # The default limits pickle as before limits could be given.
    assert tosguard.Policy.from_toml(THREAT).__reduce__()[1][3] is None
    assert tosguard._tosguard._restore_policy("toml", THREAT, "").limits == tosguard.Limits()


def test_explanation_signals(baseline):
    scored = baseline.explain("those muslims are trash").signals
    assert [s["signal"] for s in scored] == ["hate"]
    assert 0.0 <= scored[0]["score"] <= 1.0 and scored[0]["window"] == 0
    assert tosguard.Policy.from_toml(THREAT).explain("je vais le tuer").signals == []
