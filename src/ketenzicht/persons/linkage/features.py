"""The comparison features of one person record: what the model compares, computed once.

A record comes in as the CLI contract's columns (``record_id, source_org, given_name,
family_name, date_of_birth, sex, nationality, v_number, phone``) and leaves as a flat row of
normalised values, ``None`` where nothing usable was registered, so that Splink's null
levels see missing data as missing rather than as disagreement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from . import normalise

INPUT_COLUMNS = (
    "record_id",
    "source_org",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "nationality",
    "v_number",
    "phone",
)


def _or_none(value: str) -> str | None:
    return value or None


def _given_key(given: str) -> str | None:
    words = normalise.name_tokens(given) if given.strip() else []
    return (normalise.translit_key(words[0]) or None) if words else None


# Birth years estimated by different organisations differ by one or two years. Two spans of
# four years, the second shifted by two, put any two years at most two apart in a shared span.
SPAN_YEARS = 4


def year_spans(year: int | None) -> tuple[int | None, int | None]:
    """The four-year span of ``year`` and the span shifted by two years (blocking keys)."""
    if not year:
        return None, None
    return year // SPAN_YEARS, (year + SPAN_YEARS // 2) // SPAN_YEARS


def record_features(record: Mapping[str, Any], dob_precision: str = "") -> dict[str, Any]:
    """One row for the model. ``record`` holds the input columns (missing ones count as
    empty); ``dob_precision`` is the registrar's own statement, when there is one."""
    given = str(record.get("given_name") or "")
    family = str(record.get("family_name") or "")
    tokens = normalise.name_tokens(given, family)
    translit_keys = [k for k in (normalise.translit_key(t) for t in tokens) if k]
    keys = sorted({normalise.translit_key(t) for t in tokens} - {""})
    born = normalise.birth_date(record.get("date_of_birth") or "", dob_precision)
    sex = str(record.get("sex") or "").strip().upper()[:1]
    span, span_shifted = year_spans(born.year)
    return {
        "unique_id": str(record["record_id"]),
        "source_org": str(record.get("source_org") or ""),
        # The raw names, for a default configuration and for showing a pair to a reviewer.
        "given_name": _or_none(given.strip()),
        "family_name": _or_none(family.strip()),
        "name_sorted": _or_none(" ".join(sorted(tokens))),
        "name_key": _or_none(" ".join(keys)),
        "name_keys": keys or None,
        "key_first": keys[0] if keys else None,
        "key_last": keys[-1] if keys else None,
        # The first word of the given-name field: the person's own name in nearly every
        # convention (the father's and grandfather's names follow it or stand as surname).
        "key_given": _given_key(given),
        # The second name in the order written: the father's name in most conventions.
        "key_second": translit_keys[1] if len(translit_keys) > 1 else None,
        "dob": born.iso or None,
        "dob_exact": born.precision == normalise.Precision.EXACT if born.value else None,
        "dob_year": born.year,
        "dob_span": span,
        "dob_span_shifted": span_shifted,
        # A blocking key only when the date can be trusted: placeholders would make huge blocks.
        "dob_trusted": born.iso if born.precision == normalise.Precision.EXACT else None,
        "dob_md": born.iso[5:] if born.precision == normalise.Precision.EXACT else None,
        "v_number": _or_none(normalise.v_number(str(record.get("v_number") or ""))),
        "phone": _or_none(normalise.phone_e164(str(record.get("phone") or ""))),
        "nationality": _or_none(normalise.nationality(str(record.get("nationality") or ""))),
        "sex": sex if sex in ("M", "F") else None,
    }


def age_on(features: Mapping[str, Any], day: dt.date) -> int | None:
    """Whole years on ``day`` when the date of birth is exact, else None."""
    if not features.get("dob") or not features.get("dob_exact"):
        return None
    born = dt.date.fromisoformat(features["dob"])
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
