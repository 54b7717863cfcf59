"""The monitor's published tables as JSON, for partners' own dashboards.

Built from the same ``Dashboard`` the page and the CSV export are built from, so the JSON
carries exactly their cells: a number where the page shows one, and otherwise the page's
marker ("<10" or "x") with no value. Nothing here reads a published table itself.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ketenzicht.common.context import request_context
from ketenzicht.common.ratelimit import ApiThrottle, UserScopeThrottle
from ketenzicht.monitor.exports import TITLES
from ketenzicht.monitor.selectors import Area, Cell, Dashboard, Table, monitor_dashboard

from .monitor_serializers import EXAMPLE, NOT_ESTIMABLE, MonitorSerializer
from .views import EXPLANATION, ActorMixin


def _cell(cell: Cell) -> dict[str, Any]:
    # The marker is the page's own text for a suppressed cell: a value is never sent beside it.
    return {"value": cell.value, "marker": None if cell.value is not None else cell.text}


def _area(area: Area) -> dict[str, str]:
    return {"code": area.code, "name": area.name, "kind": area.kind}


def _table(table: Table) -> dict[str, Any]:
    return {
        "key": table.key,
        "title": str(TITLES.get(table.key, table.key)),
        "columns": [
            {"code": code, "label": label}
            for code, label in zip(table.column_codes, table.columns, strict=True)
        ],
        "rows": [
            {
                "code": row.code,
                "label": row.label,
                "cells": [_cell(c) for c in row.cells],
                "extra": row.extra or None,
            }
            # Only rows that add up have a total; a null object would need "nullable"
            # beside an "allOf", which OpenAPI 3.0 does not define: the key is left out.
            | ({"total": _cell(row.total)} if row.total else {})
            for row in table.rows
        ],
        "totals": [_cell(c) for c in table.totals],
        "extraLabel": table.extra_label or None,
        "extraTotal": table.extra_total or None,
    } | ({"total": _cell(table.total)} if table.total else {})


def _estimate(data: dict[str, Any]) -> dict[str, Any]:
    """The hidden number as the page shows it: numbers only when there is a finite
    estimate; otherwise ``estimable: false`` and why, never a number in its place."""
    estimable = data.get("estimate") is not None
    if estimable:
        reason = None
    elif data.get("reason") == "not_estimable":
        # No finite estimate exists; ``why`` says which case it is.
        reason = data.get("why") or "not_identified"
    else:
        reason = data.get("reason")  # too few victims, or too little overlap, to estimate
    # The page names the observed count beside an estimate or a "not estimable", not
    # beside "too few"; the JSON says no more than the page.
    shows_observed = estimable or data.get("reason") == "not_estimable"
    bca, wald = data.get("bca") or [None, None], data.get("wald") or [None, None]
    return {
        "estimable": estimable,
        "reason": reason,
        "observed": data.get("observed") if shows_observed else None,
        "estimate": data.get("estimate") if estimable else None,
        "ciLow": bca[0] if estimable else None,
        "ciHigh": bca[1] if estimable else None,
        "ciMethod": "bca" if estimable else None,
        "waldCiLow": wald[0] if estimable else None,
        "waldCiHigh": wald[1] if estimable else None,
        "model": list(data.get("model") or []) if estimable else [],
        "lists": list(data.get("lists") or []) if estimable else [],
        "listsApart": list(data.get("apart") or []) if reason == "lists_apart" else [],
    }


def monitor_data(dashboard: Dashboard) -> dict[str, Any]:
    return {
        "area": _area(dashboard.area),
        "periodFrom": dashboard.period_from,
        "periodTo": dashboard.period_to,
        "publishedAt": dashboard.built_at,
        "tables": [_table(t) for t in dashboard.tables.values()],
        "comparison": [
            {"area": _area(area), "signals": _cell(cell)} for area, cell in dashboard.comparison
        ],
        "map": [{"code": m.code, "name": m.name, "signals": _cell(m.cell)} for m in dashboard.map],
    } | ({"estimate": _estimate(dashboard.estimate)} if dashboard.estimate is not None else {})


AREA = OpenApiParameter(
    "area",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description=(
        "The area as the monitor's pages name it: `NL` (the nation), a police unit (`PO1`), "
        "a province (`PV20`), a size class (`GK1`..`GK5`) or a municipality (`GM1950`)."
    ),
)


class MonitorThrottle(UserScopeThrottle):
    """The monitor's downloads share one limit, whether a file or this JSON."""

    scope = "export"


class MonitorArea(ActorMixin, APIView):
    throttle_classes = [ApiThrottle, MonitorThrottle]

    @extend_schema(
        operation_id="monitor_read",
        tags=["monitor"],
        summary="The monitor's published tables of one area",
        description=(
            "Counts only, the protected tables the monitor's page shows for the area, with "
            "the same suppression: a number where the page shows one, otherwise its marker "
            '("<10" or "x") and no value. The national area adds the map\'s figures per '
            "municipality and the hidden-number estimate (`estimable: false` with a `reason` "
            "where no finite estimate exists). Municipal analysts read their own "
            "municipality; the national monitor and coordinators every area. An area you may "
            "not see answers like an unknown one: 404. Audited as an export; limited like "
            "the monitor's downloads."
        ),
        parameters=[AREA, EXPLANATION],
        responses=MonitorSerializer,
        examples=[EXAMPLE, NOT_ESTIMABLE],
    )
    def get(self, request: Request, area: str) -> Response:
        dashboard = monitor_dashboard(
            actor=self.actor(request),
            context=request_context(request, "api"),
            scope=area,
            exporting="json",
        )
        if dashboard is None:
            raise exceptions.NotFound()
        return Response(MonitorSerializer(monitor_data(dashboard)).data)
