"""Reading and writing a whole register for the batch re-link, in chunks and in bulk.

``relink_services.persons_relink`` links every record; these are its database halves:
feature rows read in keyset chunks (stale stored features brought up to date on the way),
clusters and sizes written with one statement per table from a temporary table (COPY on
PostgreSQL), the review queue replaced by joins in the linkage database, and hit notices
raised for whole clusters at once. None of it holds the register in Python or asks the
database once per record.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.db.models import Count, Exists, Max, Min, OuterRef
from django.utils import timezone

import numpy as np
import pyarrow as pa

from ketenzicht.common.encrypted_fields import open_value
from ketenzicht.signals.models import Subject

from .intake_linking import INDEXED, features_of, record_row
from .linkage.batch import prior_weight
from .linkage.clusters import Pair
from .linkage.stream import BatchLinker
from .models import (
    HitNotice,
    IndexEntry,
    MatchKey,
    MatchReview,
    PersonCluster,
    PersonIdentifier,
    PersonRecord,
    ReviewStatus,
)

CHUNK = 10_000
WRITE_BATCH = 2000
# What ``record_row`` reads of a record; the sealed aliases and the blind indexes stay
# unread (and unopened).
RECORD_FIELDS = (
    "organisation_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "dob_precision",
    "sex",
    "nationality",
    "v_number",
    "cluster_id",
)


@dataclass
class Read:
    """What reading the register found besides the rows it fed the linker."""

    records: int = 0  # linked (not withheld)
    # Record number of every record in a reviewer's decision.
    numbers: dict[str, int] = field(default_factory=dict)
    detach: list[uuid.UUID] = field(default_factory=list)  # withheld, still in a cluster


def record_chunks(
    size: int = CHUNK, *, withheld: Collection[uuid.UUID] = (), refresh: bool = False
) -> Iterator[list[tuple[uuid.UUID, int | None, dict[str, Any] | None]]]:
    """Every record as (id, cluster, feature row), in chunks in identifier order.

    The row is the one stored with the record (``RecordFeatures``: intake keeps it up to
    date, and a migration that changes normalisation recomputes it); a record without one
    gets it computed and stored now, and ``refresh`` computes every row again and stores
    those that differ. Withheld records get no row (and keep none)."""
    last: uuid.UUID | None = None
    while True:
        query = PersonRecord.objects.order_by("pk")
        if last is not None:
            query = query.filter(pk__gt=last)
        # A feature row shares its record's key, the key it is sealed for.
        batch = [
            (pk, cluster_id, open_value(row, pk))
            for pk, cluster_id, row in query.values_list("pk", "cluster_id", "features__row")[:size]
        ]
        if not batch:
            return
        last = batch[-1][0]
        wanted = [pk for pk, _c, row in batch if pk not in withheld and (refresh or row is None)]
        computed = _computed(wanted, {pk: row for pk, _c, row in batch if row is not None})
        yield [
            (pk, cluster_id, None if pk in withheld else computed.get(pk, row))
            for pk, cluster_id, row in batch
        ]


def _computed(
    record_ids: list[uuid.UUID], stored: dict[uuid.UUID, dict[str, Any]]
) -> dict[uuid.UUID, dict[str, Any]]:
    """The feature rows of these records from what they hold now; rows that differ from
    the stored ones (or are missing) are written."""
    if not record_ids:
        return {}
    phones: dict[uuid.UUID, list[str]] = defaultdict(list)
    for start in range(0, len(record_ids), WRITE_BATCH):
        part = record_ids[start : start + WRITE_BATCH]
        for record_id, seal_key, value in PersonIdentifier.objects.filter(
            kind="phone", record_id__in=part
        ).values_list("record_id", "seal_key", "value"):
            phones[record_id].append(open_value(value, seal_key))
    rows = {}
    for start in range(0, len(record_ids), WRITE_BATCH):
        part = record_ids[start : start + WRITE_BATCH]
        for record in PersonRecord.objects.filter(pk__in=part).only(*RECORD_FIELDS):
            rows[record.pk] = record_row(record, phones.get(record.pk, []))
    stale = [features_of(row, pk) for pk, row in rows.items() if stored.get(pk) != row]
    insert(stale, update=("record", ["row", *INDEXED]))
    return rows


def feed(
    linker: BatchLinker,
    *,
    withheld: set[uuid.UUID],
    decided: set[str],
    read: Read,
    refresh: bool = False,
) -> None:
    """Every record that may be linked into the linker, chunk by chunk."""
    for chunk in record_chunks(withheld=withheld, refresh=refresh):
        rows: list[dict[str, Any]] = []
        previous: list[int | None] = []
        for pk, cluster_id, row in chunk:
            if row is None:  # withheld
                if cluster_id is not None:
                    read.detach.append(pk)
                continue
            if row["unique_id"] in decided:
                read.numbers[row["unique_id"]] = linker.count + len(rows)
            rows.append(row)
            previous.append(cluster_id)
        linker.add(rows, previous)
        read.records += len(rows)


# --- writing clusters --------------------------------------------------------------------


def _vendor() -> str:
    return str(connection.vendor)


def _fill(cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Rows into a temporary table: COPY on PostgreSQL, batched inserts elsewhere."""
    if _vendor() == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("%s" for _ in columns)
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= WRITE_BATCH:
            cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", batch)  # noqa: S608  # nosec B608
            batch = []
    if batch:
        cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", batch)  # noqa: S608  # nosec B608


