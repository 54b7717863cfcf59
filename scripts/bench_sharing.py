"""Sharing benchmarks for scripts/bench: the cost of the policy filter, and hit lookup.

1. The signal list over HTTP at 16 clients (wrk) for the frontline user ``coa.terapel`` and
   the broadest real role, ``coa.coordinator`` (own, group, chain and referred signals).
2. The same list in-process with 16 threads: the frontline user through the policy, against
   the same selector with the policy filter replaced by "everything" -- what an all-seeing
   administrator would cost. No role sees everything in the product (deny by default), so
   this baseline exists only here.
3. Hit lookup on intake: the matcher's lookup for one record, and index + match + notices
   for one record, over the person records in the database.

Prints Markdown; runs inside the project's virtual environment with the benchmark database.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketenzicht.conf.settings")
django.setup()

from django.db import connection, connections
from django.db.models import Q

from bench_http import wrk

from ketenzicht import policy
from ketenzicht.accounts.models import User
from ketenzicht.accounts.selectors import actor_for_user
from ketenzicht.api.authentication import token_create
from ketenzicht.common.context import Context
from ketenzicht.persons.hit_services import records_index
from ketenzicht.persons.models import PersonRecord
from ketenzicht.persons.same_person import matcher
from ketenzicht.signals.models import Signal
from ketenzicht.signals.selectors import signal_list

CONTEXT = Context(channel="bench")
THREADS = 16
SECONDS = float(os.environ.get("KZ_SECONDS", "20"))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def concurrent(call: Callable[[], object]) -> dict[str, float]:
    """Run ``call`` in 16 threads (one database connection each) for SECONDS."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS

    def loop() -> None:
        mine = []
        while time.monotonic() < stop:
            start = time.perf_counter()
            call()
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)
        connections.close_all()

    threads = [threading.Thread(target=loop) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "calls": len(latencies),
        "per_s": round(len(latencies) / SECONDS, 1),
        "p50": round(statistics.median(latencies), 1),
        "p95": round(percentile(latencies, 95), 1),
    }


def http_lists() -> list[tuple[str, dict[str, float]]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = Path(tmp) / "list.txt"
        paths.write_text("/api/v1/signals\n")
        tokens = {
            name: token_create(user=User.objects.get(username=name))
            for name in ("coa.terapel", "coa.coordinator")
        }
        # Alternate the two users twice so drift on a noisy machine hits both.
        for name in ("coa.terapel", "coa.coordinator", "coa.terapel", "coa.coordinator"):
            rows.append((name, wrk(paths, tokens[name], 16)))
            print(name, json.dumps(rows[-1][1]), file=sys.stderr)
    return rows


def in_process_lists() -> list[tuple[str, dict[str, float]]]:
    frontline = actor_for_user(User.objects.get(username="coa.terapel"))
    real_filter = policy.signal_filter

    def everything(actor: object, at_least: object = None) -> Q:
        return Q()

    rows = []
    for label in ("frontline (policy)", "sees all (no filter)") * 2:
        policy.signal_filter = everything if label.startswith("sees all") else real_filter  # type: ignore[assignment]
        rows.append((label, concurrent(lambda: signal_list(actor=frontline, context=CONTEXT))))
        print(label, json.dumps(rows[-1][1]), file=sys.stderr)
    policy.signal_filter = real_filter  # type: ignore[assignment]
    return rows


def hit_lookup() -> tuple[int, dict[str, float], dict[str, float]]:
    total = PersonRecord.objects.count()
    if connection.vendor == "postgresql":
        sample = list(
            PersonRecord.objects.raw(
                "SELECT id FROM persons_personrecord TABLESAMPLE SYSTEM (1) LIMIT 2000"
            )
        )
        ids = [r.pk for r in sample]
    else:
        ids = list(PersonRecord.objects.order_by("?").values_list("pk", flat=True)[:2000])
    random.Random(7).shuffle(ids)
    the_matcher = matcher()
    lookup = []
    for pk in ids:
        start = time.perf_counter()
        the_matcher.matches([pk])
        lookup.append((time.perf_counter() - start) * 1000)
    intake = []
    for pk in ids[:500]:
        start = time.perf_counter()
        records_index(record_ids=[pk], context=CONTEXT)
        intake.append((time.perf_counter() - start) * 1000)

    def summary(values: list[float]) -> dict[str, float]:
        return {
            "n": len(values),
            "p50": round(statistics.median(values), 2),
            "p95": round(percentile(values, 95), 2),
            "p99": round(percentile(values, 99), 2),
        }

    return total, summary(lookup), summary(intake)


def main() -> None:
    frontline = actor_for_user(User.objects.get(username="coa.terapel"))
    visible = policy.visible_signals(frontline).count()
    print(
        f"# coa.terapel sees {visible:,} of {Signal.objects.count():,} signals in full",
        file=sys.stderr,
    )
    http = http_lists()
    local = in_process_lists()
    records, lookup, intake = hit_lookup()
    print(f"\nSignal list, first page, {THREADS} concurrent clients ({SECONDS:.0f} s each)\n")
    print("| how | user | p50 ms | p95 ms | req/s |")
    print("|---|---|---|---|---|")
    for name, r in http:
        print(f"| HTTP (wrk) | {name} | {r['p50']:.1f} | {r['p95']:.1f} | {r['rps']:.0f} |")
    for name, r in local:
        cells = f"{r['p50']:.1f} | {r['p95']:.1f} | {r['per_s']:.0f}"
        print(f"| in-process, 16 threads | {name} | {cells} |")
    print(f"\nHit lookup over {records:,} person records\n")
    print("| step | n | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|")
    for label, r in (
        ("lookup (matcher.matches, one record)", lookup),
        ("index + match + notices (records_index, one record)", intake),
    ):
        print(f"| {label} | {r['n']} | {r['p50']} | {r['p95']} | {r['p99']} |")


if __name__ == "__main__":
    main()
