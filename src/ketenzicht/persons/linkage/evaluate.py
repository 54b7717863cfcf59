"""Pairwise precision, recall and F1 of a clustering against the truth."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    predicted_pairs: int
    true_pairs: int
    correct_pairs: int


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise(predicted: Mapping[Hashable, Hashable], truth: Mapping[Hashable, Hashable]) -> Scores:
    """``predicted`` and ``truth`` map each record to its cluster; a pair counts as
    predicted when both records share a predicted cluster, as true when they share a true
    one."""
    predicted_sizes = Counter(predicted.values())
    true_sizes = Counter(truth[r] for r in predicted)
    both = Counter((predicted[r], truth[r]) for r in predicted)
    predicted_pairs = sum(_pairs(n) for n in predicted_sizes.values())
    true_pairs = sum(_pairs(n) for n in true_sizes.values())
    correct = sum(_pairs(n) for n in both.values())
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, predicted_pairs, true_pairs, correct)


def pair_precision(
    pairs: Iterable[tuple[Hashable, Hashable]], truth: Mapping[Hashable, Hashable]
) -> float:
    """The share of the given pairs that are true matches (e.g. the automatic band)."""
    total = correct = 0
    for a, b in pairs:
        total += 1
        correct += truth[a] == truth[b]
    return correct / total if total else 1.0


def blocking_recall(
    rows: Iterable[Mapping[str, Any]],
    truth: Mapping[Hashable, Hashable],
    keys: Iterable[tuple[str, ...]],
) -> float:
    """The share of true pairs that share every field of at least one blocking key: the
    pairs the model gets to score at all."""
    keys = list(keys)
    by_person: dict[Hashable, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        by_person[truth[row["unique_id"]]].append(row)
    total = found = 0
    for records in by_person.values():
        for a, b in combinations(records, 2):
            total += 1
            found += any(
                all(a.get(f) is not None and a.get(f) == b.get(f) for f in key) for key in keys
            )
    return found / total if total else 1.0
