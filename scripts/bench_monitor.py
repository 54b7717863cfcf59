"""The monitor at scale, for scripts/bench --monitor-only: rebuild every published table
from the loaded signals (counting, disclosure control across all areas, the estimate), then
measure the dashboards with wrk: the national page (map of 342 municipalities), municipal
pages as the National Rapporteur and a municipality's own page as its analyst, at 1 and 16
clients. Prints Markdown; figures go to docs/benchmarks.md by hand.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketenzicht.conf.settings")
django.setup()

from django.utils import timezone

from bench_http import session_cookie, wrk  # scripts/ is on the path when run as a script

from ketenzicht.accounts.models import User
from ketenzicht.common.context import Context
from ketenzicht.geo.models import Municipality
from ketenzicht.monitor import tables
from ketenzicht.monitor.models import PublishedTable
from ketenzicht.monitor.services import monitor_rebuild
from ketenzicht.signals.models import Signal

BASE = os.environ["KZ_BASE"]
CONTEXT = Context(channel="cli", explanation="benchmark")


def cookie(username: str) -> str:
    return f"{session_cookie(User.objects.get(username=username))}; django_language=nl"


def main() -> None:
    start, end = tables.twelve_months(timezone.localdate())
    counted = Signal.objects.filter(received_at__gte=start, received_at__lt=end).count()
    began = time.perf_counter()
    built = monitor_rebuild(context=CONTEXT, revise=True)
    rebuild = time.perf_counter() - began
    hidden = {"small": 0, "x": 0, "shown": 0}
    for key in ("trend", "types", "followup"):
        for table in PublishedTable.objects.filter(key=key).iterator():
            for row_values, row_small in zip(table.data["cells"], table.data["small"], strict=True):
                for value, small in zip(row_values, row_small, strict=True):
                    hidden["shown" if value is not None else "small" if small else "x"] += 1
    print(
        f"\nMachine: {platform.machine()}, {os.cpu_count()} cores; {Signal.objects.count():,} "
        f"signals, {counted:,} in the last four completed quarters\n"
    )
    print(f"- rebuild (count, protect, estimate, write {built:,} tables): **{rebuild:.0f} s**")
    print(
        f"- cells of trend, types and follow-up over all areas: {hidden['shown']:,} shown, "
        f"{hidden['small']:,} '<10', {hidden['x']:,} 'x'\n"
    )
    rapporteur, analyst = cookie("rapporteur"), cookie("gemeente.westerwolde")
    codes = list(Municipality.objects.values_list("code", flat=True))
    scenarios = {
        "national page (map, 342 areas)": (["/monitor/NL"], rapporteur),
        "municipal pages (rapporteur, all 342)": ([f"/monitor/{c}" for c in codes], rapporteur),
        "own municipality (analyst)": (["/monitor/GM1950"], analyst),
    }
    print("| page | clients | p50 | p95 | p99 | req/s | errors |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (paths, session) in scenarios.items():
            path = Path(tmp) / "paths.txt"
            path.write_text("\n".join(paths) + "\n")
            for clients in (1, 16):
                r = wrk(path, "", clients, cookie=session)
                print(json.dumps({"page": name, "clients": clients, **r}), file=sys.stderr)
                print(
                    f"| {name} | {clients} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} "
                    f"| {r['rps']} | {int(r['errors'] + r['non2xx'])} |"
                )


if __name__ == "__main__":
    main()
