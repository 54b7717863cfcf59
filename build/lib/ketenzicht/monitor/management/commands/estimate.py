"""``ketenzicht estimate FILE [--json] [--ci wald|bca] [--bootstrap N] [--seed S]``: the
hidden number from a capture-history table (one 0/1 column per list and ``count``), by the
method of ``ketenzicht.monitor.estimation``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ketenzicht.monitor.estimation import EstimationError, estimate, read_csv


class Command(BaseCommand):
    help = (
        "Multiple systems estimation: read a CSV with one 0/1 column per list and a 'count' "
        "column; print the observed number, the estimated total with a 95% interval and the "
        "chosen model (Poisson log-linear, stepwise two-list interactions, threshold 0.02)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--ci", choices=("wald", "bca"), default="wald")
        parser.add_argument("--bootstrap", type=int, default=1000, help="BCa resamples")
        parser.add_argument("--seed", type=int, help="seed of the BCa resamples")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["bootstrap"] < 100:
            raise CommandError("--bootstrap needs at least 100 resamples")
        try:
            result = estimate(
                read_csv(Path(options["file"])),
                ci=options["ci"],
                resamples=options["bootstrap"],
                seed=options["seed"],
            )
        except (OSError, EstimationError) as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
            return
        self.stdout.write(f"observed  {result.observed}")
        self.stdout.write(
            f"estimate  {result.estimate:,.1f}  (95% {result.ci_method}: "
            f"{result.ci_low:,.1f} - {result.ci_high:,.1f})"
        )
        self.stdout.write(f"model     main effects + {', '.join(result.model) or 'no pairs'}")
        for warning in result.warnings:
            self.stdout.write(f"note      {warning}")
