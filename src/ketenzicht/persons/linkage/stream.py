"""Linking a whole register without holding it in Python.

``link.link`` takes a list of row dicts and returns Python pairs and clusters: at a million
records that is many gigabytes. Here the rows arrive in chunks and go straight into a
DuckDB database (Arrow record batches) on disk, under a memory limit; term frequencies are
counted there, Splink scores there and its predictions stay there. Clustering works on
integer record numbers (``clusters.cluster_arrays``, ``clusters.stable_ids_arrays``), and
only what the caller writes leaves the database, again in batches: the records whose
cluster changed and the uncertain band with its waterfall steps.

The clusters are those of ``link.link`` on the same rows, decisions and earlier
identifiers.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from . import model as linkage_model
from .batch import TF_COLUMNS, level_labels, pairs_from
from .clusters import Pair, cluster_arrays, stable_ids_arrays
from .conflicts import v_numbers_conflict
from .features import record_features

# What DuckDB may hold in memory before it spills to its temporary files: with the rest of
# the process (Django, Splink, Arrow batches on the way) the whole stays under 4 GB.
MEMORY_LIMIT = "2GB"
BATCH = 50_000


@dataclass
class Timings:
    seconds: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.seconds[phase] = self.seconds.get(phase, 0.0) + now - self.started
        self.started = now


def _schema() -> pa.Schema:
    """The Arrow schema of a feature row, taken from a row with every field filled in, so
    that a chunk in which a column happens to be empty throughout keeps the column's type
    (and a feature added to ``record_features`` is carried without change here)."""
    full = record_features(
        {
            "record_id": "x",
            "source_org": "o",
            "given_name": "Ab Cd",
            "family_name": "Ef",
            "date_of_birth": "1990-02-03",
            "sex": "M",
            "nationality": "NLD",
            "v_number": "1234567890",
            "phone": "+31612345678",
        },
        dob_precision="exact",
    )
    inferred = pa.Table.from_pylist([full]).schema
    return pa.schema(
        [f if not pa.types.is_null(f.type) else pa.field(f.name, pa.string()) for f in inferred]
    )


class BatchLinker:
    """Feed rows with ``add``, then ``link`` once; read the outcome with ``changed`` and
    ``uncertain``; ``close`` removes the database. Records are numbered 0..n-1 in the order
    they were added."""

    def __init__(
        self,
        model: Mapping[str, Any],
        *,
        min_population: int = 0,
        thresholds: linkage_model.Thresholds = linkage_model.DEFAULT_THRESHOLDS,
        memory_limit: str = MEMORY_LIMIT,
        threads: int | None = None,
    ) -> None:
        import duckdb  # noqa: PLC0415  (heavy: batch relink only)

        logging.getLogger("splink").setLevel(logging.ERROR)
        self.model = dict(model)
        self.min_population = min_population
        self.thresholds = thresholds
        self.timings = Timings()
        self._dir = Path(tempfile.mkdtemp(prefix="ketenzicht-relink-"))
        # A database file rather than memory: tables beyond the memory limit go to disk.
        self.con = duckdb.connect(str(self._dir / "linkage.duckdb"))
        self.con.execute(f"SET memory_limit = '{memory_limit}'")
        self.con.execute(f"SET temp_directory = '{self._dir / 'spill'}'")
        self.con.execute("SET preserve_insertion_order = false")
        if threads:
            self.con.execute(f"SET threads TO {int(threads)}")
        self.schema = _schema()
        self._create_records()
        self.count = 0
        self._previous: list[Any] = []
        self.pairs = 0
        self.automatic = 0
        self.clusters = 0
        self.cluster_of: Any = None  # numpy: cluster id per record number
        self.previous: Any = None
        self.next_id = 1
        self.band_count = 0
        self._present: set[str] = set()

    def _create_records(self) -> None:
        empty_rows = pa.Table.from_batches([], schema=self.schema)  # noqa: F841 (DuckDB reads it)
        self.con.execute("CREATE TABLE records AS SELECT 0::BIGINT AS rid, * FROM empty_rows")

    # --- input ---------------------------------------------------------------------------

    def add(self, rows: Sequence[Mapping[str, Any]], previous: Sequence[int | None]) -> None:
        """A chunk of feature rows (``features.record_features``) and each one's earlier
        cluster identifier (None for none)."""
        if not rows:
            return
        batch = pa.RecordBatch.from_pylist(list(rows), schema=self.schema)
        rid = pa.array(np.arange(self.count, self.count + len(rows), dtype=np.int64))
        chunk = pa.Table.from_batches([batch]).add_column(0, "rid", rid)  # noqa: F841
        self.con.execute("INSERT INTO records SELECT * FROM chunk")
        self._previous.append(np.array([-1 if p is None else p for p in previous], np.int64))
        self.count += len(rows)

    # --- linking -------------------------------------------------------------------------

    def link(
        self,
        *,
        confirmed: Iterable[tuple[int, int]] = (),
        rejected: Iterable[tuple[int, int]] = (),
        next_id: int,
    ) -> None:
        """Score, cluster and number. ``confirmed`` and ``rejected`` are pairs of record
        numbers; new clusters are numbered from ``next_id``."""
        from splink import DuckDBAPI, Linker  # noqa: PLC0415  (heavy: batch relink only)

        previous = np.concatenate(self._previous) if self._previous else np.empty(0, np.int64)
        self._previous = []
        self.timings.lap("read")
        self._with_term_frequencies()
        # The prior for a register of this size (``model.at_size``).
        self.model = linkage_model.at_size(self.model, self.count)
        settings = linkage_model.for_splink(self.model)
        # The record number travels with each pair, so pairs need no join on the text ids.
        settings["additional_columns_to_retain"] = [
            *settings.get("additional_columns_to_retain", []),
            "rid",
        ]
        db_api = DuckDBAPI(connection=self.con)
        linker = Linker(db_api.register("linkage_input"), settings, log_level="ERROR")
        predictions = linker.inference.predict(threshold_match_probability=self.thresholds.review)
        self.con.execute(f"ALTER TABLE {predictions.physical_name} RENAME TO predictions")
        self.con.execute("DROP TABLE linkage_input")
        self._present = _columns_of(self.con, "predictions")
        self.timings.lap("predict")

        link = float(self.thresholds.link)
        edges = self.con.execute(
            f"SELECT rid_l, rid_r, match_weight FROM predictions WHERE match_probability >= {link}"  # noqa: S608  # nosec B608 (a float)
        ).fetchnumpy()
        self.pairs = int(self.con.execute("SELECT count(*) FROM predictions").fetchall()[0][0])
        self.automatic = len(edges["rid_l"])
        # As ``link.link``: two V-numbers in one cluster are two people
        # (``conflicts.cluster_apart``), unless a reviewer confirmed the pair.
        labels = cluster_arrays(
            self.count,
            edges["rid_l"],
            edges["rid_r"],
            edges["match_weight"],
            confirmed=_arrays(confirmed),
            rejected=_arrays(rejected),
            names=self._names,
            numbered=self._numbered,
            conflict=v_numbers_conflict,
        )
        order = self._order(labels)
        _ids, self.cluster_of = stable_ids_arrays(labels, previous, order, next_id=next_id)
        self.clusters = int(labels.max()) + 1 if len(labels) else 0
        self.previous = previous
        self.next_id = next_id
        self._assigned()
        self.timings.lap("cluster")

    def _assigned(self) -> None:
        assigned = pa.table(  # noqa: F841 (DuckDB reads it)
            {"rid": np.arange(self.count, dtype=np.int64), "cluster": self.cluster_of}
        )
        self.con.execute("CREATE OR REPLACE TABLE assigned AS SELECT * FROM assigned")

    def renumber_new_above(self, highest: int) -> None:
        """New clusters get identifiers above ``highest`` (clusters were made elsewhere
        while this run linked)."""
        if highest < self.next_id:
            return
        new = self.cluster_of >= self.next_id
        self.cluster_of[new] += highest + 1 - self.next_id
        self.next_id = highest + 1
        self._assigned()

    def _with_term_frequencies(self) -> None:
        """Splink's ``tf_`` columns as ``link.with_term_frequencies`` counts them (a value's
        count over at least ``min_population`` records), and the capped blocking keys
        (``model.block_columns_sql``)."""
        population = max(self.count, self.min_population) or 1
        columns = ", ".join(
            [
                f"CASE WHEN {c} IS NULL THEN NULL ELSE "
                f"CAST(count(*) OVER (PARTITION BY {c}) AS DOUBLE) / {int(population)} "
                f"END AS tf_{c}"
                for c in TF_COLUMNS
            ]
            + linkage_model.block_columns_sql()
        )
        self.con.execute(
            f"CREATE TABLE linkage_input AS SELECT *, {columns} FROM records"  # noqa: S608  # nosec B608
        )

    def _numbered(self, labels: Any) -> tuple[Any, list[str]]:
        """The records with a V-number in the clusters that hold two V-numbers or more,
        and their numbers."""
        labelled = pa.table(  # noqa: F841 (DuckDB reads it)
            {"rid": np.arange(self.count, dtype=np.int64), "label": labels}
        )
        found = self.con.sql(
            "WITH numbered AS (SELECT l.label, r.rid, r.v_number FROM labelled l "
            "JOIN records r USING (rid) WHERE r.v_number IS NOT NULL) "
            "SELECT rid, v_number FROM numbered WHERE label IN "
            "(SELECT label FROM numbered GROUP BY label HAVING count(DISTINCT v_number) > 1) "
            "ORDER BY rid"
        ).fetchnumpy()
        return found["rid"], [str(v) for v in found["v_number"].tolist()]

    def _names(self, numbers: Any) -> list[str]:
        """The record ids of these record numbers, in their order."""
        wanted = pa.table({"rid": np.asarray(numbers, dtype=np.int64)})  # noqa: F841
        found = self.con.sql(
            "SELECT w.rid, r.unique_id FROM wanted w JOIN records r USING (rid)"
        ).fetchnumpy()
        by_number = dict(zip(found["rid"].tolist(), found["unique_id"].tolist(), strict=True))
        return [str(by_number[n]) for n in np.asarray(numbers).tolist()]

    def _order(self, labels: Any) -> Any:
        """Labels from the cluster that picks its identifier first: the largest, then the
        one with the smallest record id (as ``clusters.stable_ids`` orders them)."""
        labelled = pa.table(  # noqa: F841 (DuckDB reads it)
            {"rid": np.arange(self.count, dtype=np.int64), "label": labels}
        )
        ordered = self.con.execute(
            "SELECT l.label FROM labelled l JOIN records r USING (rid) GROUP BY l.label "
            "ORDER BY count(*) DESC, min(r.unique_id)"
        ).fetchnumpy()
        return ordered["label"]

    # --- output --------------------------------------------------------------------------

    def changed(self, batch: int = BATCH) -> Iterator[tuple[list[str], list[int]]]:
        """Record ids and their new cluster identifiers, for the records whose identifier
        is not the one they had, in batches."""
        moved = np.flatnonzero(self.cluster_of != self.previous)
        for start in range(0, len(moved), batch):
            rids = moved[start : start + batch]
            wanted = pa.table({"rid": rids, "cluster": self.cluster_of[rids]})  # noqa: F841
            rows = self.con.sql(
                "SELECT r.unique_id, w.cluster FROM wanted w JOIN records r USING (rid)"
            ).to_arrow_table()
            yield rows.column(0).to_pylist(), rows.column(1).to_pylist()

    def changed_count(self) -> int:
        return int(np.count_nonzero(self.cluster_of != self.previous))

    def new_clusters_of_moved(self) -> Any:
        """The clusters records moved into."""
        return np.unique(self.cluster_of[self.cluster_of != self.previous])

    def moved_ids(self) -> list[str]:
        return [i for ids, _clusters in self.changed() for i in ids]

    def sizes(self) -> tuple[Any, Any]:
        """Every cluster identifier in use and its number of records."""
        ids, counts = np.unique(self.cluster_of, return_counts=True)
        return ids, counts

    def band(self, decided: Iterable[tuple[int, int]] = ()) -> int:
        """Make the uncertain band (table ``band``): pairs below the automatic threshold
        whose records ended in different clusters and that no reviewer decided (pairs of
        record numbers). Returns its size."""
        pairs = _arrays(decided)
        empty = np.empty(0, np.int64)
        decided_t = pa.table(  # noqa: F841 (DuckDB reads it)
            {
                "a": np.minimum(pairs[0], pairs[1]) if pairs else empty,
                "b": np.maximum(pairs[0], pairs[1]) if pairs else empty,
            }
        )
        wanted = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
        for comparison in self.model["comparisons"]:
            name = comparison["output_column_name"]
            wanted += [
                c
                for c in (f"gamma_{name}", f"mw_{name}", f"mw_tf_adj_{name}")
                if c in self._present
            ]
        columns = ", ".join(f'p."{c}"' for c in wanted)
        link = float(self.thresholds.link)
        self.con.execute(
            f"CREATE OR REPLACE TABLE band AS SELECT {columns} FROM predictions p "  # noqa: S608  # nosec B608
            "JOIN assigned l ON l.rid = p.rid_l JOIN assigned r ON r.rid = p.rid_r "
            f"WHERE p.match_probability < {link} AND l.cluster <> r.cluster "
            "AND NOT EXISTS (SELECT 1 FROM decided_t d "
            "WHERE d.a = least(p.rid_l, p.rid_r) AND d.b = greatest(p.rid_l, p.rid_r))"
        )
        self.band_count = int(self.con.execute("SELECT count(*) FROM band").fetchall()[0][0])
        return self.band_count

    def band_pairs(self, sql: str, batch: int = BATCH) -> Iterator[tuple[list[Pair[str]], Any]]:
        """The pairs (with waterfall steps) of a query over ``band`` that keeps its
        columns, in batches, each with its Arrow table for any further columns."""
        reader = self.con.sql(sql).to_arrow_reader(batch)
        for chunk in reader:
            table = pa.Table.from_batches([chunk])
            yield pairs_from(table, self.model, steps_below=float(self.thresholds.link)), table

    def uncertain(
        self, decided: Iterable[tuple[int, int]] = (), batch: int = BATCH
    ) -> Iterator[list[Pair[str]]]:
        """The uncertain band as pairs, in batches."""
        self.band(decided)
        for pairs, _table in self.band_pairs("SELECT * FROM band", batch):
            yield pairs

    def close(self) -> None:
        self.con.close()
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> BatchLinker:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _columns_of(con: Any, table: str) -> set[str]:
    return {row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()}


def _arrays(pairs: Iterable[tuple[int, int]]) -> tuple[Any, Any] | None:
    listed = list(pairs)
    if not listed:
        return None
    both = np.asarray(listed, dtype=np.int64).reshape(-1, 2)
    return both[:, 0], both[:, 1]


__all__ = ["BatchLinker", "Timings", "level_labels"]
