"""Batch linkage of person records with a trained model: score candidate pairs, sort them
into the three bands, and cluster."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import model as linkage_model
from .clusters import Pair, stable_ids
from .conflicts import cluster_apart


@dataclass
class LinkResult:
    clusters: dict[str, int]  # record id -> cluster id
    pairs: list[Pair[str]]  # every scored pair from the review threshold up
    review: list[Pair[str]] = field(default_factory=list)  # the uncertain band
    automatic: list[Pair[str]] = field(default_factory=list)  # linked without review


def score(
    rows: Sequence[Mapping[str, Any]],
    model: Mapping[str, Any],
    *,
    threshold: float,
    steps_below: float = 1.0,
    backend: str = "duckdb",
    threads: int | None = None,
) -> list[Pair[str]]:
    """Scored candidate pairs at or above ``threshold`` match probability, with waterfall
    steps for those below ``steps_below``."""
    linker = linkage_model.linker_for(
        rows, linkage_model.for_splink(model), backend=backend, threads=threads
    )
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    # Only what the pairs need leaves the database (not the compared values of both sides),
    # in batches: at a million records there are millions of pairs.
    present = _columns(predictions)
    wanted = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        wanted += [c for c in (f"gamma_{name}", f"mw_{name}", f"mw_tf_adj_{name}") if c in present]
    # Every name is one of the table's own columns (checked above), quoted as an identifier
    # (Spark SQL reads a double-quoted name as a string).
    quote = "`" if backend == "spark" else '"'
    columns = ", ".join(f"{quote}{c}{quote}" for c in wanted)
    slim = predictions.query_sql(f"SELECT {columns} FROM {{this}}")  # noqa: S608  # nosec B608
    return pairs_from(slim.as_pyarrow_table(), model, steps_below=steps_below)


def _columns(frame: Any) -> set[str]:
    return {str(column.unquote().name) for column in frame.columns}


def pairs_from(
    table: Any, model: Mapping[str, Any], *, steps_below: float = 1.0
) -> list[Pair[str]]:
    """Splink's scored pairs (an Arrow table) as ``Pair``s; the waterfall steps only for
    pairs below ``steps_below`` (the automatic links need none, and there are many)."""
    labels = level_labels(model)
    names = [n for n in labels if f"gamma_{n}" in table.column_names]
    pairs = []
    for batch in table.to_batches(max_chunksize=100_000):
        pairs += _pairs_of(batch.to_pylist(), names, labels, steps_below)
    return pairs


def _pairs_of(
    rows: list[dict[str, Any]],
    names: list[str],
    labels: Mapping[str, Mapping[int, str]],
    steps_below: float,
) -> list[Pair[str]]:
    pairs = []
    for row in rows:
        if float(row["match_probability"]) >= steps_below:
            pairs.append(
                Pair(
                    str(row["unique_id_l"]),
                    str(row["unique_id_r"]),
                    float(row["match_probability"]),
                    float(row["match_weight"]),
                )
            )
            continue
        steps = tuple(
            (
                name,
                labels[name].get(row[f"gamma_{name}"], str(row[f"gamma_{name}"])),
                float(row.get(f"mw_{name}") or 0.0) + float(row.get(f"mw_tf_adj_{name}") or 0.0),
            )
            for name in names
        )
        pairs.append(
            Pair(
                str(row["unique_id_l"]),
                str(row["unique_id_r"]),
                float(row["match_probability"]),
                float(row["match_weight"]),
                steps,
            )
        )
    return pairs


def level_labels(model: Mapping[str, Any]) -> dict[str, dict[int, str]]:
    """Per comparison, the label of each comparison vector value (Splink numbers the
    non-null levels from the most to the least alike, down to 0; null is -1)."""
    labels: dict[str, dict[int, str]] = {}
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        named = {-1: "missing"}
        for position, level in enumerate(levels):
            named[len(levels) - 1 - position] = str(
                level.get("label_for_charts") or level.get("sql_condition")
            )
        labels[comparison["output_column_name"]] = named
    return labels


def prior_weight(model: Mapping[str, Any]) -> float:
    """The waterfall's first step: the log2 prior odds that two records match."""
    prior = float(model["probability_two_random_records_match"])
    return math.log2(prior / (1 - prior))


# The comparisons that use term frequencies, and the column each one adjusts on.
TF_COLUMNS = ("name_sorted", "name_key")


def with_term_frequencies(
    rows: Sequence[Mapping[str, Any]], *, min_population: int
) -> list[dict[str, Any]]:
    """``rows`` with Splink's hard-coded ``tf_`` columns: each value's count over at least
    ``min_population`` records. A small register says little about how common a name is
    in the population (in six records every name is common), so the product counts as if
    it held at least that many; online matching counts the same way."""
    population = max(len(rows), min_population)
    counts = {c: Counter(r[c] for r in rows if r.get(c)) for c in TF_COLUMNS}
    out = []
    for row in rows:
        values = dict(row)
        for column in TF_COLUMNS:
            value = row.get(column)
            values[f"tf_{column}"] = counts[column][value] / population if value else None
        out.append(values)
    return out


def link(
    rows: Sequence[Mapping[str, Any]],
    model: Mapping[str, Any],
    *,
    min_population: int = 0,
    thresholds: linkage_model.Thresholds = linkage_model.DEFAULT_THRESHOLDS,
    confirmed: Iterable[tuple[str, str]] = (),
    rejected: Iterable[tuple[str, str]] = (),
    previous: Mapping[str, int] | None = None,
    backend: str = "duckdb",
    threads: int | None = None,
) -> LinkResult:
    model = linkage_model.at_size(model, max(len(rows), min_population))
    scored = with_term_frequencies(rows, min_population=min_population) if min_population else rows
    pairs = score(
        scored,
        model,
        threshold=thresholds.review,
        steps_below=thresholds.link,
        backend=backend,
        threads=threads,
    )
    decided = {frozenset(p) for p in confirmed} | {frozenset(p) for p in rejected}
    # Two V-numbers in one cluster are two people (``conflicts``).
    groups = cluster_apart(
        [str(r["unique_id"]) for r in rows],
        pairs,
        link_threshold=thresholds.link,
        v_numbers={str(r["unique_id"]): r.get("v_number") for r in rows},
        confirmed=confirmed,
        rejected=rejected,
    )
    previous = previous or {}
    ids = stable_ids(groups, previous, next_id=max(previous.values(), default=0) + 1)
    return LinkResult(
        clusters=ids,
        pairs=pairs,
        review=[
            p
            for p in pairs
            if p.probability < thresholds.link
            and frozenset((p.left, p.right)) not in decided
            and ids[p.left] != ids[p.right]
        ],
        automatic=[p for p in pairs if p.probability >= thresholds.link],
    )
