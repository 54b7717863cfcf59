"""Matching one new record against candidates found by index: the online half of linkage.

The same Splink model as the batch run scores the pairs (``score_pairs``), so a record is
linked on intake exactly as a re-link would link it. Candidates come from the caller: the
product looks them up by the model's blocking keys in its own database, which is what makes
the cost independent of how many records exist. Term frequencies are passed in as Splink's
hard-coded ``tf_`` columns, counted by the caller over all records.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from . import model as linkage_model
from .batch import TF_COLUMNS, pairs_from
from .clusters import Pair
from .features import record_features


def blocking_keys(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The model's blocking rules as lookups for one record: a candidate shares all the
    fields of at least one of them."""
    return [
        {field: row[field] for field in fields}
        for fields in linkage_model.BLOCKING_KEYS
        if all(row.get(field) is not None for field in fields)
    ]


class Scorer:
    """Scores one record against candidates with a model; keeps one DuckDB connection,
    used by one thread at a time."""

    def __init__(self, model: Mapping[str, Any]) -> None:
        logging.getLogger("splink").setLevel(logging.ERROR)
        self.model = dict(model)
        self._lock = threading.Lock()
        # Splink needs an input table to build a linker; scoring never reads it.
        placeholder = record_features({"record_id": "_"})
        settings = linkage_model.for_splink(model)
        # Pairs come already chosen (candidates by the same keys): no blocking, so Splink
        # neither needs nor retains the batch's capped ``block_<i>`` columns.
        settings["blocking_rules_to_generate_predictions"] = []
        self._linker = linkage_model.linker_for([placeholder], settings)

    def score(
        self,
        row: Mapping[str, Any],
        candidates: Sequence[Mapping[str, Any]],
        tf: Mapping[str, Mapping[str, float]],
    ) -> list[Pair[str]]:
        """Every pair of ``row`` with a candidate, with its waterfall; ``tf`` gives per
        term-frequency column the relative frequency of each value."""
        if not candidates:
            return []

        def with_tf(record: Mapping[str, Any]) -> dict[str, Any]:
            values = dict(record)
            for column in TF_COLUMNS:
                value = record.get(column)
                values[f"tf_{column}"] = tf.get(column, {}).get(value) if value else None
            return values

        with self._lock:
            table = self._linker.inference.score_pairs(
                [with_tf(row)], [with_tf(c) for c in candidates]
            ).as_pyarrow_table()
        return pairs_from(table, self.model)
