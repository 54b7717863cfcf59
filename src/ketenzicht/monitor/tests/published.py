"""The monitor's stored tables read back as an attacker sees them: which quantities were
shown, which hidden as "<10" and which as "x"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from ketenzicht.geo.models import Municipality
from ketenzicht.monitor import publication, tables
from ketenzicht.monitor.linked_disclosure import Linked
from ketenzicht.monitor.models import PublishedTable


def _stored(data: dict[str, Any], part: tuple[str, int, int]) -> tuple[int | None, bool]:
    kind, i, j = part
    if kind == "cell":
        return data["cells"][i][j], data["small"][i][j]
    if kind == "row":
        return data["row_totals"][i], data["row_small"][i]
    if kind == "column":
        return data["column_totals"][j], data["column_small"][j]
    if kind == "total":
        return data["total"], data["total_small"]
    window = data["window"]
    if kind == "window":
        return window["cells"][j], window["small"][j]
    return window["total"], window["total_small"]


def published_table(scope: str, key: str) -> dict[str, Any]:
    return dict(PublishedTable.objects.get(scope=scope, key=key).data)


def as_published(
    key: str, today: dt.date
) -> tuple[publication.Family, Linked, np.ndarray, np.ndarray]:
    """The published family as the attacker sees it: which quantities were shown, which
    hidden as "<10" and which as "x", read back from the stored tables."""
    areas = tables.Areas.load()
    municipalities = list(Municipality.objects.order_by("code").values_list("code", flat=True))
    scopes = publication.scopes(areas, municipalities)
    if key == "followup":
        follow = tables.follow_up(today)
        family = publication.Family(municipalities, scopes, follow.bodies, tables.FOLLOW_UP)
        linked = family.linked(follow.counts)
    elif key == "types":
        family = publication.Family(municipalities, scopes, tables.type_codes(), tables.KINDS)
        linked = family.linked(tables.types(today))
    else:
        labels = [f"{y}-Q{q}" for y, q in tables.quarters(today)]
        window = range(len(labels) - 4, len(labels))
        family = publication.Family(municipalities, scopes, labels, tables.KINDS, window=window)
        linked = family.linked(tables.trend(today))
    hidden = np.zeros(len(linked.values), dtype=bool)
    small = np.zeros(len(linked.values), dtype=bool)
    stored = {t.scope: t.data for t in PublishedTable.objects.filter(key=key)}
    for a, area in enumerate(family.areas):
        data = stored[area.code]
        for part in family.parts:
            value, is_small = _stored(data, part)
            q = family.quantity(a, part)
            hidden[q], small[q] = value is None, is_small
            assert value is None or value == linked.values[q]  # what was shown is true
    return family, linked, hidden, small
