"""``ketenzicht relink [--train] [--refresh-features]``: (re)train the linkage model and link
every person record into person clusters; identifiers of unchanged clusters stay the same."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ketenzicht.common.context import CLI
from ketenzicht.persons.relink_services import linkage_train, persons_relink


class Command(BaseCommand):
    help = "Link every person record into person clusters (--train: train the model first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", action="store_true")
        parser.add_argument(
            "--refresh-features",
            action="store_true",
            help="compute every record's comparison features again (after a change of "
            "normalisation that no migration applied)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["train"]:
            stored = linkage_train(context=CLI)
            self.stdout.write(f"trained model {stored.version} on {stored.records} record(s)")
        result = persons_relink(context=CLI, refresh_features=options["refresh_features"])
        self.stdout.write(
            f"{result.records} record(s) in {result.clusters} cluster(s) with model "
            f"{result.model_version}; {result.pairs} pair(s) scored, {result.automatic} "
            f"linked automatically, {result.review} for review; {result.changed} record(s) "
            f"changed cluster, {result.new_notices} new notice(s)"
        )
        if options["verbosity"] > 1:
            phases = ", ".join(f"{phase} {s:.1f} s" for phase, s in result.seconds.items())
            self.stdout.write(f"time per phase: {phases}")
