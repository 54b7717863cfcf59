"""``ketenzicht purge [--explain TEXT]``: delete or anonymise what has outlived its retention
period now (the worker does this daily); prints what was done per category."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ketenzicht.common.context import Context
from ketenzicht.privacy.purge import retention_purge


class Command(BaseCommand):
    help = "Delete or anonymise what has outlived its retention period (audited per category)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--explain", default="", help="Why it is run by hand (audited).")

    def handle(self, *args: Any, **options: Any) -> None:
        context = Context(channel="cli", explanation=options["explain"])
        for result in retention_purge(context=context):
            self.stdout.write(
                f"{result.category.value}: {result.measure.value} {result.count} "
                f"(before {result.cutoff:%Y-%m-%d %H:%M})"
            )
