"""The same model on Spark: one input linked on DuckDB and on Spark (``local[2]``) through the
product's own code path gives the same people and the same scored pairs.

Needs pyspark and Java 17 (``pip install '.[spark]'``); ``./scripts/test`` installs both and
runs this module in a step of its own (once, not in the SQLite and PostgreSQL passes), with
one Spark session for the module: small data, two cores, the UI off, few shuffle partitions.
"""

from __future__ import annotations

import csv
import logging
import random
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from django.core.management import call_command

import duckdb
import pyarrow as pa
import pytest
from pyspark.sql import SparkSession

from ketenzicht.persons.linkage import model, spark
from ketenzicht.persons.linkage.batch import link
from ketenzicht.persons.linkage.clusters import Pair
from ketenzicht.persons.linkage.features import record_features
from ketenzicht.persons.linkage.generator import generate
from ketenzicht.persons.linkage.tests.csv_files import write_csv

PEOPLE = 150  # about 330 records


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    logging.getLogger("splink").setLevel(logging.ERROR)
    logging.getLogger("py4j").setLevel(logging.ERROR)
    checkpoints = tmp_path_factory.mktemp("spark-checkpoints")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("ketenzicht-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "1g")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        # A loaded two-core machine can pause the JVM for a while: no heartbeat timeouts.
        .config("spark.network.timeout", "600s")
        .config("spark.executor.heartbeatInterval", "60s")
        .config("spark.checkpoint.dir", str(checkpoints))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return [
        {k: v for k, v in vars(r).items() if k != "person_id"} for r in generate(PEOPLE, seed=18)
    ]


def partition(clusters: Mapping[str, int]) -> set[frozenset[str]]:
    """The people as sets of record ids, whatever their cluster numbers."""
    people: dict[int, set[str]] = {}
    for record_id, cluster_id in clusters.items():
        people.setdefault(cluster_id, set()).add(record_id)
    return {frozenset(p) for p in people.values()}


def by_pair(pairs: list[Pair[str]]) -> dict[frozenset[str], Pair[str]]:
    return {frozenset((p.left, p.right)): p for p in pairs}


def assert_same_pairs(duckdb: list[Pair[str]], spark_pairs: list[Pair[str]]) -> None:
    ours, theirs = by_pair(duckdb), by_pair(spark_pairs)
    assert ours.keys() == theirs.keys()
    for key, pair in ours.items():
        other = theirs[key]
        assert other.weight == pytest.approx(pair.weight, abs=1e-6), key
        assert other.probability == pytest.approx(pair.probability, abs=1e-9), key
        # The same comparison levels (labels), with the same weights.
        assert [s[:2] for s in other.steps] == [s[:2] for s in pair.steps], key
        for mine, its in zip(pair.steps, other.steps, strict=True):
            assert its[2] == pytest.approx(mine[2], abs=1e-6), key


@pytest.mark.parametrize(
    "min_population",
    [
        0,  # ketenzicht link: Splink counts the name frequencies itself
        10_000,  # relink and intake: the frequencies come with the records
    ],
)
def test_spark_links_the_input_as_duckdb_does(
    session: SparkSession, records: list[dict[str, Any]], min_population: int
) -> None:
    rows = [record_features(r) for r in records]
    shipped = model.default_model()
    on_duckdb = link(rows, shipped, min_population=min_population, backend="duckdb", threads=1)
    on_spark = link(rows, shipped, min_population=min_population, backend="spark")
    assert len(on_duckdb.clusters) == len(records)
    # Not trivially equal: people were linked, and some pairs wait for review.
    assert on_duckdb.automatic
    assert on_duckdb.review
    assert partition(on_spark.clusters) == partition(on_duckdb.clusters)
    assert_same_pairs(on_duckdb.pairs, on_spark.pairs)
    assert by_pair(on_spark.review).keys() == by_pair(on_duckdb.review).keys()


def test_the_command_line_gives_the_same_clusters_on_spark(
    session: SparkSession, tmp_path: Path
) -> None:
    source = tmp_path / "in.csv"
    write_csv(generate(PEOPLE, seed=19), source, with_truth=False)
    outputs = {}
    for backend in ("duckdb", "spark"):
        out = tmp_path / f"{backend}.csv"
        call_command("link", str(source), out=str(out), model="default", backend=backend)
        with out.open(newline="") as handle:
            outputs[backend] = {
                r["record_id"]: int(r["cluster_id"]) for r in csv.DictReader(handle)
            }
    assert len(outputs["spark"]) > 300
    assert partition(outputs["spark"]) == partition(outputs["duckdb"])


def test_the_model_is_translated_to_spark_sql() -> None:
    translated = spark.model_for_spark(model.for_splink(model.default_model()))
    conditions = [
        level["sql_condition"]
        for comparison in translated["comparisons"]
        for level in comparison["comparison_levels"]
    ]
    text = " ".join(conditions).lower()
    # No double-quoted identifiers (Spark reads them as strings), no DuckDB-only functions.
    assert '"' not in text
    assert "list_intersect" not in text
    # Jaro-Winkler as Spark SQL (DuckDB's values), not the jar's jaro_winkler (other values).
    assert "jaro_winkler" not in text
    assert "aggregate(sequence(0, length(`name_key_l`) - 1)" in text
    assert "size(array_intersect(`name_keys_l`, `name_keys_r`)) >= 2" in text
    rules = translated["blocking_rules_to_generate_predictions"]
    assert rules[0] == {"blocking_rule": "l.`block_0` = r.`block_0`", "sql_dialect": "spark"}


def test_string_similarities_are_duckdbs_to_the_last_bit(
    session: SparkSession, records: list[dict[str, Any]]
) -> None:
    """Jaro-Winkler and Jaro as translated for Spark, and the jar's Damerau-Levenshtein,
    on the transliteration keys of the records and on random words of few letters (many
    repeats and transpositions), against DuckDB's own functions."""
    rng = random.Random(18)  # nosec B311
    keys = sorted({k for r in records if (k := record_features(r)["name_key"])})
    pairs = [(rng.choice(keys), rng.choice(keys)) for _ in range(1500)]
    words = ["".join(rng.choices("ab d", k=rng.randint(0, 12))) for _ in range(3000)]
    pairs += list(zip(words[::2], words[1::2], strict=True))
    pairs += [("dm hmd", "d hmd"), ("ahmd ysmn", "ahmd rk"), ("0", "00"), ("", "a"), ("ca", "abc")]
    table = pa.table({"a": [a for a, _ in pairs], "b": [b for _, b in pairs]})
    functions = (
        "jaro_winkler_similarity(a, b)",
        "jaro_similarity(a, b)",
        "damerau_levenshtein(a, b)",
    )
    con = duckdb.connect()
    con.register("pairs", table)
    # The functions are the constants above.
    expected = con.sql(f"SELECT {', '.join(functions)} FROM pairs").fetchall()  # noqa: S608
    translated = [spark.translate(f) for f in functions]
    session.createDataFrame(table).createOrReplaceTempView("pairs")
    spark.session()  # the similarity jar's functions, as the product registers them
    from splink import SparkAPI

    SparkAPI(spark_session=session)
    got = session.sql(f"SELECT {', '.join(translated)} FROM pairs").collect()  # noqa: S608
    assert [tuple(float(v) for v in row) for row in got] == [
        tuple(float(v) for v in row) for row in expected
    ]
