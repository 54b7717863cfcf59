"""Online linkage benchmark (not a test): how long matching one new person record takes on
intake, against 10,000 up to 1,000,000 existing records in PostgreSQL.

Run by ``scripts/bench --linkage-only`` (a throwaway PostgreSQL cluster, migrated). Existing
records are synthetic (``persons.linkage.generator``) with their features and clusters
loaded in bulk (clusters from the generator's truth: the cost of matching depends on the
candidates a record has, not on how they were clustered). Intake records are held out of the
same generation, so some belong to people already registered and some are new. Each intake
runs ``persons.intake_linking.link_records`` and, separately, the whole ``records_index`` the worker
runs (pseudonyms, linking, notices), one record at a time. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import time
import uuid

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketenzicht.conf.settings")
django.setup()

from django.db import connection

from ketenzicht.accounts.models import Organisation, OrganisationType
from ketenzicht.persons.hit_services import records_index
from ketenzicht.persons.intake_linking import INDEXED, link_records, record_row, scorer
from ketenzicht.persons.linkage import normalise
from ketenzicht.persons.linkage.generator import ORGANISATIONS, Record, generate
from ketenzicht.persons.models import PersonIdentifier, PersonRecord

INTAKES = 300
SEX = {"M": "male", "F": "female"}


def _organisations() -> dict[str, int]:
    ids = {}
    for code in ORGANISATIONS:
        kind = {"gemeente": OrganisationType.MUNICIPALITY}.get(code, code)
        org, _ = Organisation.objects.get_or_create(
            code=f"bench-{code}", defaults={"name": code.upper(), "type": kind}
        )
        ids[code] = org.pk
    return ids


def _record(r: Record, orgs: dict[str, int]) -> PersonRecord:
    born = r.date_of_birth
    return PersonRecord(
        id=uuid.uuid4(),
        organisation_id=orgs[r.source_org],
        given_name=r.given_name,
        family_name=r.family_name,
        date_of_birth=dt.date.fromisoformat(born) if born else None,
        # A registrar who knows the documents marks 1 January as the placeholder it is.
        dob_precision=("placeholder_jan1" if born.endswith("-01-01") else "exact")
        if born
        else "unknown",
        nationality=normalise.nationality(r.nationality) or "",
        sex=SEX.get(r.sex, "unknown"),
        v_number=normalise.v_number(r.v_number) or "",
    )


def _copy(table: str, columns: list[str], rows: list[list[object]]) -> None:
    """Bulk load with COPY: the ORM's inserts would take longer than the benchmark."""
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def load(generated: list[Record], orgs: dict[str, int]) -> None:
    """Insert records with their phones, features and clusters (cluster = person)."""
    now = "2026-11-01T00:00:00+00:00"
    records, phones, features, clusters = [], [], [], {}
    for r in generated:
        record = _record(r, orgs)
        phone = normalise.phone_e164(r.phone)
        row = record_row(record, [phone] if phone else [])
        cluster = r.person_id + 1
        clusters[cluster] = clusters.get(cluster, 0) + 1
        records.append(
            [
                record.id,
                record.organisation_id,
                record.given_name,
                record.family_name,
                "[]",
                record.date_of_birth,
                record.dob_precision,
                record.sex,
                record.nationality,
                record.v_number,
                now,
                now,
                cluster,
            ]
        )
        if phone:
            phones.append([record.id, "phone", phone])
        features.append([record.id, json.dumps(row), *(row[f] for f in INDEXED)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM persons_personcluster WHERE id = ANY(%s)", [list(clusters)])
        known = {c for (c,) in cursor.fetchall()}
    _copy(
        "persons_personcluster",
        ["id", "size", "linked_at"],
        [[c, n, now] for c, n in clusters.items() if c not in known],
    )
    _copy(
        "persons_personrecord",
        [
            "id",
            "organisation_id",
            "given_name",
            "family_name",
            "aliases",
            "date_of_birth",
            "dob_precision",
            "sex",
            "nationality",
            "v_number",
            "created_at",
            "updated_at",
            "cluster_id",
        ],
        records,
    )
    _copy("persons_personidentifier", ["record_id", "kind", "value"], phones)
    _copy("persons_recordfeatures", ["record_id", "row", *INDEXED], features)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(intake: list[Record], orgs: dict[str, int]) -> dict[str, float]:
    link_ms: list[float] = []
    index_ms: list[float] = []
    for r in intake:
        record = _record(r, orgs)
        record.save()
        phone = normalise.phone_e164(r.phone)
        if phone:
            PersonIdentifier.objects.create(record=record, kind="phone", value=phone)
        fresh = PersonRecord.objects.prefetch_related("identifiers").get(pk=record.pk)
        started = time.perf_counter()
        link_records([fresh])
        link_ms.append((time.perf_counter() - started) * 1000)
        # The worker's whole task on another new record of the same kind: undo and redo.
        PersonRecord.objects.filter(pk=record.pk).update(cluster=None)
        started = time.perf_counter()
        records_index(record_ids=[record.pk])
        index_ms.append((time.perf_counter() - started) * 1000)
    return {
        "link_p50": statistics.median(link_ms),
        "link_p95": _percentile(link_ms, 0.95),
        "link_p99": _percentile(link_ms, 0.99),
        "index_p50": statistics.median(index_ms),
        "index_p95": _percentile(index_ms, 0.95),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--intakes", type=int, default=INTAKES)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    largest = max(sizes)
    started = time.perf_counter()
    # About 2.05 records a person: enough people for the largest size plus the intakes.
    generated = generate(int((largest + args.intakes * len(sizes)) / 2.0) + 10, seed=11)
    intake_pool, existing = (
        generated[: args.intakes * len(sizes)],
        generated[args.intakes * len(sizes) :],
    )
    print(
        f"generated {len(generated):,} records in {time.perf_counter() - started:.0f} s", flush=True
    )
    orgs = _organisations()
    scorer()  # the model is loaded once per worker process, not per intake
    loaded = 0
    print("| existing records | link p50 | link p95 | link p99 | whole index task p50 | p95 |")
    print("|---:|---:|---:|---:|---:|---:|")
    for i, size in enumerate(sizes):
        started = time.perf_counter()
        for start in range(loaded, size, 100_000):
            load(existing[start : min(size, start + 100_000)], orgs)
        loaded = size
        took = time.perf_counter() - started
        figures = measure(intake_pool[i * args.intakes : (i + 1) * args.intakes], orgs)
        print(
            f"| {size:,} | {figures['link_p50']:.0f} ms | {figures['link_p95']:.0f} ms "
            f"| {figures['link_p99']:.0f} ms | {figures['index_p50']:.0f} ms "
            f"| {figures['index_p95']:.0f} ms |  (loaded in {took:.0f} s)",
            flush=True,
        )


if __name__ == "__main__":
    main()
