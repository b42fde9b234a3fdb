"""tosguard.spark and examples/spark_rescan.py on a local Spark (local[2])."""

import importlib.util
import os
import shutil
import subprocess

import pytest

import tosguard
from conftest import REPO


def _java_problem() -> str | None:
    java = shutil.which("java")
    if java is None and os.environ.get("JAVA_HOME"):
        candidate = os.path.join(os.environ["JAVA_HOME"], "bin", "java")
        java = candidate if os.path.exists(candidate) else None
    if java is None:
        return "no Java runtime (java not on PATH, no JAVA_HOME): Spark cannot start"
    try:
        subprocess.run([java, "-version"], capture_output=True, check=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as e:
        return f"the Java runtime at {java} does not run: {e}"
    return None


problem = _java_problem()
if problem is not None:
    pytest.skip(f"Spark test skipped: {problem}", allow_module_level=True)
pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed: pip install pyspark")
pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed: pip install pyarrow")

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

from tosguard import demo  # noqa: E402

N_POSTS = 3000


def _example():
    spec = importlib.util.spec_from_file_location("spark_rescan", REPO / "examples" / "spark_rescan.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def spark():
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("tosguard-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # Everything on this machine, on the loopback interface only.
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        # Small batches, so that each task sees several.
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "500")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    path = tmp_path_factory.mktemp("posts") / "posts"
    demo.write_parquet(str(path), N_POSTS, seed=11)
    return str(path)


@pytest.fixture(scope="module")
def policies():
    host = tosguard.Policy.baseline()
    platform = tosguard.Policy.from_file(REPO / "examples" / "policies" / "platform_tos.toml")
    return host, platform


def test_spark_verdicts_equal_local_verdicts(spark, dataset, policies):
    example = _example()
    host, platform = policies
    verdicts = example.rescan(spark, dataset, host, platform)
    for c in tosguard.spark.STACK_COLUMNS:
        assert c in verdicts.columns
    rows = {r["id"]: r for r in verdicts.collect()}
    assert len(rows) == N_POSTS
    posts = demo.posts(N_POSTS, seed=11)
    stack = tosguard.Policy.stack([host, platform])
    local = stack.classify_many([p["text"] for p in posts])
    n_disagree = 0
    for post, v in zip(posts, local):
        row = rows[post["id"]]
        assert row["text"] == post["text"]
        assert row["action"] == v.action
        assert row["categories"] == v.categories
        assert [(f["policy"], f["rule"], f["evidence"]) for f in row["findings"]] == [
            (f.policy, f.rule, f.evidence) for f in v.findings
        ]
        assert [[(s["start"], s["end"]) for s in f["spans"]] for f in row["findings"]] == [
            f.spans for f in v.findings
        ]
        assert [d.asDict() for d in row["decisions"]] == v.decisions
        assert [d.asDict() for d in row["disagreements"]] == v.disagreements
        n_disagree += bool(v.disagreements)
    # The generated posts give both policies work, and they disagree on some.
    assert 0 < n_disagree < N_POSTS
    assert sum(1 for v in local if v.layers[0].has_category("violence.threat")) > 50
    fr_threats = [p for p, v in zip(posts, local) if p["lang"] == "fr" and v.has_category("violence.threat")]
    assert fr_threats


def test_example_prints_counts_and_writes_disagreements(spark, dataset, tmp_path, capsys):
    out = tmp_path / "disagreements"
    assert _example().main(["--input", dataset, "--output", str(out), "--show", "3"]) == 0
    printed = capsys.readouterr().out
    assert f"classified {N_POSTS} posts with baseline (host) and platform-tos (platform)" in printed
    assert "posts per category:" in printed
    assert "baseline       violence.threat" in printed
    written = spark.read.parquet(str(out))
    n = written.count()
    assert f"disagreements: {n} " in printed
    assert n > 0
    assert set(written.columns) >= {"id", "text", "removed_by", "allowed_by", "categories"}
    assert written.filter(F.col("removed_by") == "baseline").count() > 0


def test_single_policy_and_null_texts(spark):
    df = spark.createDataFrame(
        [(1, "Je vais te tuer"), (2, None), (3, "Bonjour à tous")], "id long, body string"
    )
    out = tosguard.spark.classify(df, tosguard.Policy.baseline(), "body")
    assert out.columns == ["id", "body", "action", "categories", "findings"]
    rows = {r["id"]: r for r in out.collect()}
    assert rows[1]["action"] == "remove"
    assert rows[1]["categories"] == ["violence.threat"]
    assert "tuer" in rows[1]["findings"][0]["evidence"]
    assert rows[2]["action"] is None
    assert rows[3]["action"] == "none" and rows[3]["findings"] == []


def test_bad_arguments_fail_on_the_driver(spark):
    df = spark.createDataFrame([(1, "x")], "id long, text string")
    policy = tosguard.Policy.baseline()
    with pytest.raises(ValueError, match="no column `body`"):
        tosguard.spark.classify(df, policy, "body")
    with pytest.raises(ValueError, match="not strings"):
        tosguard.spark.classify(df, policy, "id")
    with pytest.raises(ValueError, match="already has column"):
        tosguard.spark.classify(df.withColumn("action", F.lit("x")), policy)


def test_the_policy_is_compiled_once_per_python_worker(spark):
    # A policy travels to the workers as its TOML source (pickled) and is compiled where
    # it is unpickled; the same source unpickled again in the same worker process (the
    # next task: Spark reuses Python workers) is not compiled again.
    policy = tosguard.Policy.from_toml(
        '[policy]\nid = "once"\nextends = ["taxonomy"]\n[lexicons.w]\nterms = ["zorglub"]\n'
        '[[rules]]\nid = "r"\ncategory = "profanity"\nwhen = "w"\n'
    )

    def task(rows):
        from tosguard._tosguard import _unpickle_compiles

        n = sum(not policy.classify(text).is_clean for text in rows)
        yield os.getpid(), n, _unpickle_compiles(policy)

    texts = ["zorglub!", "hello"] * 20
    seen = spark.sparkContext.parallelize(texts, 8).mapPartitions(task).collect()
    assert len(seen) == 8
    assert sum(n for _, n, _ in seen) == 20
    by_process: dict[int, int] = {}
    for pid, _, compiles in seen:
        by_process[pid] = max(by_process.get(pid, 0), compiles)
    # 8 tasks ran in fewer processes, each of which compiled the policy once.
    assert len(by_process) < 8, by_process
    assert set(by_process.values()) == {1}, seen
