"""Import throughput for scripts/bench: rows per second through the real importer."""

from __future__ import annotations

import csv
import io
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketenzicht.conf.settings")
django.setup()

from ketenzicht.accounts.models import User
from ketenzicht.accounts.selectors import actor_for_user
from ketenzicht.common.context import Context
from ketenzicht.signals.importer import import_signals

ROWS = int(os.environ.get("KZ_IMPORT_ROWS", "20000"))


def build(rows: int, prefix: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "reference",
            "kind",
            "observed_on",
            "municipality",
            "exploitation_types",
            "indicators",
            "narrative",
            "subject_role",
            "subject_given_name",
            "subject_family_name",
            "subject_date_of_birth",
            "subject_nationality",
            "subject_v_number",
            "subject_phones",
        ]
    )
    for i in range(rows):
        writer.writerow(
            [
                f"{prefix}-{i // 2}",
                "soft",
                "2026-10-01",
                "GM1950",
                "labour",
                "AL-DR-S01;AL-EX-M01",
                "Bewoner werkt 's nachts in een kas.",
                "presumed_victim" if i % 2 == 0 else "presumed_perpetrator",
                "Senait",
                f"Tesfay{i}",
                "2001-05-04",
                "ERI",
                f"{1_000_000_000 + i}",
                "0612345678",
            ]
        )
    return out.getvalue().encode()


actor = actor_for_user(User.objects.get(username="coa.terapel"))
content = build(ROWS, f"BENCH{int(time.time())}")
started = time.perf_counter()
result = import_signals(
    actor=actor, context=Context(channel="cli"), content=content, filename="bench.csv"
)
elapsed = time.perf_counter() - started
assert result.ok, result.errors[:5]
print(
    f"import: {ROWS:,} rows ({result.created:,} signals, 2 subjects each) in {elapsed:.1f} s "
    f"= {ROWS / elapsed:,.0f} rows/s"
)
started = time.perf_counter()
again = import_signals(
    actor=actor, context=Context(channel="cli"), content=content, filename="bench.csv"
)
print(f"re-import (all skipped): {time.perf_counter() - started:.1f} s, skipped {again.skipped:,}")
