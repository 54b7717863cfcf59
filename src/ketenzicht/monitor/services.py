"""Writes of the monitor: rebuilding the published tables (in the worker)."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from typing import Any

from django.db import transaction
from django.utils import timezone

from ketenzicht.accounts.actor import SYSTEM
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import Context
from ketenzicht.geo.models import Municipality
from ketenzicht.signals.models import Kind

from . import disclosure, estimation, publication, tables
from .disclosure import PROTECTION, THRESHOLD
from .models import PublishedTable

PEOPLE_TABLES = ("people", "people_kind", "people_age", "people_nationality")


def _distinct(counts: tables.Counts, type_codes: list[str]) -> dict[str, dict[str, Any]]:
    """Distinct people of one area, four tables that share the first row (``*``, everyone
    together): per form of exploitation and per kind of signal (a person may be under
    several, so the rows do not add up, but everyone is under at least one), per age group
    and per nationality group (one each, so those rows add up to the first). Small counts could
    still be worked out from these relations (18 people over two forms of 9), so each
    column is protected with all four at once (``disclosure.protect_people``). Wider areas
    are checked against their municipalities afterwards (``_guard_wider_areas``)."""
    columns = tables.ROLES
    rows = {
        "people": type_codes,
        "people_kind": [f"kind:{k}" for k in tables.KINDS],
        "people_age": [f"age:{g}" for g in tables.AGES],
        "people_nationality": [f"nat:{g}" for g in tables.NATIONALITIES],
    }
    kinds = {
        "people": disclosure.OVERLAP,
        "people_kind": disclosure.OVERLAP,
        "people_age": disclosure.PARTITION,
        "people_nationality": disclosure.PARTITION,
    }
    raw = {
        key: [[counts.get((r, c), 0) for c in columns] for r in ["*", *codes]]
        for key, codes in rows.items()
    }
    cells: dict[str, list[list[int | None]]] = {
        key: [list(row) for row in table] for key, table in raw.items()
    }
    for j, role in enumerate(columns):
        total = counts.get(("*", role), 0)
        keys = []
        for key in PEOPLE_TABLES:
            parts = [row[j] for row in raw[key][1:]]
            if kinds[key] == disclosure.OVERLAP and sum(parts) < total:
                # Someone under no form (a form removed from the vocabulary since): the
                # rows no longer cover the total as readers assume. Not shown at all.
                for row in cells[key][1:]:
                    row[j] = None
                continue
            keys.append(key)
        groupings = [(kinds[key], [row[j] for row in raw[key][1:]]) for key in keys]
        total_hidden, protected = disclosure.protect_people(total, groupings)
        for key, (hidden, _small) in zip(keys, protected, strict=True):
            for i, is_hidden in enumerate(hidden, start=1):
                if is_hidden:
                    cells[key][i][j] = None
        if total_hidden:
            for key in PEOPLE_TABLES:
                cells[key][0][j] = None
    return {
        key: {
            "additive": False,
            "rows": ["*", *rows[key]],
            "columns": columns,
            "cells": cells[key],
            "small": [[v < THRESHOLD for v in row] for row in raw[key]],
        }
        for key in PEOPLE_TABLES
    }


def _guard_wider_areas(
    people: dict[str, dict[str, dict[str, Any]]],
    scopes: list[publication.Scope],
    municipalities: list[str],
) -> None:
    """A wider area's people are its municipalities' people together, so its figure is at
    most the sum of theirs: the figure minus the municipalities' published ones is a lower
    bound on the hidden ones. Where that narrows a hidden municipal "<10" below the
    protection interval (a province of 70 with five municipalities published at 61 and one
    "<10": it is 9; at 65, it is 5 to 9), the wider area's figure is hidden too ("x");
    hiding more never gives anything away."""
    for scope in scopes:
        if scope.level == "municipality" or scope.code not in people:
            continue
        members = [people[municipalities[int(m)]] for m in scope.members]
        for key, data in people[scope.code].items():
            for i, row in enumerate(data["cells"]):
                for j, value in enumerate(row):
                    if value is None:
                        continue
                    shown = limits = 0
                    for member in members:
                        cell = member[key]["cells"][i][j]
                        if cell is not None:
                            shown += cell
                        elif member[key]["small"][i][j]:
                            limits += THRESHOLD - 1
                        else:
                            limits = -1  # an "x" has no upper limit: nothing is forced
                            break
                    # Each hidden "<10" is at least what the others leave at their most.
                    if limits > 0 and value - shown > limits - PROTECTION:
                        row[j] = None


def _median_days(
    codes: list[str], follow: tables.FollowUp, data: dict[str, Any]
) -> list[float | None]:
    """Median working days to an outcome per receiving body in the area: only where the
    body's referrals are published and at least 10 reached an outcome (a median of a few
    would say too much about each)."""
    out: list[float | None] = []
    reached = [tables.FOLLOW_UP.index("in_time"), tables.FOLLOW_UP.index("late")]
    for i, body in enumerate(follow.bodies):
        durations = [d for m in codes for d in follow.days.get(m, {}).get(body, [])]
        # A median says "ten or more outcomes": only where a published cell says so already.
        shown = any(data["cells"][i][j] is not None for j in reached)
        out.append(statistics.median(durations) if shown and len(durations) >= THRESHOLD else None)
    return out


def _sharing_table(counts: tables.Counts, window: dict[str, Any]) -> dict[str, Any] | None:
    """The sharing health figure: soft signals per type of reporting organisation, shared
    beyond it or not, with the share shared. A national table of its own (protected on its
    own); its grand total, and the sum of its rows, is the national number of soft signals
    in the trend table, so where that is hidden the table is not published."""
    kinds = sorted({kind for kind, _column in counts})
    if not kinds:
        return None
    raw = [[counts.get((k, c), 0) for c in tables.SHARING] for k in kinds]
    protected = disclosure.protect(raw)
    row_raw = [sum(row) for row in raw]
    column_raw = [sum(column) for column in zip(*raw, strict=True)]
    column_totals, total = protected.column_totals, protected.total
    if window["cells"][tables.KINDS.index(Kind.SOFT.value)] is None:
        # The rows add up to the hidden national soft count too: no table at all.
        return None

    def share(shared: int | None, all_: int | None) -> int | None:
        return round(100 * shared / all_) if shared is not None and all_ else None

    return {
        "additive": True,
        "rows": kinds,
        "columns": tables.SHARING,
        "cells": protected.cells,
        "small": [[v < THRESHOLD for v in row] for row in raw],
        "row_totals": protected.row_totals,
        "row_small": [v < THRESHOLD for v in row_raw],
        "column_totals": column_totals,
        "column_small": [v < THRESHOLD for v in column_raw],
        "total": total,
        "total_small": sum(row_raw) < THRESHOLD,
        "percent": [
            share(row[0], row_total)
            for row, row_total in zip(protected.cells, protected.row_totals, strict=True)
        ],
        "percent_total": share(column_totals[0], total),
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
        if wald.infinite:
            # Said, with the reason, where the number would be: never a number.
            return base | {
                "estimate": None,
                "reason": "not_estimable",
                "why": wald.why,
                "apart": wald.apart,
            }
        bca = estimation.estimate(
            table, ci="bca", resamples=1000, seed=estimation.DEFAULT_SEED, workers=1
        )
        numbers = [wald.estimate, wald.ci_low, wald.ci_high, bca.ci_low, bca.ci_high]
        if not all(v is not None and math.isfinite(v) for v in numbers):
            return base | {"estimate": None, "reason": "not_estimable", "why": "interval"}
    except (estimation.EstimationError, ArithmeticError, ValueError):
        # estimate() says when no finite estimate exists; this is the safety net for the
        # unforeseen: a table the model cannot estimate from must not stop the others.
        return base | {"estimate": None, "reason": "not_estimable", "why": "not_identified"}
    return base | {
        "estimate": round(wald.estimate or 0),
        "wald": [round(wald.ci_low or 0), round(wald.ci_high or 0)],
        "bca": [round(bca.ci_low or 0), round(bca.ci_high or 0)],
        "model": wald.model,
        "minus_infinity": wald.minus_infinity,
        "warnings": wald.warnings,
    }


def published_period() -> str | None:
    """The quarter the published tables run to, if any are published."""
    row = PublishedTable.objects.filter(scope=tables.NATION, key="trend").first()
    return row.data.get("period") if row else None


def monitor_rebuild(*, context: Context, today: dt.date | None = None, revise: bool = False) -> int:
    """Count and protect every fixed table for every area, once a quarter is complete;
    returns the number of tables written (0 when the last completed quarter is published
    already). ``revise`` publishes the same period again (after corrections): a revision can
    be compared with the earlier version, so it is audited as one and should be rare."""
    today = today or timezone.localdate()
    period = tables.period(today)
    if not revise and published_period() == period:
        return 0
    areas = tables.Areas.load()
    municipalities = list(Municipality.objects.order_by("code").values_list("code", flat=True))
    scopes = publication.scopes(areas, municipalities)
    quarter_labels = [f"{y}-Q{q}" for y, q in tables.quarters(today)]
    type_codes = tables.type_codes()
    last_year = range(len(quarter_labels) - 4, len(quarter_labels))
    trend = publication.Family(
        municipalities, scopes, quarter_labels, tables.KINDS, window=last_year
    ).publish(tables.trend(today))
    types = publication.Family(municipalities, scopes, type_codes, tables.KINDS).publish(
        tables.types(today)
    )
    people = tables.people(today)
    # People are counted per municipality, unit and province (tables.people), not per size
    # class.
    people_tables = {
        scope.code: _distinct(people.get(scope.code, {}), type_codes)
        for scope in scopes
        if scope.division != "size"
    }
    _guard_wider_areas(people_tables, scopes, municipalities)
    follow = tables.follow_up(today)
    followup = (
        publication.Family(municipalities, scopes, follow.bodies, tables.FOLLOW_UP).publish(
            follow.counts
        )
        if follow.bodies
        else {}
    )
    start, end = tables.twelve_months(today)
    stamp = {
        "period": period,
        "from": start.date().isoformat(),
        "to": (end - dt.timedelta(days=1)).date().isoformat(),
    }
    now = timezone.now()
    built = []
    for scope in scopes:
        code = scope.code
        published = [("trend", trend[code]), ("types", types[code])]
        if code in people_tables:
            published += list(people_tables[code].items())
        for key, data in published:
            built.append(PublishedTable(scope=code, key=key, data=data | stamp, built_at=now))
        if followup:
            members = [municipalities[int(i)] for i in scope.members]
            medians = _median_days(members, follow, followup[code])
            data = followup[code] | {"median_days": medians}
            built.append(
                PublishedTable(scope=code, key="followup", data=data | stamp, built_at=now)
            )
    sharing_data = _sharing_table(tables.sharing(today), trend[tables.NATION]["window"])
    if sharing_data:
        built.append(
            PublishedTable(
                scope=tables.NATION, key="sharing", data=sharing_data | stamp, built_at=now
            )
        )
    # The map repeats the municipalities' twelve-month figures, protected with them above.
    windows = {m: trend[m]["window"] for m in municipalities}
    national = trend[tables.NATION]["window"]
    map_data = {
        "additive": True,
        "rows": municipalities,
        "columns": ["signals"],
        "cells": [[windows[m]["total"]] for m in municipalities],
        "small": [[windows[m]["total_small"]] for m in municipalities],
        "total": national["total"],
        "total_small": national["total_small"],
    }
    built += [
        PublishedTable(
            scope=tables.NATION, key="estimate", data=_hidden_number(today) | stamp, built_at=now
        ),
        PublishedTable(scope=tables.NATION, key="map", data=map_data | stamp, built_at=now),
    ]
    # Counting and estimating happen outside the transaction; only the writes are in it.
    with transaction.atomic():
        _write(built, context, period, revise)
        # What this period has no table for (areas that no longer exist, a follow-up table
        # without referrals) is not left standing from an earlier period.
        PublishedTable.objects.exclude(built_at=now).delete()
    return len(built)


def _write(built: list[PublishedTable], context: Context, period: str, revise: bool) -> None:
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
        detail={"tables": len(built), "period": period, "revision": revise},
    )
