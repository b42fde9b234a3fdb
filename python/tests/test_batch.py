"""Many texts: classify_many on every core, classify_arrow on pyarrow arrays."""

import threading
import time

import pytest

import tosguard
from tosguard import demo

pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed: pip install pyarrow")

POSTS = [p["text"] for p in demo.posts(3000, seed=7)]


def test_classify_many_equals_classify_one_by_one(baseline):
    one_by_one = [baseline.classify(t).to_json() for t in POSTS]
    for threads in [None, 1, 3]:
        many = baseline.classify_many(POSTS, threads=threads)
        assert [v.to_json() for v in many] == one_by_one
    # The corpus is not all clean or all flagged: the comparison means something.
    actions = {json for json in one_by_one}
    assert len(actions) > 10
    flagged = sum(1 for v in baseline.classify_many(POSTS) if not v.is_clean)
    assert 0.1 * len(POSTS) < flagged < 0.6 * len(POSTS)


def test_classify_many_takes_any_iterable_and_keeps_order(baseline):
    texts = ["Je vais te tuer", "Bonjour", "I will kill you", "hello"]
    out = baseline.classify_many(t for t in texts)
    assert [v.action for v in out] == ["remove", "none", "remove", "none"]
    assert baseline.classify_many([]) == []


def test_classify_many_rejects_non_strings_with_their_index(baseline):
    with pytest.raises(TypeError, match=r"texts\[2\] must be a str, not int"):
        baseline.classify_many(["a", "b", 3])
    with pytest.raises(TypeError, match="not a single str"):
        baseline.classify_many("I will kill you")
    with pytest.raises(TypeError, match="iterable of str"):
        baseline.classify_many(42)
    with pytest.raises(ValueError, match=r"texts\[1\]"):
        baseline.classify_many(["ok", "bad \udcff"])
    with pytest.raises(ValueError, match="threads must be at least 1"):
        baseline.classify_many(["a"], threads=0)


def test_classify_many_releases_the_gil(baseline):
    # While classify_many runs, another Python thread keeps running.
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    t = threading.Thread(target=tick)
    big = POSTS * 20
    t.start()
    start = time.perf_counter()
    baseline.classify_many(big, threads=1)
    end = time.perf_counter()
    stop.set()
    t.join()
    during = [x for x in ticks if start < x < end]
    assert end - start > 0.05
    assert len(during) >= 5, f"{len(during)} ticks in {end - start:.2f}s"


def test_stack_classify_many(host, platform):
    stack = tosguard.Policy.stack([host, platform])
    out = stack.classify_many(POSTS[:500])
    assert [v.to_json() for v in out] == [stack.classify(t).to_json() for t in POSTS[:500]]
    assert any(v.disagreements for v in out)


def _rows(struct_array):
    return struct_array.to_pylist()


def test_classify_arrow_matches_classify(baseline):
    texts = POSTS[:400] + [None, "", "Je vais te tuer"]
    array = pa.array(texts, type=pa.string())
    out = baseline.classify_arrow(array)
    assert isinstance(out, pa.StructArray)
    assert out.type == tosguard.arrow_result_type()
    assert len(out) == len(texts)
    rows = _rows(out)
    for text, row in zip(texts, rows):
        if text is None:
            assert row is None
            continue
        v = baseline.classify(text)
        assert row["action"] == v.action
        assert row["severity"] == v.severity
        assert row["categories"] == v.categories
        assert [f["rule"] for f in row["findings"]] == [f.rule for f in v.findings]
        for f, g in zip(row["findings"], v.findings):
            assert f["evidence"] == g.evidence
            assert [(s["start"], s["end"]) for s in f["spans"]] == g.spans
            assert f["policy"] == "baseline"
        assert row["decisions"] == [{"policy": "baseline", "action": v.action}]
        assert row["disagreements"] == []
    assert rows[-1]["action"] == "remove"


@pytest.mark.parametrize("type_", ["large_string", "string_view"])
def test_classify_arrow_other_string_types(baseline, type_):
    texts = ["I will kill you", None, "Bonjour"]
    array = pa.array(texts, type=getattr(pa, type_)())
    rows = _rows(baseline.classify_arrow(array, threads=1))
    assert [r and r["action"] for r in rows] == ["remove", None, "none"]


def test_classify_arrow_sliced_and_chunked(baseline):
    array = pa.array(["hello", "I will kill you", "Je vais te tuer", "bye"])
    rows = _rows(baseline.classify_arrow(array.slice(1, 2)))
    assert [r["action"] for r in rows] == ["remove", "remove"]
    chunked = pa.chunked_array([array.slice(0, 2), array.slice(2)])
    out = baseline.classify_arrow(chunked)
    assert isinstance(out, pa.ChunkedArray)
    assert [r["action"] for r in out.to_pylist()] == ["none", "remove", "remove", "none"]


def test_classify_arrow_does_not_copy_the_input(baseline):
    # 32 MiB of text in one pyarrow buffer: classifying it must not raise the peak
    # memory of the process by anything near a copy of it.
    resource = pytest.importorskip("resource")
    row = b"The library is open late on Thursdays now. Rain all week again. " * 16
    rows = (32 << 20) // len(row)
    data = pa.py_buffer(row * rows)
    offsets = pa.array(range(0, (rows + 1) * len(row), len(row)), type=pa.int32())
    array = pa.StringArray.from_buffers(rows, offsets.buffers()[1], data)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out = baseline.classify_arrow(array)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - peak_before
    assert len(out) == rows
    assert out.field("action").to_pylist() == ["none"] * rows
    assert grown < data.size // 4, f"peak memory grew by {grown} bytes for {data.size} of text"


def test_classify_arrow_rejects_what_is_not_a_string_array(baseline):
    with pytest.raises(TypeError, match="array of strings"):
        baseline.classify_arrow(pa.array([1, 2, 3]))
    with pytest.raises(TypeError, match="pyarrow string array, not list"):
        baseline.classify_arrow(["I will kill you"])


def test_stack_classify_arrow_has_disagreements(host, platform):
    stack = tosguard.Policy.stack([host, platform])
    text = "Someone should hang the governor from the capitol steps"
    [row] = _rows(stack.classify_arrow(pa.array([text])))
    assert row["decisions"] == [
        {"policy": "host-aup", "action": "remove"},
        {"policy": "platform-tos", "action": "none"},
    ]
    [d] = row["disagreements"]
    assert d["removed_by"] == "host-aup" and d["allowed_by"] == "platform-tos"
    assert d["categories"] == ["violence.incitement"]
    assert d == stack.classify(text).disagreements[0]


def test_demo_posts_are_reproducible_and_bilingual():
    a, b = demo.posts(200, seed=3), demo.posts(200, seed=3)
    assert a == b
    assert {p["lang"] for p in a} == {"en", "fr"}
    assert demo.posts(200, seed=4) != a
    with pytest.raises(ValueError):
        demo.posts(-1)
