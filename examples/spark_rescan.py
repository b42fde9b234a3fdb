"""Rescan a Parquet dataset of posts with a host's policy and a platform's, on Spark.

A host that must answer "does this customer's content break our acceptable-use
policy?" scans everything the customer stores; the platform answers with its own terms
of service. This job classifies every post under both policies with tosguard (each
Arrow batch in place, by the Rust engine, on the executors), prints how many posts
each policy finds in each category and what it does with them, and writes the posts
where the two disagree (one removes, the other does not) as Parquet.

    pip install './python[spark]'
    python examples/spark_rescan.py

With no --input, it first writes a generated dataset of invented English and French
posts (tosguard.demo) to a temporary folder. --host and --platform take a policy file
or a built-in policy name; by default the host enforces the built-in baseline and the
platform its example terms of service (examples/policies/platform_tos.toml).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import tosguard
import tosguard.demo
import tosguard.spark

HERE = os.path.dirname(os.path.abspath(__file__))


def load_policy(spec: str) -> tosguard.Policy:
    """A policy file, or else a built-in policy name."""
    if os.path.exists(spec):
        return tosguard.Policy.from_file(spec)
    return tosguard.Policy.builtin(spec)


def rescan(spark, input_path: str, host: tosguard.Policy, platform: tosguard.Policy, column: str = "text"):
    """The posts of ``input_path`` with both policies' verdicts as columns."""
    from pyspark.sql import functions as F

    df = spark.read.parquet(input_path)
    if "id" not in df.columns:
        df = df.withColumn("id", F.monotonically_increasing_id())
    return tosguard.spark.classify(df, [host, platform], column)


def category_counts(verdicts):
    """Posts per (policy, category): a post counts once per category a policy finds."""
    from pyspark.sql import functions as F

    return (
        verdicts.select("id", F.explode("findings").alias("f"))
        .select("id", F.col("f.policy").alias("policy"), F.col("f.category").alias("category"))
        .distinct()
        .groupBy("policy", "category")
        .count()
        .orderBy("policy", "category")
    )


def action_counts(verdicts):
    """Posts per (policy, action)."""
    from pyspark.sql import functions as F

    return (
        verdicts.select(F.explode("decisions").alias("d"))
        .groupBy(F.col("d.policy").alias("policy"), F.col("d.action").alias("action"))
        .count()
        .orderBy("policy", "action")
    )


def disagreements(verdicts, column: str = "text"):
    """One row per post and pair of policies where one removes and the other does not."""
    from pyspark.sql import functions as F

    return verdicts.select("id", column, F.explode("disagreements").alias("d")).select(
        "id",
        column,
        F.col("d.removed_by").alias("removed_by"),
        F.col("d.allowed_by").alias("allowed_by"),
        F.col("d.allowing_action").alias("allowing_action"),
        F.col("d.categories").alias("categories"),
        F.col("d.removing_rules").alias("removing_rules"),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", help="a Parquet dataset of posts (default: generate one)")
    parser.add_argument("--column", default="text", help="the text column (default: text)")
    parser.add_argument("--posts", type=int, default=20_000, help="how many posts to generate")
    parser.add_argument("--host", default="baseline", help="the host's policy: a file or built-in name")
    parser.add_argument(
        "--platform",
        default=os.path.join(HERE, "policies", "platform_tos.toml"),
        help="the platform's policy: a file or built-in name",
    )
    parser.add_argument("--output", help="where to write the disagreements (default: a temporary folder)")
    parser.add_argument("--master", default="local[2]", help="the Spark master (default: local[2])")
    parser.add_argument("--show", type=int, default=10, help="how many disagreements to print")
    args = parser.parse_args(argv)

    try:
        host, platform = load_policy(args.host), load_policy(args.platform)
    except tosguard.PolicyError as e:
        print(f"spark_rescan: a policy does not compile:\n{e}", file=sys.stderr)
        return 1

    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    spark = (
        SparkSession.builder.master(args.master)
        .appName("tosguard-rescan")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # Everything on this machine, on the loopback interface only.
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    work = tempfile.mkdtemp(prefix="tosguard-rescan-")
    input_path = args.input
    if input_path is None:
        input_path = os.path.join(work, "posts")
        tosguard.demo.write_parquet(input_path, args.posts)
        print(f"generated {args.posts} posts in {input_path}")
    output = args.output or os.path.join(work, "disagreements")

    start = time.perf_counter()
    verdicts = rescan(spark, input_path, host, platform, args.column).cache()
    total = verdicts.count()
    elapsed = time.perf_counter() - start
    print(f"classified {total} posts with {host.id} (host) and {platform.id} (platform) "
          f"in {elapsed:.1f} s ({total / elapsed:,.0f} posts/s, policy compiling included)")

    print("\nposts per category:")
    for row in category_counts(verdicts).collect():
        print(f"  {row['policy']:<14} {row['category']:<26} {row['count']:>7}")
    print("\nposts per action:")
    for row in action_counts(verdicts).collect():
        print(f"  {row['policy']:<14} {row['action']:<26} {row['count']:>7}")

    found = disagreements(verdicts, args.column).cache()
    n = found.count()
    print(f"\ndisagreements: {n} (written to {output})")
    for row in found.orderBy("id").limit(args.show).collect():
        print(f"  {row['id']:>6}  {row['removed_by']} removes ({', '.join(row['categories'])}) "
              f"but {row['allowed_by']} says {row['allowing_action']}: {row[args.column]!r}")
    found.write.mode("overwrite").parquet(output)
    verdicts.unpersist()
    return 0


if __name__ == "__main__":
    sys.exit(main())
