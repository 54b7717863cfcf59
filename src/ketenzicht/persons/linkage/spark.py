"""The linkage model on Apache Spark: the session, and the model's SQL in Spark's dialect.

A model is trained and saved with DuckDB, so its comparison levels and blocking rules are
DuckDB SQL (``"name_l" = "name_r"``, ``list_intersect``, ``jaro_winkler_similarity``). Spark
reads a double-quoted name as a string literal and knows those functions by other names, so
the model is translated before Splink sees it: identifiers with sqlglot, functions to the
ones Splink uses on Spark (``array_intersect``, and ``jaro_winkler``, ``jaro_sim`` and
``damerau_levenshtein`` from the similarity jar that ships with Splink).

The session is the one the process already has (``spark-submit``, a notebook, a test), or
one from ``SparkSession.builder`` with the cluster's own configuration. Either way the
similarity jar is added when it is missing, and Splink's intermediate tables need a
checkpoint directory: ``spark.checkpoint.dir`` on a cluster (storage every executor
reaches), a temporary folder when the master is local.
"""

from __future__ import annotations

import atexit
import copy
import json
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlglot
from splink import Linker, SettingsCreator
from sqlglot import exp

TF_PREFIX = "tf_"  # Splink's default term_frequency_adjustment_column_prefix

# DuckDB function (as Splink writes it) -> the function Splink's Spark backend provides.
FUNCTIONS = {
    "list_intersect": "array_intersect",
    "jaro_winkler_similarity": "jaro_winkler",
    "jaro_similarity": "jaro_sim",
}


def _rename_function(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.JarowinklerSimilarity):
        return exp.Anonymous(this="jaro_winkler", expressions=[node.this, node.expression])
    if isinstance(node, exp.Anonymous) and str(node.name).lower() in FUNCTIONS:
        return exp.Anonymous(this=FUNCTIONS[str(node.name).lower()], expressions=node.expressions)
    return node


def translate(sql: str, dialect: str = "duckdb") -> str:
    """One SQL condition of a model, from ``dialect`` to Spark."""
    if sql.strip().upper() == "ELSE":
        return sql
    tree = sqlglot.parse_one(sql, read=dialect).transform(_rename_function)
    return str(tree.sql(dialect="spark"))


def model_for_spark(model: Mapping[str, Any]) -> dict[str, Any]:
    """A Splink settings dict (``model.for_splink`` output) with its SQL in Spark's dialect."""
    dialect = str(model.get("sql_dialect") or "duckdb")
    settings = copy.deepcopy(dict(model))
    if dialect == "spark":
        return settings
    for comparison in settings.get("comparisons", []):
        for level in comparison["comparison_levels"]:
            level["sql_condition"] = translate(level["sql_condition"], dialect)
    rules = []
    for rule in settings.get("blocking_rules_to_generate_predictions", []):
        if isinstance(rule, str):
            rule = {"blocking_rule": rule}
        rule = dict(rule)
        rule["blocking_rule"] = translate(rule["blocking_rule"], rule.get("sql_dialect", dialect))
        rule["sql_dialect"] = "spark"
        rules.append(rule)
    settings["blocking_rules_to_generate_predictions"] = rules
    settings["sql_dialect"] = "spark"
    return settings


def linker(db_api: Any, rows: Any, model: Any) -> Linker:
    """A Splink linker on Spark for ``rows`` (an Arrow table, or anything Splink registers)
    and ``model`` (a ``SettingsCreator``, a saved model, or the path of one).

    Term frequencies that come with the records (``link.with_term_frequencies``) are
    registered as Splink's lookup tables: Splink joins its own counts onto the records
    whatever they hold, which DuckDB resolves to the records' own column and Spark refuses
    as ambiguous; as lookups, both backends weigh a name the same.
    """
    import pyarrow as pa

    if not isinstance(model, SettingsCreator):
        model = model_for_spark(
            model if isinstance(model, Mapping) else json.loads(Path(model).read_text("utf-8"))
        )
    lookups = {}
    if isinstance(rows, pa.Table):
        for column in [c for c in rows.column_names if c.startswith(TF_PREFIX)]:
            value = column[len(TF_PREFIX) :]
            if value in rows.column_names:
                pairs = rows.select([value, column]).to_pylist()
                distinct = {r[value]: r[column] for r in pairs if r[value] is not None}
                lookups[value] = pa.table({value: list(distinct), column: list(distinct.values())})
                rows = rows.drop_columns([column])
    result = Linker(db_api.register(rows), model, log_level="ERROR")
    for value, lookup in lookups.items():
        result.table_management.register_term_frequency_lookup(db_api.register(lookup), value)
    return result


def session() -> Any:
    """The process's Spark session, ready for Splink: similarity jar and checkpoint dir."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    spark = SparkSession.getActiveSession() or (
        SparkSession.builder.appName("ketenzicht link").getOrCreate()
    )
    jar = similarity_jar_location()
    if jar not in str(spark.conf.get("spark.jars", "")).split(","):
        # On the driver's class path for this session and shipped to the executors.
        spark.sql(f"ADD JAR '{jar}'")
    context = spark.sparkContext
    if context.getCheckpointDir() is None:
        configured = context.getConf().get("spark.checkpoint.dir")
        if configured:
            context.setCheckpointDir(configured)
        elif str(context.master).startswith("local"):
            folder = tempfile.mkdtemp(prefix="ketenzicht-spark-")
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            context.setCheckpointDir(folder)
        else:
            raise RuntimeError(
                "Spark needs a checkpoint directory every executor reaches: "
                "--conf spark.checkpoint.dir=hdfs:///... (or s3a://..., or a shared mount)"
            )
    return spark


def db_api() -> Any:
    from splink import SparkAPI

    # Splink registers the jar's functions (jaro_winkler, damerau_levenshtein) itself and
    # breaks long lineages by writing intermediate tables as Parquet to the checkpoint dir.
    return SparkAPI(spark_session=session(), break_lineage_method="parquet")
