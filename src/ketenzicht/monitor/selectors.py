"""Reads of the monitor: the published (protected) tables of an area, with what a reader
needs to understand them. Counts only; audited with the purpose "monitoring"."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import Location, Organisation, OrganisationType
from ketenzicht.audit.models import Action, Purpose, Result
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import Context
from ketenzicht.geo.models import Municipality
from ketenzicht.geo.shapes import municipality_paths
from ketenzicht.geo.sizes import LABELS as SIZE_LABELS
from ketenzicht.geo.sizes import size_class
from ketenzicht.signals.models import Kind, SubjectRole
from ketenzicht.taxonomy.models import ExploitationType

from . import access
from .tables import NATION


@dataclass(frozen=True)
class Cell:
    value: int | None
    small: bool  # suppressed for being below 10 ("<10"); else suppressed to protect ("x")

    @property
    def text(self) -> str:
        if self.value is not None:
            return f"{self.value:,}".replace(",", ".")
        return "<10" if self.small else "x"


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell]
    total: Cell | None = None
    extra: str = ""  # a figure that does not add up (median days), after the total
    code: str = ""  # the row's code in the published table (for the API)


@dataclass(frozen=True)
class Table:
    key: str
    columns: list[str]
    rows: list[Row]
    totals: list[Cell] = field(default_factory=list)
    total: Cell | None = None
    extra_label: str = ""  # heading of the rows' ``extra`` column, if any
    extra_total: str = ""  # the same figure for the total row
    column_codes: list[str] = field(default_factory=list)  # the columns' codes (for the API)


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    kind: str  # nation, unit, province, municipality

    @property
    def label(self) -> str:
        """The name with what kind of area it is where names repeat (the police unit
        Amsterdam beside the municipality)."""
        kinds = {"unit": _("police unit"), "province": _("province")}
        return f"{self.name} ({kinds[self.kind]})" if self.kind in kinds else self.name


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    path: str
    cell: Cell
    band: str  # the colour class: small, hidden, or a range


BANDS = ((100, "100+"), (50, "50-99"), (25, "25-49"), (10, "10-24"))


def _band(cell: Cell) -> str:
    if cell.value is None:
        return "small" if cell.small else "hidden"
    return next(label for floor, label in BANDS if cell.value >= floor)


def _map(data: dict[str, Any]) -> tuple[list[MapArea], tuple[int, int], str]:
    """The map's areas, its size, and a key that changes whenever what the map shows does:
    the rendered map (342 paths and a 342-row table) is cached under it."""

    paths, size = municipality_paths()
    names = dict(Municipality.objects.values_list("code", "name"))
    out = []
    for i, code in enumerate(data["rows"]):
        cell = Cell(data["cells"][i][0], data["small"][i][0])
        if code in paths:
            out.append(MapArea(code, names.get(code, code), paths[code], cell, _band(cell)))
    shown = [(m.code, m.name, m.cell.value, m.cell.small) for m in out]
    key = hashlib.sha256(json.dumps([size, shown]).encode()).hexdigest()
    return out, size, key


@dataclass(frozen=True)
class Dashboard:
    area: Area
    tables: dict[str, Table]
    comparison: list[tuple[Area, Cell]]  # signals in the last twelve months per area
    built_at: Any
    estimate: dict[str, Any] | None = None  # the hidden number (national dashboard only)
    map: list[MapArea] = field(default_factory=list)  # per municipality (national only)
    map_size: tuple[int, int] = (0, 0)
    map_key: str = ""  # changes with what the map shows (the rendered map is cached under it)
    period_from: dt.date | None = None  # the four completed quarters counted
    period_to: dt.date | None = None
    # Where people are received or housed in a municipality: (name, kind, organisation).
    locations: list[tuple[str, str, str]] = field(default_factory=list)
    sizes_loaded: bool = False  # inhabitants known for every municipality (size classes)


# Protected reception (shelters with confidential addresses) is never listed.
RECEPTION_KINDS = ("reception_centre", "application_centre")


def _reception_locations(municipality: str) -> list[tuple[str, str, str]]:
    """Reception locations in a municipality: public facts about organisations, no counts
    (a count of residents flagged there would be a small number about people)."""

    locations = Location.objects.filter(
        municipality_id=municipality, kind__in=RECEPTION_KINDS
    ).select_related("organisation")
    return [(x.name, str(x.get_kind_display()), x.organisation.name) for x in locations]


def area(code: str) -> Area | None:
    if code == NATION:
        return Area(NATION, str(_("the Netherlands")), "nation")
    if code in SIZE_LABELS:
        label = str(SIZE_LABELS[code])
        return Area(code, label[:1].upper() + label[1:], "size")
    municipality = Municipality.objects.filter(code=code).first()
    if municipality:
        return Area(code, municipality.name, "municipality")
    for field_code, field_name, kind in (
        ("police_unit_code", "police_unit_name", "unit"),
        ("province_code", "province_name", "province"),
    ):
        name = (
            Municipality.objects.filter(**{field_code: code})
            .values_list(field_name, flat=True)
            .first()
        )
        if name:
            return Area(code, name, kind)
    return None


GROUP_LABELS = {
    "kind:hard": gettext_lazy("Named in a hard signal"),
    "kind:soft": gettext_lazy("Named in a soft signal"),
    "age:0-17": gettext_lazy("0 to 17 years (minors)"),
    "age:18-24": gettext_lazy("18 to 24 years"),
    "age:25-34": gettext_lazy("25 to 34 years"),
    "age:35-49": gettext_lazy("35 to 49 years"),
    "age:50+": gettext_lazy("50 years or older"),
    "age:unknown": gettext_lazy("Age unknown"),
    "nat:nl": gettext_lazy("Dutch"),
    "nat:eu": gettext_lazy("Other EU or EEA country, or Switzerland"),
    "nat:other": gettext_lazy("Outside the EU and EEA, or stateless"),
    "nat:unknown": gettext_lazy("Nationality unknown"),
}

FOLLOW_UP_LABELS = {
    "in_time": gettext_lazy("Outcome within the deadline"),
    "late": gettext_lazy("Outcome after the deadline"),
    "overdue": gettext_lazy("Open, past the deadline"),
    "open": gettext_lazy("Open, within the deadline"),
}


def _labels(bodies: list[str]) -> dict[str, str]:
    labels = {k.value: str(k.label) for k in Kind}
    labels |= {k: str(v) for k, v in FOLLOW_UP_LABELS.items()}
    labels |= {k: str(v) for k, v in GROUP_LABELS.items()}
    labels |= {k: str(v) for k, v in OrganisationType.choices}
    labels |= {
        "shared": str(_("Shared beyond the reporting organisation")),
        "not_shared": str(_("Not shared")),
    }
    # Receiving bodies are organisations; their codes may equal a type's code ("coa"), so
    # their names apply to the follow-up table only (``_table``).
    labels |= {
        f"body:{code}": name
        for code, name in Organisation.objects.filter(code__in=bodies).values_list("code", "name")
    }
    labels |= {r.value: str(r.label) for r in SubjectRole}
    labels |= {t.code: t.label for t in ExploitationType.objects.all()}
    labels["*"] = str(_("All forms together"))
    return labels


def _table(key: str, data: dict[str, Any], labels: dict[str, str]) -> Table:
    extra, extra_label = _extra(data)
    if key == "followup":
        labels = labels | {code: labels.get(f"body:{code}", code) for code in data["rows"]}
    if key in ("people_kind", "people_age", "people_nationality"):
        labels = labels | {"*": str(_("Everyone"))}
    rows = [
        Row(
            labels.get(code, code),
            [Cell(v, s) for v, s in zip(data["cells"][i], data["small"][i], strict=True)],
            Cell(data["row_totals"][i], data["row_small"][i]) if data["additive"] else None,
            extra[i] if extra else "",
            code,
        )
        for i, code in enumerate(data["rows"])
    ]
    columns = [labels.get(c, c) for c in data["columns"]]
    if not data["additive"]:
        return Table(key, columns, rows, column_codes=list(data["columns"]))
    return Table(
        key,
        columns,
        rows,
        [Cell(v, s) for v, s in zip(data["column_totals"], data["column_small"], strict=True)],
        Cell(data["total"], data["total_small"]),
        extra_label,
        _percent(data["percent_total"]) if data.get("percent") else "",
        list(data["columns"]),
    )


def _percent(value: int | None) -> str:
    return "–" if value is None else f"{value}%"


def _extra(data: dict[str, Any]) -> tuple[list[str], str]:
    """A column beside the totals that does not add up: median days or a percentage."""
    if data.get("median_days"):
        return [_days(v) for v in data["median_days"]], str(_("Median working days to an outcome"))
    if data.get("percent"):
        label = str(_("Share shared beyond the reporting organisation"))
        return [_percent(v) for v in data["percent"]], label
    return [], ""


def _days(value: float | None) -> str:
    if value is None:
        return "–"
    # A median of an even number of durations can end in .5.
    return str(int(value)) if value == int(value) else formats.number_format(value, 1)


@transaction.atomic
def monitor_dashboard(
    *, actor: Actor, context: Context, scope: str, exporting: str = ""
) -> Dashboard | None:
    """The dashboard of one area, or None (and a denied audit event) when the actor may not
    see it or it does not exist; ``exporting`` names the format of an export (a file, or
    ``json`` for the API)."""
    known_format = not exporting or exporting in ("csv", "xlsx", "pdf", "json")
    # Area codes are short and alphanumeric; anything else is no area, and is not looked
    # up (PostgreSQL refuses a NUL in a query: a 500 instead of the 404 of an unknown area).
    plausible = scope.isascii() and scope.isalnum() and len(scope) <= 8
    allowed = plausible and access.may_view_monitor_area(actor, scope) and known_format
    shown = area(scope) if allowed else None
    published = (
        {t.key: t for t in access.monitor_scopes(actor).filter(scope=scope)} if shown else {}
    )
    audit_record(
        actor=actor,
        action=Action.EXPORT if exporting else Action.VIEW,
        purpose=Purpose.MONITORING,
        context=context,
        object_type="monitor",
        object_id=scope[:8],
        result=Result.OK if shown and published else Result.DENIED,
        detail={"format": exporting[:8]} if exporting else None,
    )
    if shown is None or not published:
        return None
    bodies = published["followup"].data["rows"] if "followup" in published else []
    labels = _labels(bodies)
    estimate = published.pop("estimate").data if "estimate" in published else None
    map_areas, map_size, map_key = (
        _map(published.pop("map").data) if "map" in published else ([], (0, 0), "")
    )
    if estimate is not None:
        estimate = estimate | {
            "list_labels": [_list_label(c) for c in estimate["lists"]],
            # Pairs of lists as "a:b" codes, said with the kinds' names.
            "apart_labels": [
                " – ".join(_list_label(c) for c in pair.split(":"))
                for pair in estimate.get("apart", [])
            ],
        }
    order = (
        "trend",
        "types",
        "people",
        "people_kind",
        "people_age",
        "people_nationality",
        "followup",
        "sharing",
    )
    tables = {key: _table(key, published[key].data, labels) for key in order if key in published}
    comparison = []
    others = [scope]
    sizes_loaded = not Municipality.objects.filter(population__isnull=True).exists()
    if shown.kind == "municipality":
        m = Municipality.objects.get(code=scope)
        others += [m.police_unit_code, m.province_code]
        if sizes_loaded and (size := size_class(m.population)):
            others.append(size)
    if scope != NATION:
        others.append(NATION)
    trends = {
        row.scope: row.data
        for row in access.monitor_scopes(actor).filter(scope__in=others, key="trend")
    }
    for code in others:
        data = trends.get(code)
        other = area(code)
        if data and other and "window" in data:
            window = data["window"]
            comparison.append((other, Cell(window["total"], window["total_small"])))
    first = next(iter(published.values()))
    period = [
        dt.date.fromisoformat(first.data[k]) if first.data.get(k) else None for k in ("from", "to")
    ]
    locations = _reception_locations(scope) if shown.kind == "municipality" else []
    return Dashboard(
        shown,
        tables,
        comparison,
        first.built_at,
        estimate,
        map_areas,
        map_size,
        map_key,
        period_from=period[0],
        period_to=period[1],
        locations=locations,
        sizes_loaded=sizes_loaded,
    )


def _list_label(code: str) -> str:
    if code == "other":
        return str(_("other organisations"))
    return str(dict(OrganisationType.choices).get(code, code))
