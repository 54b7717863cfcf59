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

from django.db.models import Count
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone

from ketenzicht.followup.deadlines import working_days_between
from ketenzicht.followup.models import Referral
from ketenzicht.geo.models import Municipality
from ketenzicht.geo.sizes import size_class
from ketenzicht.persons.validation import DobPrecision
from ketenzicht.sharing.selectors import shared_beyond_reporter
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


# Age on the day of the person's first signal in the period; nationality groups.
AGE_GROUPS: list[tuple[str, int, int | None]] = [
    ("0-17", 0, 18),
    ("18-24", 18, 25),
    ("25-34", 25, 35),
    ("35-49", 35, 50),
    ("50+", 50, None),
]
AGES = [code for code, _low, _high in AGE_GROUPS] + ["unknown"]
NATIONALITIES = ["nl", "eu", "other", "unknown"]
# The other member states of the EU and the EEA, and Switzerland (free movement of persons).
EU_EEA = frozenset(
    [
        "AUT",
        "BEL",
        "BGR",
        "HRV",
        "CYP",
        "CZE",
        "DNK",
        "EST",
        "FIN",
        "FRA",
        "DEU",
        "GRC",
        "HUN",
        "IRL",
        "ITA",
        "LVA",
        "LTU",
        "LUX",
        "MLT",
        "POL",
        "PRT",
        "ROU",
        "SVK",
        "SVN",
        "ESP",
        "SWE",
        "ISL",
        "LIE",
        "NOR",
        "CHE",
    ]
)


def age_group(born: dt.date | None, on: dt.date) -> str:
    if born is None:
        return "unknown"
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return next(
        (code for code, low, high in AGE_GROUPS if age >= low and (high is None or age < high)),
        "unknown",
    )


def nationality_group(code: str) -> str:
    code = (code or "").upper()
    if code == "NLD":
        return "nl"
    if code in EU_EEA:
        return "eu"
    # XXX is "unspecified" in travel documents; stateless people (XXA) are outside the EU.
    known = len(code) == 3 and code.isalpha() and code != "XXX"
    return "other" if known else "unknown"


@dataclass
class _Person:
    born: dt.date | None = None
    nationality: str = ""
    first: dt.datetime | None = None


def people(today: dt.date) -> dict[str, Counts]:
    """Distinct presumed victims and perpetrators named in signals of the last twelve months,
    per area and role (columns): all together (``*``); per form of exploitation and per
    kind of signal (``kind:hard``, ``kind:soft``; a person may be under several); per age
    group and per nationality group (one each: the first known date of birth and
    nationality among the person's records). A person is one person cluster, or a record
    outside any cluster (``persons.selectors``)."""
    start, end = twelve_months(today)
    subjects = (
        Subject.objects.filter(
            signal__received_at__gte=start, signal__received_at__lt=end, role__in=ROLES
        )
        .order_by("signal__received_at", "signal_id", "record_id")
        .values_list(
            "signal_id",
            "signal__received_at",
            "signal__municipality_id",
            "signal__municipality__police_unit_code",
            "signal__municipality__province_code",
            "role",
            "record__cluster_id",
            "record_id",
            "record__date_of_birth",
            "record__dob_precision",
            "record__nationality",
            "signal__kind",
        )
    )
    through = Signal.exploitation_types.through
    forms: dict[Any, set[str]] = defaultdict(set)
    for signal_id, code in through.objects.filter(
        signal__received_at__gte=start, signal__received_at__lt=end
    ).values_list("signal_id", "exploitationtype__code"):
        forms[signal_id].add(code)
    persons: dict[str, _Person] = defaultdict(_Person)
    named: dict[tuple[str, str], set[str]] = defaultdict(set)  # (scope, role) -> persons
    per_form: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for row in subjects.iterator(chunk_size=5000):
        signal_id, received, municipality, unit, province, role = row[:6]
        cluster, record, born, precision, nationality, kind = row[6:]
        key = f"c{cluster}" if cluster is not None else f"r{record}"
        person = persons[key]
        person.first = person.first or received
        if person.born is None and born is not None and precision != DobPrecision.UNKNOWN:
            person.born = born
        person.nationality = person.nationality or nationality
        for scope in (NATION, municipality, unit, province):
            if scope is None:
                continue
            named[(scope, role)].add(key)
            for code in (*forms.get(signal_id, ()), f"kind:{kind}"):
                per_form[(scope, code, role)].add(key)
    out: dict[str, Counts] = defaultdict(dict)
    for (scope, role), keys in named.items():
        out[scope][("*", role)] = len(keys)
        for key in keys:
            person = persons[key]
            on = timezone.localdate(person.first) if person.first else today
            for row_code in (
                f"age:{age_group(person.born, on)}",
                f"nat:{nationality_group(person.nationality)}",
            ):
                out[scope][(row_code, role)] = out[scope].get((row_code, role), 0) + 1
    for (scope, code, role), keys in per_form.items():
        out[scope][(code, role)] = len(keys)
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
    bodies: list[str]  # receiving bodies' codes, in alphabetical order


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
    # In a fixed order: sorted by volume, the order itself would say which hidden figure is
    # larger than which.
    bodies = sorted(volume)
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
