"""Disclosure-control benchmark (not a test): the `trend` family (8 quarters x 2 kinds for 342
municipalities, 10 police units, 12 provinces and the nation, with twelve-month figures)
protected together by `monitor.linked_disclosure`, on synthetic counts at several densities.

Usage: .venv/bin/python scripts/bench_disclosure.py [--means 0.05,0.5,5,50]
``mean`` is the average count per municipality, quarter and kind (about 2.7 at 500,000
signals over five years). Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketenzicht.conf.settings")
django.setup()

import numpy as np

from ketenzicht.monitor.linked_disclosure import protect_linked
from ketenzicht.monitor.publication import Family, scopes
from ketenzicht.monitor.tables import Areas

REGIONS = Path(__file__).resolve().parents[1] / "src/ketenzicht/geo/data/gemeenten_2025_regio.csv"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--means", default="0.05,0.5,5,50")
    args = parser.parse_args()
    rows = list(csv.DictReader(REGIONS.open(encoding="utf-8")))
    municipalities = [r["code"] for r in rows]
    areas = Areas(
        unit={r["code"]: r["politie_eenheid_code"] for r in rows},
        province={r["code"]: r["provincie_code"] for r in rows},
    )
    quarters = [f"Q{i}" for i in range(8)]
    family = Family(
        municipalities, scopes(areas, municipalities), quarters, ["hard", "soft"], range(4, 8)
    )
    print("| mean count | quantities | below 10 | hidden to protect (x) | published | seconds |")
    print("|---|---|---|---|---|---|")
    for mean in (float(m) for m in args.means.split(",")):
        rng = np.random.default_rng(1)
        # Municipalities differ in size: a skewed mean per municipality.
        size = rng.gamma(0.6, 1 / 0.6, size=len(municipalities))
        counts = {
            m: {
                (q, k): int(rng.poisson(mean * size[i])) for q in quarters for k in ("hard", "soft")
            }
            for i, m in enumerate(municipalities)
        }
        linked = family.linked(counts)
        started = time.perf_counter()
        hidden, small = protect_linked(linked)
        seconds = time.perf_counter() - started
        total = len(hidden)
        print(
            f"| {mean:g} | {total:,} | {int(small.sum()):,} | {int((hidden & ~small).sum()):,} "
            f"| {int((~hidden).sum()):,} | {seconds:.1f} |"
        )


if __name__ == "__main__":
    main()
