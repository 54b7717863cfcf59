"""The minimum protection interval (ADR 0025) over everything the monitor publishes for the
demo world: an attacker with every area's tables (signals, forms, follow-up, distinct
people, sharing health) narrows no hidden count of 1 to 9 below ``PROTECTION``, and no
published sum has exactly one hidden member, in the stored tables and in the exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

import numpy as np
import pytest

from ketenzicht.accounts.models import User
from ketenzicht.monitor import tables
from ketenzicht.monitor.disclosure import PROTECTION, THRESHOLD, Protected
from ketenzicht.monitor.models import PublishedTable
from ketenzicht.monitor.services import PEOPLE_TABLES

from .attacker import attack, narrowed, people_attack, single_gaps
from .published import as_published
from .test_disclosure import _attack as table_attack

pytestmark = pytest.mark.django_db

GROUPING = {
    "people": "overlap",
    "people_kind": "overlap",
    "people_age": "partition",
    "people_nationality": "partition",
}


@pytest.fixture
def demo() -> None:
    # Publishes the last completed quarter. 200 signals over eight quarters leave a few
    # hundred hidden counts of 1 to 9 per family; each costs the attacker two linear
    # programmes over every municipality's counts.
    call_command("demo", signals=200, quiet=True)


@pytest.mark.usefixtures("demo")
def test_every_published_table_of_the_demo_keeps_small_counts_wide() -> None:
    today = timezone.localdate()
    for key in ("trend", "types", "followup"):
        if not PublishedTable.objects.filter(key=key).exists():
            continue
        _family, linked, hidden, small = as_published(key, today)
        assert hidden[linked.values < THRESHOLD].all()
        assert not single_gaps(linked, hidden), key
        bounds = attack(linked, hidden, small)
        assert bounds and not narrowed(bounds), key
    _people_are_wide(today)
    _sharing_is_wide(today)


def _people_are_wide(today: dt.date) -> None:
    """Every area's four people tables, one column at a time, as they were stored."""
    counted = tables.people(today)
    checked = 0
    for scope in PublishedTable.objects.filter(key="people").values_list("scope", flat=True):
        stored = {
            t.key: t.data for t in PublishedTable.objects.filter(scope=scope, key__in=PEOPLE_TABLES)
        }
        counts = counted.get(scope, {})

        def seen(data: dict[str, Any], i: int, j: int) -> tuple[int, bool, bool]:
            # Hidden cells are not stored: their true value comes from the count.
            true = counts.get((data["rows"][i], data["columns"][j]), 0)  # noqa: B023
            return true, data["cells"][i][j] is None, bool(data["small"][i][j])

        for j in range(len(stored["people"]["columns"])):
            total = seen(stored["people"], 0, j)
            groupings = [
                (GROUPING[key], [seen(data, i, j) for i in range(1, len(data["rows"]))])
                for key, data in stored.items()
            ]
            for value, low, high in people_attack(total, groupings):
                checked += 1
                assert high - low >= PROTECTION, (scope, j, value, low, high)
            for kind, parts in groupings:
                if kind == "partition":
                    assert sum(h for _v, h, _s in parts) + total[1] != 1, (scope, j)
    assert checked


def _sharing_is_wide(today: dt.date) -> None:
    row = PublishedTable.objects.filter(scope=tables.NATION, key="sharing").first()
    if row is None:
        return
    data = row.data
    counts = tables.sharing(today)
    original = np.array([[counts.get((k, c), 0) for c in data["columns"]] for k in data["rows"]])
    published = Protected(data["cells"], data["row_totals"], data["column_totals"], data["total"])
    for low, high, true in table_attack(original, published):
        if 0 < true < THRESHOLD:
            assert high - low >= PROTECTION, (true, low, high)


@pytest.mark.usefixtures("demo")
def test_no_row_or_column_of_an_export_has_exactly_one_hidden_member() -> None:
    """The symptom of issue 19 ("Totaal,x,36,48"), read from the CSV the national monitor
    downloads for the nation, every police unit and every province."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="rapporteur"))
    scopes = PublishedTable.objects.filter(key="trend").exclude(scope__startswith="GM")
    for scope in scopes.values_list("scope", flat=True):
        response = client.get(f"/monitor/{scope}/export.csv")
        assert response.status_code == 200
        for numbers in _additive_blocks(response.content.decode()):
            for line in [*numbers, *zip(*numbers, strict=True)]:
                assert sum(cell in ("<10", "x") for cell in line) != 1, (scope, numbers)


def _additive_blocks(text: str) -> list[list[list[str]]]:
    """The numbers of each table of an export with a total column and a total row (the
    tables that add up), totals included."""
    blocks = []
    current: list[list[str]] = []
    for line in [*csv.reader(io.StringIO(text)), []]:
        if line:
            current.append(line)
            continue
        header, body = (current[1], current[2:]) if len(current) > 2 else ([], [])
        total = next((k for k, label in enumerate(header) if label in ("Totaal", "Total")), 0)
        if total and body and body[-1][0] in ("Totaal", "Total"):
            blocks.append([row[1 : total + 1] for row in body])
        current = []
    assert blocks
    return blocks
