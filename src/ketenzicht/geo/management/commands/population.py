"""``ketenzicht population FILE --on YYYY-MM-DD``: load the number of inhabitants of every
municipality (e.g. CBS StatLine table 03759ned, "Bevolking op 1 januari", exported as CSV
with the columns renamed to ``code`` and ``population``), so the monitor can compare
municipalities of the same size. The next rebuild of the monitor publishes the size
classes (``ketenzicht monitor_rebuild --revise``, or the worker in the next period)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ketenzicht.common.context import CLI
from ketenzicht.geo.services import population_load, read_population


class Command(BaseCommand):
    help = "Load the number of inhabitants per municipality from a CSV (code, population)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--on", type=dt.date.fromisoformat, required=True, help="the reference date"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = options["file"].read_text(encoding="utf-8-sig")
            numbers = read_population(text)
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        count = population_load(numbers=numbers, on=options["on"], context=CLI)
        self.stdout.write(f"{count} municipalities, inhabitants on {options['on']:%Y-%m-%d}")