def insert(
    objects: Sequence[models.Model],
    *,
    ignore_conflicts: bool = False,
    update: tuple[str, list[str]] | None = None,
) -> None:
    """``bulk_create`` for many rows: on PostgreSQL with COPY (through a temporary table
    when conflicts are ignored, or update the fields ``update[1]`` of the row with the same
    ``update[0]``)."""
    if not objects:
        return
    model = type(objects[0])
    if _vendor() != "postgresql":
        model._default_manager.bulk_create(
            objects,
            batch_size=WRITE_BATCH,
            ignore_conflicts=ignore_conflicts,
            update_conflicts=update is not None,
            unique_fields=[update[0]] if update else None,
            update_fields=update[1] if update else None,
        )
        return
    # Database-generated keys are left to the database.
    fields = [f for f in model._meta.concrete_fields if not getattr(f, "db_returning", False)]
    columns = [str(f.column) for f in fields]
    rows = (
        [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objects
    )
    table = model._meta.db_table
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if not ignore_conflicts and update is None:
            _fill(cursor, table, columns, rows)
            return
        cursor.execute("DROP TABLE IF EXISTS relink_insert")
        cursor.execute(
            f"CREATE TEMPORARY TABLE relink_insert AS SELECT {names} FROM {table} WITH NO DATA"  # noqa: S608  # nosec B608
        )
        _fill(cursor, "relink_insert", columns, rows)
        action = "ON CONFLICT DO NOTHING"
        if update is not None:
            sets = ", ".join(
                f"{_column(model, u)} = EXCLUDED.{_column(model, u)}" for u in update[1]
            )
            # Column names of the model's own fields (``_column``), never input.
            key = _column(model, update[0])
            action = f"ON CONFLICT ({key}) DO UPDATE SET {sets}"  # nosec B608
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM relink_insert {action}"  # noqa: S608  # nosec B608
        )
        cursor.execute("DROP TABLE relink_insert")


def update(objects: Sequence[models.Model], fields: list[str]) -> None:
    """``bulk_update`` for many rows: on PostgreSQL one UPDATE from a temporary table
    filled with COPY (``bulk_update`` writes a CASE per field and row)."""
    if not objects:
        return
    model = type(objects[0])
    if _vendor() != "postgresql":
        model._default_manager.bulk_update(objects, fields, batch_size=500)
        return
    pk = model._meta.pk
    changed = [model._meta.get_field(name) for name in fields]
    columns = [str(pk.column), *(_column(model, name) for name in fields)]
    rows = (
        [
            pk.get_db_prep_save(obj.pk, connection),
            *(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in changed),  # type: ignore[union-attr]
        ]
        for obj in objects
    )
    table = model._meta.db_table
    names = ", ".join(columns)
    sets = ", ".join(f"{c} = u.{c}" for c in columns[1:])
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS relink_update")
        cursor.execute(
            f"CREATE TEMPORARY TABLE relink_update AS SELECT {names} FROM {table} WITH NO DATA"  # noqa: S608  # nosec B608 (the model's own columns)
        )
        _fill(cursor, "relink_update", columns, rows)
        cursor.execute(
            f"UPDATE {table} SET {sets} FROM relink_update u "  # noqa: S608  # nosec B608 (the model's own columns)
            f"WHERE {table}.{columns[0]} = u.{columns[0]}"
        )
        cursor.execute("DROP TABLE relink_update")


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{name} is not a column of {model.__name__}")
    return str(field.column)


