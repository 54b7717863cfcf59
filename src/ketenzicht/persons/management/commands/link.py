"""``ketenzicht link IN.csv --out OUT.csv``: cluster person records from a CSV file with the
product's linkage model, without touching the database."""

from __future__ import annotations

import csv
import logging
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ketenzicht.persons.linkage import model as linkage_model
from ketenzicht.persons.linkage.batch import link
from ketenzicht.persons.linkage.features import INPUT_COLUMNS, record_features


class Command(BaseCommand):
    help = (
        "Link person records: read a CSV with the columns record_id, source_org, given_name, "
        "family_name, date_of_birth (ISO), sex, nationality, v_number, phone (empty allowed) and "
        "write record_id,cluster_id for every record. Uses --model (a model saved by the "
        "product or by --save-model) or trains the product's model on the input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument(
            "--model",
            help="a saved model (JSON) to use, or 'default' for the model shipped with Ketenzicht",
        )
        parser.add_argument("--save-model", type=Path, help="write the trained model here")
        parser.add_argument("--backend", choices=("duckdb", "spark"), default="duckdb")
        parser.add_argument("--threads", type=int, help="DuckDB threads (default: all cores)")

    def handle(self, *args: Any, **options: Any) -> None:
        logging.getLogger("splink").setLevel(logging.ERROR)
        records = self._read(Path(options["input"]))
        rows = [record_features(r) for r in records]
        if options["model"] == "default":
            trained = linkage_model.default_model()
        elif options["model"]:
            trained = linkage_model.load(Path(options["model"]))
        else:
            trained, fallback = linkage_model.train_or_default(rows, backend=options["backend"])
            if fallback:
                sys.stderr.write(fallback + "\n")
        if options["save_model"]:
            linkage_model.save(trained, Path(options["save_model"]))
        result = link(rows, trained, backend=options["backend"], threads=options["threads"])
        with Path(options["out"]).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["record_id", "cluster_id"])
            for record in records:
                writer.writerow([record["record_id"], result.clusters[str(record["record_id"])]])
        people = len(set(result.clusters.values()))
        sys.stderr.write(
            f"{len(records)} record(s) in {people} cluster(s); {len(result.automatic)} pair(s) "
            f"linked automatically, {len(result.review)} for review\n"
        )

    def _read(self, path: Path) -> list[dict[str, str]]:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = set(INPUT_COLUMNS) - set(reader.fieldnames or ())
            if missing:
                raise CommandError(
                    f"{path}: missing column(s) {', '.join(sorted(missing))}; expected "
                    + ",".join(INPUT_COLUMNS)
                )
            records = list(reader)
        seen: set[str] = set()
        for line, record in enumerate(records, start=2):
            record_id = (record["record_id"] or "").strip()
            if not record_id:
                raise CommandError(f"{path}, line {line}: record_id is empty")
            if record_id in seen:
                raise CommandError(f"{path}, line {line}: record_id {record_id} appears twice")
            seen.add(record_id)
            record["record_id"] = record_id
        if len(records) < 2:
            raise CommandError(f"{path}: at least two records are needed to link")
        return records
