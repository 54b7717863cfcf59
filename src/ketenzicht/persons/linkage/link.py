"""Batch linkage of person records with a trained model: score candidate pairs, sort them
into the three bands, and cluster."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import model as linkage_model
from .clusters import Pair, cluster, stable_ids


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
    backend: str = "duckdb",
    threads: int | None = None,
) -> list[Pair[str]]:
    """Scored candidate pairs at or above ``threshold`` match probability."""
    linker = linkage_model.linker_for(
        rows, linkage_model.for_splink(model), backend=backend, threads=threads
    )
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    columns = predictions.as_pyarrow_table().select(
        ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
    )
    return [
        Pair(str(left), str(right), float(probability), float(weight))
        for left, right, probability, weight in zip(
            *(columns.column(i).to_pylist() for i in range(4)), strict=True
        )
    ]


def link(
    rows: Sequence[Mapping[str, Any]],
    model: Mapping[str, Any],
    *,
    thresholds: linkage_model.Thresholds = linkage_model.DEFAULT_THRESHOLDS,
    confirmed: Iterable[tuple[str, str]] = (),
    rejected: Iterable[tuple[str, str]] = (),
    previous: Mapping[str, int] | None = None,
    backend: str = "duckdb",
    threads: int | None = None,
) -> LinkResult:
    pairs = score(rows, model, threshold=thresholds.review, backend=backend, threads=threads)
    decided = {frozenset(p) for p in confirmed} | {frozenset(p) for p in rejected}
    groups = cluster(
        [str(r["unique_id"]) for r in rows],
        pairs,
        link_threshold=thresholds.link,
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