def _record_key(record_id: str) -> Any:
    """A record id as the database stores it (uuid on PostgreSQL, 32 hex digits in SQLite)."""
    if _vendor() == "postgresql":
        return record_id
    return uuid.UUID(record_id).hex


def lock_clusters() -> int:
    """Keep online linking from making clusters until this transaction ends; the highest
    cluster identifier now."""
    if _vendor() == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {PersonCluster._meta.db_table} IN EXCLUSIVE MODE")
    return highest_cluster()


def highest_cluster() -> int:
    in_records = PersonRecord.objects.aggregate(m=Max("cluster_id"))["m"] or 0
    in_clusters = PersonCluster.objects.aggregate(m=Max("pk"))["m"] or 0
    return max(int(in_records), int(in_clusters))


def write_clusters(linker: BatchLinker, detach: Sequence[uuid.UUID]) -> int:
    """Put every record whose cluster changed into it, in one UPDATE from a temporary table;
    create, resize and drop clusters likewise. Returns the number of records moved."""
    records = PersonRecord._meta.db_table
    clusters = PersonCluster._meta.db_table
    record_id = PersonRecord._meta.pk.column
    cluster_id = PersonRecord._meta.get_field("cluster").column
    uuid_type = "uuid" if _vendor() == "postgresql" else "char(32)"
    now = timezone.now()
    moved = 0
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS relink_moves")
        cursor.execute("DROP TABLE IF EXISTS relink_sizes")
        cursor.execute(
            f"CREATE TEMPORARY TABLE relink_moves (record_id {uuid_type}, cluster_id bigint)"
        )
        cursor.execute("CREATE TEMPORARY TABLE relink_sizes (id bigint, size bigint)")

        def moves() -> Iterator[tuple[Any, int]]:
            nonlocal moved
            for ids, cluster_ids in linker.changed():
                moved += len(ids)
                yield from zip(map(_record_key, ids), cluster_ids, strict=True)

        _fill(cursor, "relink_moves", ("record_id", "cluster_id"), moves())
        ids, sizes = linker.sizes()
        _fill(
            cursor, "relink_sizes", ("id", "size"), zip(ids.tolist(), sizes.tolist(), strict=True)
        )
        if _vendor() == "postgresql":
            cursor.execute("ANALYZE relink_moves")
            cursor.execute("ANALYZE relink_sizes")
        # One upsert, not INSERT ... WHERE NOT EXISTS: that anti-join scans the table being
        # filled once per row (half an hour for 700,000 new clusters on PostgreSQL).
        cursor.execute(
            f"INSERT INTO {clusters} (id, size, linked_at) "  # noqa: S608  # nosec B608
            "SELECT s.id, s.size, %s FROM relink_sizes s WHERE true "
            f"ON CONFLICT (id) DO UPDATE SET size = excluded.size, linked_at = excluded.linked_at "
            f"WHERE {clusters}.size <> excluded.size",
            [now],
        )
        cursor.execute(
            f"UPDATE {records} SET {cluster_id} = m.cluster_id FROM relink_moves m "  # noqa: S608  # nosec B608
            f"WHERE {records}.{record_id} = m.record_id"
        )
        for start in range(0, len(detach), WRITE_BATCH):
            PersonRecord.objects.filter(pk__in=detach[start : start + WRITE_BATCH]).update(
                cluster=None
            )
        # A cluster no record is in any more goes (also one a withheld record left).
        cursor.execute(
            f"DELETE FROM {clusters} WHERE NOT EXISTS "  # noqa: S608  # nosec B608
            f"(SELECT 1 FROM {records} r WHERE r.{cluster_id} = {clusters}.id)"
        )
        cursor.execute("DROP TABLE relink_moves")
        cursor.execute("DROP TABLE relink_sizes")
    return moved


