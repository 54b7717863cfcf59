"""Rebuild the hit/no-hit index, e.g. after rotating KETENZICHT_INDEX_HMAC_KEY."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ketenzicht.common.context import CLI
from ketenzicht.persons.hit_services import records_index
from ketenzicht.persons.models import PersonRecord


class Command(BaseCommand):
    help = "Re-index every person record for hits (new key, new normalisation)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        ids = list(PersonRecord.objects.order_by("pk").values_list("pk", flat=True))
        new = 0
        for start in range(0, len(ids), options["batch"]):
            new += records_index(record_ids=ids[start : start + options["batch"]], context=CLI)
            sys.stderr.write(f"\rreindex: {min(len(ids), start + options['batch'])}/{len(ids)}")
        sys.stderr.write("\n")
        self.stdout.write(f"re-indexed {len(ids)} person record(s); {new} new hit notice(s)")
