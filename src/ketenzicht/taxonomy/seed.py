"""Seed the vocabularies from the CSV files shipped in ``taxonomy/data``.

Codes are stable: seeding again updates labels but never renames or deletes a code, so
signals registered against an older catalogue version keep their meaning.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
CATALOGUE_VERSION = "2009.1"

EXPLOITATION_TYPES = [
    ("sexual", "Seksuele uitbuiting", "Sexual exploitation"),
    ("labour", "Arbeidsuitbuiting", "Labour exploitation"),
    ("criminal", "Criminele uitbuiting", "Criminal exploitation"),
    ("begging", "Gedwongen bedelarij", "Forced begging"),
    ("organ_removal", "Orgaanverwijdering", "Organ removal"),
    ("other", "Overige uitbuiting", "Other exploitation"),
]


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def indicator_search_terms() -> dict[str, str]:
    """Search words per indicator label (English), from ``indicator_search_terms.csv``."""
    return {row["label_en"]: row["terms"] for row in _read("indicator_search_terms.csv")}


def seed_search_terms(apps: Any, schema_editor: Any = None) -> None:
    indicator_model = apps.get_model("taxonomy", "Indicator")
    for label_en, terms in indicator_search_terms().items():
        indicator_model.objects.filter(label_en=label_en).update(search_terms=terms)


def seed_taxonomy(apps: Any) -> None:
    version_model = apps.get_model("taxonomy", "CatalogueVersion")
    indicator_model = apps.get_model("taxonomy", "Indicator")
    type_model = apps.get_model("taxonomy", "ExploitationType")
    control_model = apps.get_model("taxonomy", "ControlMethod")

    version, _ = version_model.objects.get_or_create(
        version=CATALOGUE_VERSION,
        defaults={
            "published_on": dt.date(2009, 9, 1),
            "is_current": True,
            "source": (
                "ILO/EC, Operational indicators of trafficking in human beings (2009), "
                "WCMS_105023; adult and child labour lists"
            ),
        },
    )
    for row in _read("ilo_indicators.csv"):
        indicator_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "list": row["list"],
                "element": row["dimension"],
                "strength": row["strength"],
                "label_en": row["label_en"],
                "label_nl": row["label_nl"],
                "introduced_in": version,
            },
        )
    for position, (code, nl, en) in enumerate(EXPLOITATION_TYPES):
        type_model.objects.update_or_create(
            code=code, defaults={"label_nl": nl, "label_en": en, "position": position}
        )
    for position, row in enumerate(_read("htcds_control_methods.csv")):
        control_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "label_nl": row["label_nl"],
                "label_en": row["label_en"],
                "position": position,
            },
        )
