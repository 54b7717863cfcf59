"""Load the municipality reference table from the CSV shipped with the package."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "gemeenten_2025_regio.csv"


def municipality_rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_municipalities(model: Any) -> int:
    """Insert or update every municipality; safe to run again."""
    existing = set(model.objects.values_list("code", flat=True))
    new: list[Any] = []
    changed: list[Any] = []
    for row in municipality_rows():
        obj = model(
            code=row["code"],
            name=row["name"],
            province_code=row["provincie_code"],
            province_name=row["provincie_name"],
            police_unit_code=row["politie_eenheid_code"],
            police_unit_name=row["politie_eenheid_name"],
            safety_region_code=row["veiligheidsregio_code"],
            safety_region_name=row["veiligheidsregio_name"],
        )
        (changed if obj.code in existing else new).append(obj)
    model.objects.bulk_create(new)
    fields = [
        "name",
        "province_code",
        "province_name",
        "police_unit_code",
        "police_unit_name",
        "safety_region_code",
        "safety_region_name",
    ]
    model.objects.bulk_update(changed, fields)
    return len(new) + len(changed)
