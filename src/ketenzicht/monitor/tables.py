"""The monitor's fixed tables and how they are counted from the chain's signals.

Only completed calendar quarters are counted: a figure for a period that is still running
would change with every new signal, and two versions side by side would show where and
what the latest signal was. Signal counts are counted per municipality of the signal (the
areas above are their sums, ``monitor.publication``); counts of distinct people (person
clusters, ADR 0009) do not add up across rows or areas, so they are counted per area and
protected cell by cell.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone

from ketenzicht.followup.deadlines import working_days_between
from ketenzicht.followup.models import Referral
from ketenzicht.geo.models import Municipality
from ketenzicht.geo.sizes import size_class
from ketenzicht.signals.models import Kind, Signal, Subject, SubjectRole
from ketenzicht.taxonomy.models import ExploitationType

NATION = "NL"
QUARTERS = 8
KINDS = [Kind.HARD.value, Kind.SOFT.value]
ROLES = [SubjectRole.PRESUMED_VICTIM.value, SubjectRole.PRESUMED_PERPETRATOR.value]

Counts = dict[tuple[str, str], int]  # (row, column) -> count


@dataclass(frozen=True)
class Areas:
    """Which larger areas each municipality belongs to: its police unit, its province and,
    once inhabitants are loaded for every municipality, its size class."""

    unit: dict[str, str]
    province: dict[str, str]
    size: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Areas:
        unit, province, size = {}, {}, {}
        for code, unit_code, province_code, population in Municipality.objects.values_list(
            "code", "police_unit_code", "province_code", "population"
        ):
            unit[code], province[code] = unit_code, province_code
            size[code] = size_class(population) or ""
        # Size classes only when every municipality has a number: a class missing some of
        # its municipalities would compare wrongly.
        return cls(unit, province, size if all(size.values()) else {})


def quarters(today: dt.date, count: int = QUARTERS) -> list[tuple[int, int]]:
    """The last ``count`` completed calendar quarters before today's, oldest first."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    out = []
    for _ in range(count):
        out.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return out[::-1]


def quarter_start(year: int, quarter: int) -> dt.datetime:
    # In the zone the quarters are extracted in, so the first hours are not lost.
    return dt.datetime(year, 3 * (quarter - 1) + 1, 1, tzinfo=timezone.get_current_timezone())


def period(today: dt.date) -> str:
    """The last completed quarter: what a publication made today covers."""
    year, quarter = quarters(today, 1)[0]
    return f"{year}-Q{quarter}"


