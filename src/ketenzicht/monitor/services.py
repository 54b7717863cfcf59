"""Writes of the monitor: rebuilding the published tables (in the worker)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db import transaction
from django.utils import timezone

from ketenzicht.accounts.actor import SYSTEM
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import Context, audit_record
from ketenzicht.geo.models import Municipality

from . import estimation, tables
from .disclosure import THRESHOLD, protect
from .models import PublishedTable


def _additive(counts: tables.Counts, rows: list[str], columns: list[str]) -> dict[str, Any]:
    """A table with totals, protected as a whole (primary and secondary suppression)."""
    raw = [[counts.get((r, c), 0) for c in columns] for r in rows]
    published = protect(raw)
    row_totals = [sum(row) for row in raw]
    column_totals = [sum(col) for col in zip(*raw, strict=True)]
    return {
        "additive": True,
        "rows": rows,
        "columns": columns,
        "cells": published.cells,
        "small": [[v < THRESHOLD for v in row] for row in raw],
        "row_totals": published.row_totals,
        "row_small": [v < THRESHOLD for v in row_totals],
        "column_totals": published.column_totals,
        "column_small": [v < THRESHOLD for v in column_totals],
        "total": published.total,
        "total_small": sum(row_totals) < THRESHOLD,
    }


def _distinct(counts: tables.Counts, rows: list[str], columns: list[str]) -> dict[str, Any]:
    """Counts of distinct people do not add up, so no sum can give a hidden one away: each
    cell is shown from 10 on, and below that as "<10"."""
    raw = [[counts.get((r, c), 0) for c in columns] for r in rows]
    return {
        "additive": False,
        "rows": rows,
        "columns": columns,
        "cells": [[v if v >= THRESHOLD else None for v in row] for row in raw],
        "small": [[v < THRESHOLD for v in row] for row in raw],
    }


# Below this many distinct victims on at least two lists, no estimate is published.
MIN_OBSERVED = 50


def _hidden_number(today: dt.date) -> dict[str, Any]:
    """The national estimate of presumed victims no organisation registered, from the
    overlap of the kinds of organisation that did (Wald and BCa intervals)."""
    lists, rows = tables.capture_histories(today)
    observed = sum(n for _history, n in rows)
    base: dict[str, Any] = {"lists": lists, "observed": observed if observed >= THRESHOLD else None}
    if len(lists) < 2 or observed < MIN_OBSERVED:
        return base | {"estimate": None, "reason": "too_few"}
    overlap = sum(n for history, n in rows if sum(history) >= 2)
    if overlap < THRESHOLD:
        return base | {"estimate": None, "reason": "no_overlap"}
    try:
        table = estimation.table(lists, rows)
        wald = estimation.estimate(table)
        bca = estimation.estimate(table, ci="bca", resamples=1000, seed=2026, workers=1)
        numbers = [wald.estimate, wald.ci_low, wald.ci_high, bca.ci_low, bca.ci_high]
        if not all(v is not None and math.isfinite(v) for v in numbers):
            raise ValueError("an interval limit is not finite")
    except (estimation.EstimationError, ArithmeticError, ValueError):
        # A table the model cannot estimate from must not stop the other tables.
        return base | {"estimate": None, "reason": "not_estimable"}
    return base | {
        "estimate": round(wald.estimate),
        "wald": [round(wald.ci_low or 0), round(wald.ci_high or 0)],
        "bca": [round(bca.ci_low or 0), round(bca.ci_high or 0)],
        "model": wald.model,
        "infinite": wald.infinite,
        "warnings": wald.warnings,
    }


def monitor_rebuild(*, context: Context, today: dt.date | None = None) -> int:
    """Count and protect every fixed table for every area; returns the number of tables."""
    today = today or timezone.localdate()
    areas = tables.Areas.load()
    scopes = [
        tables.NATION,
        *sorted(set(areas.unit.values())),
        *sorted(set(areas.province.values())),
        *Municipality.objects.order_by("code").values_list("code", flat=True),
    ]
    quarter_labels = [f"{y}-Q{q}" for y, q in tables.quarters(today)]
    type_codes = tables.type_codes()
    trend, types, people = (
        tables.trend(areas, today),
        tables.types(areas, today),
        tables.people(today),
    )
    now = timezone.now()
    built = []
    for scope in scopes:
        built += [
            PublishedTable(
                scope=scope,
                key="trend",
                data=_additive(trend.get(scope, {}), quarter_labels, tables.KINDS),
                built_at=now,
            ),
            PublishedTable(
                scope=scope,
                key="types",
                data=_additive(types.get(scope, {}), type_codes, tables.KINDS),
                built_at=now,
            ),
            PublishedTable(
                scope=scope,
                key="people",
                data=_distinct(people.get(scope, {}), ["*", *type_codes], tables.ROLES),
                built_at=now,
            ),
        ]
    municipalities = [s for s in scopes if s.startswith("GM")]
    counts = tables.per_municipality(today)
    built += [
        PublishedTable(
            scope=tables.NATION, key="estimate", data=_hidden_number(today), built_at=now
        ),
        PublishedTable(
            scope=tables.NATION,
            key="map",
            data=_additive(
                {(m, "signals"): counts.get(m, 0) for m in municipalities},
                municipalities,
                ["signals"],
            ),
            built_at=now,
        ),
    ]
    # Counting and estimating happen outside the transaction; only the writes are in it.
    with transaction.atomic():
        _write(built, context, today)
        # Areas that no longer exist (merged municipalities) are not published any more.
        PublishedTable.objects.exclude(scope__in=scopes).delete()
    return len(built)


def _write(built: list[PublishedTable], context: Context, today: dt.date) -> None:
    PublishedTable.objects.bulk_create(
        built,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["scope", "key"],
        update_fields=["data", "built_at"],
    )
    audit_record(
        actor=SYSTEM,
        action=Action.UPDATE,
        purpose=Purpose.MONITORING,
        context=context,
        object_type="monitor",
        detail={"tables": len(built), "as_of": today.isoformat()},
    )
