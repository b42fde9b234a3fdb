"""Posts per second: Rust, classify_many, classify_arrow and a Spark job, on one corpus.

    python python/bench/throughput.py [--posts 200000] [--spark] [--rounds 3]

Generates ``--posts`` invented posts (tosguard.demo), then times, with the built-in
baseline policy:

- Rust: ``Policy::classify`` in a loop on one thread (the example
  ``python/examples/rust_throughput.rs``, built with ``cargo --release``);
- ``classify_many(texts, threads=1)`` and ``classify_many(texts)`` (every core);
- ``classify_arrow(array, threads=1)`` and ``classify_arrow(array)``;
- with ``--spark``, ``tosguard.spark.classify`` over the same posts as Parquet on
  ``local[N]`` (N = every core), counted to the end, once cold (each Python worker
  compiles the policy) and once warm.

Each figure is the best of ``--rounds`` rounds, in wall-clock time (posts/s) and in
CPU time (posts per CPU-second: the process's CPU time, every thread counted, so the
figure is per core and other processes on a shared machine do not lower it). Spark's
workers are other processes: its "per core" is posts/s divided by the cores. The
target: classify_many reaches 80% of Rust's posts per CPU-second.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import tosguard
import tosguard.demo

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def best_of(rounds: int, run) -> tuple[float, float]:
    """The best wall-clock and the best CPU seconds of ``rounds`` runs."""
    wall = cpu = float("inf")
    for _ in range(rounds):
        start, cpu_start = time.perf_counter(), time.process_time()
        run()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - cpu_start)
    return wall, cpu


def rust_figure(texts: list[str], rounds: int) -> tuple[float, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write("\n".join(texts))
        path = f.name
    try:
        out = subprocess.run(
            ["cargo", "run", "--release", "-q", "-p", "tosguard-python",
             "--example", "rust_throughput", "--", path, str(rounds)],
            cwd=REPO, check=True, capture_output=True, text=True,
        )
    finally:
        os.unlink(path)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    return figures["posts_per_s"], figures["posts_per_cpu_s"]


def spark_figures(texts: list[str], policy: tosguard.Policy, cores: int) -> tuple[float, float]:
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    import tosguard.spark
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("tosguard-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    work = tempfile.mkdtemp(prefix="tosguard-bench-")
    import pyarrow as pa
    import pyarrow.parquet as pq

    step = -(-len(texts) // (cores * 2))
    os.makedirs(os.path.join(work, "posts"))
    for i in range(0, len(texts), step):
        pq.write_table(pa.table({"text": texts[i:i + step]}), os.path.join(work, "posts", f"part-{i}.parquet"))
    df = spark.read.parquet(os.path.join(work, "posts")).cache()
    df.count()

    def job():
        n = tosguard.spark.classify(df, policy).filter("action != 'none'").count()
        assert n > 0

    cold, _ = best_of(1, job)
    warm, _ = best_of(2, job)
    spark.stop()
    return len(texts) / cold, len(texts) / warm


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--spark", action="store_true", help="also time the Spark job")
    parser.add_argument("--no-rust", action="store_true", help="skip the Rust figure (no cargo)")
    args = parser.parse_args()

    texts = [p["text"] for p in tosguard.demo.posts(args.posts, args.seed)]
    mib = sum(len(t.encode()) for t in texts) / (1 << 20)
    cores = int(os.environ.get("RAYON_NUM_THREADS") or os.cpu_count() or 1)
    policy = tosguard.Policy.baseline()
    policy.classify_many(texts[:1000])  # warm up every thread
    print(f"{len(texts)} posts, {mib:.1f} MiB, {cores} cores, policy {policy.id} {policy.fingerprint}")

    n = len(texts)
    # (name, posts/s, posts per CPU-second or None)
    rows: list[tuple[str, float, float | None]] = []
    rust = None
    if not args.no_rust:
        wall, rust = rust_figure(texts, args.rounds)
        rows.append(("Rust Policy::classify, 1 thread", wall, rust))
    import pyarrow as pa

    array = pa.array(texts, type=pa.string())
    runs = [
        ("classify_many, 1 thread", lambda: policy.classify_many(texts, threads=1)),
        (f"classify_many, {cores} threads", lambda: policy.classify_many(texts)),
        ("classify_arrow, 1 thread", lambda: policy.classify_arrow(array, threads=1)),
        (f"classify_arrow, {cores} threads", lambda: policy.classify_arrow(array)),
    ]
    for name, run in runs:
        wall, cpu = best_of(args.rounds, run)
        rows.append((name, n / wall, n / cpu))
    if args.spark:
        cold, warm = spark_figures(texts, policy, cores)
        rows += [(f"Spark local[{cores}], cold", cold, cold / cores),
                 (f"Spark local[{cores}], warm", warm, warm / cores)]

    print(f"{'':34} {'posts/s':>10} {'per core':>10} {'vs Rust':>8}")
    for name, rate, per_core in rows:
        ratio = f"{per_core / rust:8.0%}" if rust and per_core else ""
        print(f"{name:34} {rate:10,.0f} {per_core or 0:10,.0f} {ratio:>8}")
    if rust:
        many = [per_core for name, _, per_core in rows if name.startswith("classify_many")]
        worst = min(many) / rust
        verdict = "meets" if worst >= 0.8 else "misses"
        print(f"classify_many: at worst {worst:.0%} of Rust's posts per CPU-second "
              f"({verdict} the 80% target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
