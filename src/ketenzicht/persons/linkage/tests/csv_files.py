"""Generated records as the CSV file ``ketenzicht link`` reads, for the command's tests."""

from __future__ import annotations

import csv
from dataclasses import asdict
from pathlib import Path

from ketenzicht.persons.linkage.generator import Record


def write_csv(records: list[Record], path: Path, *, with_truth: bool = True) -> None:
    columns = Record.columns() if with_truth else Record.input_columns()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for record in records:
            writer.writerow(asdict(record))
