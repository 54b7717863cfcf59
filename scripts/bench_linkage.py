"""Linkage benchmark (not a test): batch linkage time and peak memory at growing sizes, and
the cost of scoring one new record against a candidate set, with the product's model.

Usage: .venv/bin/python scripts/bench_linkage.py [--sizes 10000,100000,1000000] [--threads N]
Each size runs in a fresh process (``--one N``) so that its peak memory is its own. Prints a
Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import subprocess
import sys
import time

from ketenzicht.persons.linkage import model as linkage_model
from ketenzicht.persons.linkage.batch import link
from ketenzicht.persons.linkage.evaluate import pairwise
from ketenzicht.persons.linkage.features import record_features
from ketenzicht.persons.linkage.generator import generate


def one(records_wanted: int, threads: int | None) -> dict[str, float]:
    logging.getLogger("splink").setLevel(logging.ERROR)
    started = time.perf_counter()
    # About two records a person: ask for half as many people.
    generated = generate(max(2, records_wanted // 2), seed=3)[:records_wanted]
    records = [{k: v for k, v in vars(r).items() if k != "person_id"} for r in generated]
    truth = {r.record_id: r.person_id for r in generated}
    rows = [record_features(r) for r in records]
    prepared = time.perf_counter()
    trained = linkage_model.train(rows)
    trained_at = time.perf_counter()
    result = link(rows, trained, threads=threads)
    linked = time.perf_counter()
    scores = pairwise(result.clusters, truth)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "records": len(rows),
        "prepare_s": prepared - started,
        "train_s": trained_at - prepared,
        "link_s": linked - trained_at,
        "pairs": len(result.pairs),
        "f1": scores.f1,
        "precision": scores.precision,
        "recall": scores.recall,
        "peak_mb": peak_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--threads", type=int)
    parser.add_argument("--one", type=int)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.threads)))
        return
    print(
        "| Records | Normalise | Train | Score + cluster | Scored pairs "
        "| Precision | Recall | F1 | Peak memory |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        command = [sys.executable, __file__, "--one", str(size)]
        if args.threads:
            command += ["--threads", str(args.threads)]
        output = subprocess.run(
            command, capture_output=True, text=True, check=True, env=os.environ
        ).stdout
        r = json.loads(output.strip().splitlines()[-1])
        results.append(r)
        print(
            f"| {r['records']:,} | {r['prepare_s']:,.1f} s | {r['train_s']:,.1f} s | "
            f"{r['link_s']:,.1f} s | {r['pairs']:,} | {r['precision']:.4f} | {r['recall']:.4f} "
            f"| {r['f1']:.4f} | {r['peak_mb']:,.0f} MB |",
            flush=True,
        )
    if len(results) > 1:
        first, last = results[0], results[-1]
        growth = last["records"] / first["records"]
        total = [r["train_s"] + r["link_s"] for r in (first, last)]
        print(
            f"\nRecords x{growth:,.0f}: train + link time x{total[1] / total[0]:,.1f}, "
            f"peak memory x{last['peak_mb'] / first['peak_mb']:,.1f}"
        )


if __name__ == "__main__":
    main()
