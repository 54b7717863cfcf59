"""Audit trail benchmark (not a test): append N events, link them into the hash chain, sign
a checkpoint, and time `audit verify` (chain, sequence and checkpoint) over all of them.

Usage: .venv/bin/python scripts/bench_audit.py [--events 1000000]
Runs against the configured database (PostgreSQL with KETENZICHT_DATABASE_URL, else the
embedded SQLite file). Prints Markdown for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import tempfile
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketenzicht.conf.settings")
django.setup()

from django.db import connection

from ketenzicht.audit.chain import object_ref
from ketenzicht.audit.checkpoints import checkpoint_write, checkpoints_read, own_verifier_key
from ketenzicht.audit.models import AuditEvent
from ketenzicht.audit.services import audit_chain_link_pending
from ketenzicht.audit.verify import audit_chain_verify

ACTIONS = ("view", "list", "create", "update", "match", "route")
PURPOSES = ("follow_up", "work_list", "registration", "victim_protection", "monitoring")


def append(count: int) -> None:
    """Events shaped like the product's: an actor of one of 2,000 users, an HMAC object
    reference, a purpose, a short detail."""
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=365)
    batch = []
    for i in range(count):
        batch.append(
            AuditEvent(
                occurred_at=start + dt.timedelta(seconds=i * 30),
                actor_id=i % 2000 + 1,
                actor=f"user{i % 2000:04d}",
                organisation=f"org-{i % 60:02d}",
                action=ACTIONS[i % len(ACTIONS)],
                object_type="signal",
                object_ref=object_ref("signal", i // 3),
                purpose=PURPOSES[i % len(PURPOSES)],
                explanation="",
                result="ok",
                channel="web",
                origin="127.0.0.1",
                detail={"fields": ["status"]} if i % 6 == 3 else {},
            )
        )
        if len(batch) == 10_000:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    AuditEvent.objects.bulk_create(batch)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    count = parser.parse_args().events
    timings = {}
    began = time.perf_counter()
    append(count)
    timings["append (bulk insert)"] = time.perf_counter() - began
    began = time.perf_counter()
    audit_chain_link_pending()
    timings["link into the hash chain"] = time.perf_counter() - began
    with tempfile.TemporaryDirectory() as tmp:
        checkpoint_write(Path(tmp))
        checkpoints, problems = checkpoints_read(Path(tmp), own_verifier_key())
        if len(checkpoints) != 1 or problems:
            raise SystemExit(f"the checkpoint did not read back: {problems}")
        began = time.perf_counter()
        report = audit_chain_verify(checkpoints=checkpoints)
        timings["**verify** (chain, sequence, checkpoint)"] = time.perf_counter() - began
    if not report.intact or report.checked < count:
        raise SystemExit(f"verification failed: {report.problems}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\n{connection.vendor}, {report.checked:,} events; {platform.machine()}, "
        f"{os.cpu_count()} cores; peak RSS of the process {rss:,.0f} MB\n"
    )
    print("| step | seconds | events/s |")
    print("|---|---|---|")
    for step, seconds in timings.items():
        print(f"| {step} | {seconds:.1f} | {count / seconds:,.0f} |")


if __name__ == "__main__":
    main()