def period_end(today: dt.date) -> dt.datetime:
    """The start of today's quarter: nothing from here on is counted yet."""
    return quarter_start(today.year, (today.month - 1) // 3 + 1)


def trend(today: dt.date) -> dict[str, Counts]:
    """Signals registered per quarter (rows) and kind (columns), per municipality."""
    wanted = quarters(today)
    rows = (
        Signal.objects.filter(
            received_at__gte=quarter_start(*wanted[0]), received_at__lt=period_end(today)
        )
        .annotate(year=ExtractYear("received_at"), quarter=ExtractQuarter("received_at"))
        .values("municipality_id", "year", "quarter", "kind")
        .annotate(n=Count("pk"))
    )
    per: dict[str, Counts] = defaultdict(dict)
    for row in rows:
        label = f"{row['year']}-Q{row['quarter']}"
        per[row["municipality_id"]][(label, row["kind"])] = row["n"]
    return per


def twelve_months(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The four completed quarters before today's, as ``[start, end)``."""
    return quarter_start(*quarters(today, 4)[0]), period_end(today)


def types(today: dt.date) -> dict[str, Counts]:
    """Signals of the last four completed quarters per exploitation type (rows) and kind
    (columns), per municipality; a signal naming two types counts in both rows."""
    through = Signal.exploitation_types.through
    start, end = twelve_months(today)
    rows = (
        through.objects.filter(signal__received_at__gte=start, signal__received_at__lt=end)
        .values("signal__municipality_id", "exploitationtype__code", "signal__kind")
        .annotate(n=Count("pk"))
    )
    per: dict[str, Counts] = defaultdict(dict)
    for row in rows:
        key = (row["exploitationtype__code"], row["signal__kind"])
        per[row["signal__municipality_id"]][key] = row["n"]
    return per


SCOPE_FIELDS = {
    "municipality": "signal__municipality_id",
    "unit": "signal__municipality__police_unit_code",
    "province": "signal__municipality__province_code",
}


def _distinct(subjects: QuerySet[Subject], group: list[str]) -> list[dict[str, Any]]:
    """Distinct people per group: one per person cluster, and every record outside any
    cluster as a person of its own (``persons.selectors.distinct_persons``)."""
    rows = subjects.values(*group).annotate(
        clusters=Count("record__cluster_id", distinct=True),
        unlinked=Count("record_id", distinct=True, filter=Q(record__cluster__isnull=True)),
    )
    return [dict(row) for row in rows]


def people(today: dt.date) -> dict[str, Counts]:
    """Distinct presumed victims and perpetrators named in signals of the last twelve months,
    per exploitation type (rows; ``*`` is all types together) and role (columns)."""
    start, end = twelve_months(today)
    subjects = Subject.objects.filter(
        signal__received_at__gte=start, signal__received_at__lt=end, role__in=ROLES
    )
    out: dict[str, Counts] = defaultdict(dict)
    for scope_field in [None, *SCOPE_FIELDS.values()]:
        by = [scope_field] if scope_field else []
        for row in _distinct(subjects, [*by, "role"]):
            scope = str(row[scope_field]) if scope_field else NATION
            out[scope][("*", str(row["role"]))] = row["clusters"] + row["unlinked"]
        for row in _distinct(subjects, [*by, "signal__exploitation_types__code", "role"]):
            scope = str(row[scope_field]) if scope_field else NATION
            code = str(row["signal__exploitation_types__code"])
            out[scope][(code, str(row["role"]))] = row["clusters"] + row["unlinked"]
    return out


def type_codes() -> list[str]:
    codes = ExploitationType.objects.order_by("position", "code").values_list("code", flat=True)
    return list(codes)


MAX_LISTS = 6


def capture_histories(today: dt.date) -> tuple[list[str], list[tuple[tuple[int, ...], int]]]:
    """For multiple systems estimation: distinct presumed victims of the last twelve months
    and which kinds of organisation (the lists) registered a signal naming them. The five
    kinds with most victims are lists of their own; the others together are one list."""
    start, end = twelve_months(today)
    rows = Subject.objects.filter(
        signal__received_at__gte=start,
        signal__received_at__lt=end,
        role=SubjectRole.PRESUMED_VICTIM,
    ).values_list("record__cluster_id", "record_id", "signal__organisation__type")
    seen: dict[str, set[str]] = defaultdict(set)
    for cluster_id, record_id, kind in rows:
        seen[f"c{cluster_id}" if cluster_id is not None else f"r{record_id}"].add(str(kind))
    per_kind: dict[str, int] = defaultdict(int)
    for kinds in seen.values():
        for kind in kinds:
            per_kind[kind] += 1
    ranked = sorted(per_kind, key=lambda k: (-per_kind[k], k))
    lists = ranked[: MAX_LISTS - 1] if len(ranked) > MAX_LISTS else ranked
    other = len(ranked) > MAX_LISTS
    names = [*lists, "other"] if other else lists
    histories: dict[tuple[int, ...], int] = defaultdict(int)
    for kinds in seen.values():
        history = [int(k in kinds) for k in lists]
        if other:
            history.append(int(bool(kinds - set(lists))))
        histories[tuple(history)] += 1
    return names, sorted(histories.items())


# How a referral stood at the end of the period: outcome within or after its deadline, or
# still open, past or within its deadline. Judged at the period's end, so a revision of the
# same period gives the same figures.
FOLLOW_UP = ["in_time", "late", "overdue", "open"]


@dataclass(frozen=True)
class FollowUp:
    counts: dict[str, Counts]  # municipality -> {(receiving body, state): referrals}
    days: dict[str, dict[str, list[int]]]  # municipality -> body -> working days to outcome
    bodies: list[str]  # receiving bodies' codes, most referrals first


def follow_up(today: dt.date) -> FollowUp:
    """Referrals sent in the last four completed quarters for signals in each municipality,
    per receiving body and how they stood at the end of the period, with the working days
    each took to an outcome."""
    start, end = twelve_months(today)
    last_day = (end - dt.timedelta(days=1)).date()
    counts: dict[str, Counts] = defaultdict(lambda: defaultdict(int))
    days: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    volume: dict[str, int] = defaultdict(int)
    rows = Referral.objects.filter(sent_at__gte=start, sent_at__lt=end).values_list(
        "signal__municipality_id", "to_organisation__code", "sent_at", "outcome_due", "outcome_at"
    )
    for municipality, body, sent, due, outcome_at in rows.iterator(chunk_size=5000):
        if municipality is None:
            continue
        if outcome_at is not None and outcome_at < end:
            day = timezone.localdate(outcome_at)
            state = "in_time" if day <= due else "late"
            days[municipality][body].append(working_days_between(timezone.localdate(sent), day))
        else:
            state = "overdue" if due < last_day else "open"
        counts[municipality][(body, state)] += 1
        volume[body] += 1
    bodies = sorted(volume, key=lambda b: (-volume[b], b))
    return FollowUp(
        {m: dict(c) for m, c in counts.items()},
        {m: dict(d) for m, d in days.items()},
        bodies,
    )


SHARING = ["shared", "not_shared"]


def sharing(today: dt.date) -> Counts:
    """Soft signals of the last four completed quarters per type of reporting organisation
    (rows), shared beyond it by the end of the period or not (columns): the sharing health
    figure. National only."""
    from ketenzicht.sharing.selectors import shared_beyond_reporter

    start, end = twelve_months(today)
    rows = (
        Signal.objects.filter(kind=Kind.SOFT, received_at__gte=start, received_at__lt=end)
        .values("organisation__type")
        .annotate(n=Count("pk"), shared=Count("pk", filter=shared_beyond_reporter(end)))
    )
    out: Counts = {}
    for row in rows:
        kind = str(row["organisation__type"])
        out[(kind, "shared")] = row["shared"]
        out[(kind, "not_shared")] = row["n"] - row["shared"]
    return out
