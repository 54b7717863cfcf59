"""``ketenzicht tokens IN.csv --key-file KEY --out TOKENS.csv``: a partner turns its person
records into keyed match tokens on its own machine, for the privacy-preserving hit/no-hit
mode (ADR 0010). Nothing is read from or written to the database."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ketenzicht.persons.linkage.features import INPUT_COLUMNS
from ketenzicht.persons.linkage.tokens import MIN_KEY_BYTES, tokens


class Command(BaseCommand):
    help = (
        "Write record_id,kind,key_id,token for every identifying feature of the records in "
        "IN.csv (the columns of `ketenzicht link`), keyed with the partners' shared key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path)
        parser.add_argument("--key-file", type=Path, required=True)
        parser.add_argument("--key-id", default="k1", help="the name of the key, for rotation")
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        key_file = Path(options["key_file"])
        if not key_file.is_file():
            raise CommandError(f"{key_file}: no such file")
        key = key_file.read_bytes().strip()
        if len(key) < MIN_KEY_BYTES:
            raise CommandError(
                f"{key_file}: a token key needs at least {MIN_KEY_BYTES} random bytes "
                "(e.g. `openssl rand -hex 32 > key`)"
            )
        source = Path(options["input"])
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        with source.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = {"record_id"} - set(reader.fieldnames or ())
            if missing:
                raise CommandError(f"{source}: needs the columns {','.join(INPUT_COLUMNS)}")
            records = list(reader)
        written = 0
        with Path(options["out"]).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["record_id", "kind", "key_id", "token"])
            for record in records:
                for token in tokens(record, key=key, key_id=options["key_id"]):
                    writer.writerow([record["record_id"], token.kind, token.key_id, token.value])
                    written += 1
        self.stdout.write(f"{written} token(s) for {len(records)} record(s)")