# --- the review queue --------------------------------------------------------------------


def requeue_reviews(linker: BatchLinker, model: dict[str, Any]) -> int:
    """The review queue becomes this run's uncertain band (``linker.band`` made it);
    decided pairs stay decided. Compared in the linkage database with the reviews there
    are, so only what differs is written."""
    con = linker.con
    con.execute(
        "CREATE OR REPLACE TABLE reviews (pk BIGINT, l VARCHAR, r VARCHAR, status VARCHAR, "
        "probability DOUBLE, weight DOUBLE, model_version VARCHAR)"
    )
    query = MatchReview.objects.order_by().values_list(
        "pk", "left_id", "right_id", "status", "probability", "weight", "model_version"
    )
    batch: list[tuple[Any, ...]] = []

    def flush() -> None:
        columns = list(zip(*batch, strict=True))
        existing = pa.table(  # noqa: F841 (DuckDB reads it)
            {
                "pk": pa.array(columns[0], pa.int64()),
                "l": pa.array([str(v) for v in columns[1]]),
                "r": pa.array([str(v) for v in columns[2]]),
                "status": pa.array(columns[3], pa.string()),
                "probability": pa.array(columns[4], pa.float64()),
                "weight": pa.array(columns[5], pa.float64()),
                "model_version": pa.array(columns[6], pa.string()),
            }
        )
        con.execute("INSERT INTO reviews SELECT * FROM existing")
        batch.clear()

    for row in query.iterator(chunk_size=CHUNK):
        batch.append(row)
        if len(batch) >= CHUNK:
            flush()
    if batch:
        flush()

    version = str(model.get("ketenzicht_model_version", ""))
    prior = prior_weight(model)
    same = (
        "least(b.unique_id_l, b.unique_id_r) = v.l AND greatest(b.unique_id_l, b.unique_id_r) = v.r"
    )
    stale = (
        con.sql(
            "SELECT v.pk FROM reviews v WHERE v.status = 'pending' AND NOT EXISTS "  # noqa: S608  # nosec B608
            f"(SELECT 1 FROM band b WHERE {same})"
        )
        .fetchnumpy()["pk"]
        .tolist()
    )
    for start in range(0, len(stale), WRITE_BATCH):
        MatchReview.objects.filter(pk__in=stale[start : start + WRITE_BATCH]).update(
            status=ReviewStatus.SUPERSEDED
        )

    def review(pair: Pair[str]) -> dict[str, Any]:
        return {
            "probability": pair.probability,
            "weight": pair.weight,
            "steps": [list(step) for step in pair.steps],
            "prior": prior,
            "model_version": version,
            "status": ReviewStatus.PENDING,
        }

    for pairs, _table in linker.band_pairs(
        "SELECT b.* FROM band b WHERE NOT EXISTS (SELECT 1 FROM reviews v WHERE "  # noqa: S608  # nosec B608
        f"{same})"
    ):
        fresh = []
        for pair in pairs:
            left, right = sorted((uuid.UUID(pair.left), uuid.UUID(pair.right)))
            fresh.append(MatchReview(left_id=left, right_id=right, **review(pair)))
        insert(fresh)
    fields = ["probability", "weight", "steps", "prior", "model_version", "status"]
    for pairs, table in linker.band_pairs(
        "SELECT b.*, v.pk AS review_pk FROM band b JOIN reviews v ON "  # noqa: S608  # nosec B608
        f"{same} WHERE v.status <> 'pending' OR v.model_version <> '{_quoted(version)}' "
        "OR v.probability <> b.match_probability OR v.weight <> b.match_weight"
    ):
        pks = table.column("review_pk").to_pylist()
        update(
            [MatchReview(pk=pk, **review(pair)) for pk, pair in zip(pks, pairs, strict=True)],
            fields,
        )
    con.execute("DROP TABLE reviews")
    return linker.band_count


