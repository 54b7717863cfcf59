"""Cost of field encryption per value (ADR 0021), for docs/benchmarks.md: sealing and
opening a narrative and a name, and a blind index, 100,000 times each on one core.

Run: KETENZICHT_VAR_DIR=$(mktemp -d) .venv/bin/python scripts/bench_field_encryption.py
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketenzicht.conf.settings")
django.setup()

from ketenzicht.common import crypto

N = 100_000
NARRATIVE = (
    "Bewoonster vertelt over een 'vriend' die haar papieren bewaart en haar 's nachts naar "
    "verschillende adressen brengt; zij heeft geen eigen telefoon en lijkt schulden te hebben "
    "bij de man die haar reis betaalde. Collega's zagen blauwe plekken op haar armen."
)
NAME = "Tesfamariam"


def per_value(call: Callable[[], object]) -> float:
    began = time.perf_counter()
    for _ in range(N):
        call()
    return (time.perf_counter() - began) / N * 1e6


def main() -> None:
    sealed_narrative = crypto.seal(NARRATIVE, "signals_signal.narrative")
    sealed_name = crypto.seal(NAME, "persons_personrecord.family_name")
    rows = [
        ("seal a narrative (300 chars)", per_value(lambda: crypto.seal(NARRATIVE, "t.c"))),
        (
            "open a narrative",
            per_value(lambda: crypto.open_sealed(sealed_narrative, "signals_signal.narrative")),
        ),
        ("seal a name", per_value(lambda: crypto.seal(NAME, "t.c"))),
        (
            "open a name",
            per_value(lambda: crypto.open_sealed(sealed_name, "persons_personrecord.family_name")),
        ),
        ("blind index of a name", per_value(lambda: crypto.blind_index("family_name", NAME))),
    ]
    print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores; {N:,} values each\n")
    print("| operation | µs per value |")
    print("|---|---|")
    for name, micros in rows:
        print(f"| {name} | {micros:.1f} |")
    print(f"\nsize: narrative {len(NARRATIVE)} -> {len(sealed_narrative)} characters stored")


if __name__ == "__main__":
    main()
