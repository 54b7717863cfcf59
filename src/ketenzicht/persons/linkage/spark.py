"""The linkage model on Apache Spark: the session, and the model's SQL in Spark's dialect.

A model is trained and saved with DuckDB, so its comparison levels and blocking rules are
DuckDB SQL (``"name_l" = "name_r"``, ``list_intersect``, ``jaro_winkler_similarity``). Spark
reads a double-quoted name as a string literal and knows those functions by other names, so
the model is translated before Splink sees it: identifiers with sqlglot, ``list_intersect``
to ``array_intersect``, Jaro(-Winkler) to a Spark SQL expression that gives DuckDB's values
to the last bit (``jaro_winkler_sql``); ``damerau_levenshtein`` comes from the similarity jar
that ships with Splink, and gives DuckDB's distances.

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

# DuckDB function (as Splink writes it) -> the same function on Spark.
FUNCTIONS = {"list_intersect": "array_intersect"}


def _fma(a: str, b: str, c: str) -> str:
    """``a * b + c`` rounded once, as DuckDB's compiled Jaro-Winkler computes its last step
    (a fused multiply-add): Dekker's exact product and Knuth's two-sum in Spark's doubles."""
    split = "CAST(134217729 AS DOUBLE)"  # 2^27 + 1, Veltkamp's splitter
    exact_product = (
        "((h.ah * h.bh - w.p) + h.ah * (v.b - h.bh) + (v.a - h.ah) * h.bh)"
        " + (v.a - h.ah) * (v.b - h.bh)"
    )
    total = "x.s + (((v.c - (x.s - (x.s - v.c))) + (w.p - (x.s - v.c))) + x.e)"
    return (
        f"transform(array(named_struct('a', {a}, 'b', {b}, 'c', {c})), v -> "
        f"transform(array(named_struct('p', v.a * v.b, 'sa', {split} * v.a, 'sb', {split} * v.b)), "
        "w -> transform(array(named_struct('ah', w.sa - (w.sa - v.a), 'bh', w.sb - (w.sb - v.b))), "
        f"h -> transform(array(named_struct('e', {exact_product}, 's', v.c + w.p)), "
        f"x -> {total})[0])[0])[0])[0]"
    )


def jaro_winkler_sql(a: str, b: str, *, winkler: bool = True) -> str:
    """Jaro-Winkler (or, with ``winkler=False``, Jaro) similarity of two string expressions
    in Spark SQL, equal to DuckDB's ``jaro_winkler_similarity`` (``jaro_similarity``) to the
    last bit. Splink's similarity jar counts half transpositions where DuckDB rounds them
    down, so pairs near a threshold would land on another level than on DuckDB. Here: the
    greedy matching within the window, transpositions halved and rounded down, and a common
    prefix of up to four letters weighted 0.1 when the Jaro similarity is above 0.7."""
    l1, l2 = f"length({a})", f"length({b})"
    bound = f"greatest(0, greatest({l1}, {l2}) div 2 - 1)"
    candidate = (
        f"try_element_at(filter(sequence(greatest(0, i - {bound}), least({l2} - 1, i + {bound})), "
        f"j -> j >= i - {bound} AND j <= i + {bound} AND j < {l2} "
        f"AND acc.f2[j] = 0 AND substr({b}, j + 1, 1) = substr({a}, i + 1, 1)), 1)"
    )
    step = (
        f"(acc, i) -> transform(array({candidate}), c -> IF(c IS NULL, acc, "
        "named_struct('f1', transform(acc.f1, (x, k) -> IF(k = i, 1, x)), "
        "'f2', transform(acc.f2, (x, k) -> IF(k = c, 1, x)))))[0]"
    )
    matched = [
        f"filter(transform(acc.{flags}, (x, k) -> IF(x = 1, substr({text}, k + 1, 1), NULL)), "
        "x -> x IS NOT NULL)"
        for flags, text in (("f1", a), ("f2", b))
    ]
    m = "size(filter(acc.f1, x -> x = 1))"
    t = f"(size(filter(zip_with({matched[0]}, {matched[1]}, (x, y) -> x <> y), x -> x)) div 2)"
    jaro = f"(({m} / {l1} + {m} / {l2} + ({m} - {t}) / {m}) / 3)"
    n = f"least(4, {l1}, {l2})"
    prefix = (
        f"coalesce(array_min(filter(sequence(1, {n}), "
        f"k -> substr({a}, k, 1) <> substr({b}, k, 1))) - 1, {n})"
    )
    boosted = _fma(f"{prefix} * CAST(0.1 AS DOUBLE)", "1 - jr", "jr")
    if not winkler:
        boosted = "jr"
    finish = (
        f"acc -> IF({m} = 0, CAST(0 AS DOUBLE), transform(array({jaro}), "
        f"jr -> IF(jr > CAST(0.7 AS DOUBLE), {boosted}, jr))[0])"
    )
    return (
        f"(CASE WHEN {a} IS NULL OR {b} IS NULL THEN NULL "
        f"WHEN {l1} = 0 OR {l2} = 0 THEN CAST(0 AS DOUBLE) "
        f"ELSE aggregate(sequence(0, {l1} - 1), "
        f"named_struct('f1', array_repeat(0, {l1}), 'f2', array_repeat(0, {l2})), "
        f"{step}, {finish}) END)"
    )


def _rename_function(node: exp.Expression) -> Any:
    if isinstance(node, exp.JarowinklerSimilarity):
        a, b = (operand.sql(dialect="spark") for operand in (node.this, node.expression))
        return sqlglot.parse_one(jaro_winkler_sql(a, b), read="spark")
    if isinstance(node, exp.Anonymous) and str(node.name).lower() == "jaro_similarity":
        a, b = (operand.sql(dialect="spark") for operand in node.expressions)
        return sqlglot.parse_one(jaro_winkler_sql(a, b, winkler=False), read="spark")
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
    import pyarrow as pa  # noqa: PLC0415  (heavy; this module loads without Spark)

    if isinstance(model, SettingsCreator):
        # Written as for DuckDB and translated like a saved model, so that training on
        # Spark compares exactly as training on DuckDB does.
        model = model.create_settings_dict("duckdb")
    elif not isinstance(model, Mapping):
        model = json.loads(Path(model).read_text("utf-8"))
    model = model_for_spark(model)
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
    # Optional: pyspark is the "spark" extra; importing this module must not need it.
    from pyspark.sql import SparkSession  # noqa: PLC0415
    from splink.backends.spark import similarity_jar_location  # noqa: PLC0415

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
    from splink import SparkAPI  # noqa: PLC0415  (optional: the "spark" extra)

    # Splink registers the jar's functions (jaro_winkler, damerau_levenshtein) itself and
    # breaks long lineages by writing intermediate tables as Parquet to the checkpoint dir.
    return SparkAPI(spark_session=session(), break_lineage_method="parquet")
