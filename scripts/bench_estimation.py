"""Estimation benchmark (not a test): multiple systems estimation with a BCa bootstrap of
1000 resamples on the 6-list UK table, the work R's SparseMSE needs about 9 minutes for on
this machine (issue 6), and on the other reference tables.

Usage: .venv/bin/python scripts/bench_estimation.py [--resamples 1000] [--workers N]
Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from ketenzicht.monitor import estimation as mse

DATA = Path(__file__).resolve().parents[1] / "src/ketenzicht/monitor/tests/data/mse"
R_SECONDS_UK = 9 * 60  # SparseMSE estimatepopulation, UKdat, 1000 resamples (issue 6)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--files", default="UKdat.csv,UKdat_5.csv,Ned.csv,Korea.csv")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, {args.workers} worker process(es), {args.resamples} resamples")
    print()
    print("| Table | Lists | Cases | Estimate | Model | BCa 95% | Time |")
    print("|---|---:|---:|---:|---|---|---:|")
    for name in args.files.split(","):
        table = mse.read_csv(DATA / name)
        started = time.perf_counter()
        result = mse.estimate(
            table, ci="bca", resamples=args.resamples, seed=1, workers=args.workers
        )
        took = time.perf_counter() - started
        print(
            f"| {name} | {len(table.lists)} | {table.observed:,} | {result.estimate:,.0f} | "
            f"{', '.join(result.model) or 'main effects'} | "
            f"{result.ci_low:,.0f} - {result.ci_high:,.0f} | {took:.1f} s |",
            flush=True,
        )
        if name == "UKdat.csv":
            print(
                f"|  | R SparseMSE on the same work: about {R_SECONDS_UK} s, "
                f"ratio {R_SECONDS_UK / took:.0f}x |  |  |  |  |  |",
                flush=True,
            )


if __name__ == "__main__":
    main()
