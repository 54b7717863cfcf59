"""``ketenzicht estimate FILE [--json] [--ci wald|bca] [--bootstrap N] [--seed S]``: the
hidden number from a capture-history table (one 0/1 column per list and ``count``), by the
method of ``ketenzicht.monitor.estimation``.

Exit status: 0 with an estimate, 1 for a table that cannot be read or estimated from (the
message says why), 3 when the table is read but gives no finite estimate (the output says
why, ``"infinite": true`` in JSON): scripts must not publish a number then."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ketenzicht.monitor.estimation import DEFAULT_SEED, EstimationError, estimate, read_csv

# Distinct from 1 (errors) and 2 (usage): the answer is "no finite estimate".
EXIT_NOT_ESTIMABLE = 3


class Command(BaseCommand):
    help = (
        "Multiple systems estimation: read a CSV with one 0/1 column per list and a 'count' "
        "column; print the observed number, the estimated total with a 95% interval and the "
        "chosen model (Poisson log-linear, stepwise two-list interactions, threshold 0.02). "
        f"Exits {EXIT_NOT_ESTIMABLE} when the table gives no finite estimate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--ci", choices=("wald", "bca"), default="wald")
        parser.add_argument("--bootstrap", type=int, default=1000, help="BCa resamples")
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"seed of the BCa resamples (default {DEFAULT_SEED}: a rerun gives the same "
            "interval)",
        )

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
        else:
            self.stdout.write(f"observed  {result.observed}")
            if result.estimate is None:
                self.stdout.write(f"estimate  not estimable: {result.reason}")
            else:
                seed = f", seed {result.seed}" if result.seed is not None else ""
                self.stdout.write(
                    f"estimate  {result.estimate:,.1f}  (95% {result.ci_method}{seed}: "
                    f"{_limit(result.ci_low)} - {_limit(result.ci_high)})"
                )
                self.stdout.write(
                    f"model     main effects + {', '.join(result.model) or 'no pairs'}"
                )
                for warning in result.warnings:
                    self.stdout.write(f"note      {warning}")
        if result.infinite:
            self.stdout.flush()
            raise SystemExit(EXIT_NOT_ESTIMABLE)


def _limit(value: float | None) -> str:
    return "infinite" if value is None else f"{value:,.1f}"
