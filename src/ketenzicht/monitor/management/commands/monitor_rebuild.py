"""``ketenzicht monitor_rebuild [--revise]``: count and protect the monitor's tables now (the
worker does this once a quarter is complete). ``--revise`` publishes the current period again,
e.g. after loading population figures or correcting signals; it is audited as a revision."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ketenzicht.common.context import CLI
from ketenzicht.monitor.services import monitor_rebuild


class Command(BaseCommand):
    help = "Rebuild the monitor's published tables (once per completed quarter, or --revise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--revise", action="store_true", help="publish the period again")

    def handle(self, *args: Any, **options: Any) -> None:
        built = monitor_rebuild(context=CLI, revise=options["revise"])
        self.stdout.write(
            f"{built} tables published" if built else "the last completed quarter is published"
        )