def _quoted(text: str) -> str:
    return text.replace("'", "''")


# --- hit notices ---------------------------------------------------------------------------


def prune_notices() -> int:
    """Withdraw every notice the clusters no longer bear out, in one statement: a notice
    stands only while a record of the other organisation is in the record's cluster
    (``services.notices_prune`` for all records at once)."""
    bearing = PersonRecord.objects.filter(
        cluster__isnull=False,
        cluster_id=OuterRef("record__cluster_id"),
        organisation_id=OuterRef("other_organisation_id"),
    )
    stale = HitNotice.objects.filter(~Exists(bearing))
    count = stale.count()
    if count:
        stale.delete()
    return count


def shared_clusters(among: Iterable[int] | None = None) -> list[int]:
    """Clusters with records of two organisations or more (of ``among``, when given)."""
    found = (
        PersonRecord.objects.filter(cluster__isnull=False)
        .values("cluster_id")
        .annotate(n=Count("organisation_id", distinct=True))
        .filter(n__gt=1)
        .values_list("cluster_id", flat=True)
    )
    ids = np.fromiter(found.iterator(chunk_size=CHUNK), dtype=np.int64)
    if among is not None:
        ids = np.intersect1d(ids, np.fromiter(among, dtype=np.int64))
    return [int(i) for i in ids]


def raise_notices(cluster_ids: Sequence[int], *, chunk: int = 2000) -> int:
    """Notices for whole clusters, as ``hit_services.records_index`` raises them for the
    records it indexes: per record, one per other organisation with a record in its
    cluster, matched on the identifiers they share (else "linked by comparison"), since
    that organisation first knew the person. Existing notices stay as they are. Returns the
    number of new notices."""
    before = HitNotice.objects.count()
    for start in range(0, len(cluster_ids), chunk):
        _notices_for(cluster_ids[start : start + chunk])
    return HitNotice.objects.count() - before


def _notices_for(cluster_ids: Sequence[int]) -> None:
    members = list(
        PersonRecord.objects.filter(cluster_id__in=cluster_ids).values_list(
            "pk", "organisation_id", "cluster_id", "created_at"
        )
    )
    ids = [pk for pk, _org, _cluster, _created in members]
    since = {pk: created for pk, _org, _cluster, created in members}
    for record_id, first in (
        Subject.objects.filter(record_id__in=ids)
        .values("record_id")
        .annotate(first=Min("signal__received_at"))
        .values_list("record_id", "first")
    ):
        since[record_id] = min(since[record_id], first)
    tokens: dict[uuid.UUID, dict[str, str]] = defaultdict(dict)
    for record_id, key, token in IndexEntry.objects.filter(record_id__in=ids).values_list(
        "record_id", "key", "token"
    ):
        tokens[record_id][token] = key
    by_cluster: dict[int, list[tuple[uuid.UUID, int]]] = defaultdict(list)
    for pk, org, cluster_id, _created in members:
        by_cluster[cluster_id].append((pk, org))
    notices = []
    for people in by_cluster.values():
        for record_id, org in people:
            per_org: dict[int, tuple[set[str], Any, uuid.UUID]] = {}
            for other_id, other_org in people:
                if other_org == org:
                    continue  # an organisation's own records are not a hit
                mine, theirs = tokens.get(record_id, {}), tokens.get(other_id, {})
                keys = {mine[t] for t in mine.keys() & theirs.keys()} or {MatchKey.LINKED.value}
                found = per_org.get(other_org)
                if found is None:
                    per_org[other_org] = (keys, since[other_id], other_id)
                else:
                    earlier = since[other_id] < found[1]
                    per_org[other_org] = (
                        found[0] | keys,
                        since[other_id] if earlier else found[1],
                        other_id if earlier else found[2],
                    )
            for other_org, (keys, first, other_id) in per_org.items():
                notices.append(
                    HitNotice(
                        organisation_id=org,
                        record_id=record_id,
                        other_organisation_id=other_org,
                        other_record_id=other_id,
                        matched_on=sorted(keys),
                        since=first,
                    )
                )
    insert(notices, ignore_conflicts=True)
