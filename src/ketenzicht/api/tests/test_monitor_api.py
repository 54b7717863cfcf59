"""GET /api/v1/monitor/{area}: the monitor's published tables as JSON, exactly as the page
and its CSV export show them, to the roles that see the area."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext as _

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.factories import OrganisationFactory, make_actor
from ketenzicht.accounts.models import OrganisationType, Role, User
from ketenzicht.audit.chain import object_ref
from ketenzicht.audit.models import AuditEvent, Purpose, Result
from ketenzicht.geo.models import Municipality
from ketenzicht.monitor import tables
from ketenzicht.monitor.models import PublishedTable
from ketenzicht.monitor.services import monitor_rebuild
from ketenzicht.monitor.tests.unestimable import without_a_finite_estimate
from ketenzicht.signals.factories import TEST_CONTEXT, register

from .test_api import client_for

pytestmark = pytest.mark.django_db


def _next_quarter() -> dt.date:
    """Only completed quarters are published: signals registered today are published as on
    the first day of the next quarter."""
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    if quarter == 4:
        return dt.date(today.year + 1, 1, 1)
    return dt.date(today.year, 3 * quarter + 1, 1)


@pytest.fixture
def signals(reporter: Actor, django_capture_on_commit_callbacks: Any) -> None:
    """Fifteen signals in Westerwolde (three of them sexual exploitation, so a cell of 3 is
    suppressed) and one in each of five other municipalities."""
    with django_capture_on_commit_callbacks(execute=True):
        for _i in range(12):
            register(reporter, municipality_code="GM1950")
        for _i in range(3):
            register(reporter, municipality_code="GM1950", exploitation_type_codes=("sexual",))
        for code in ("GM0014", "GM0037", "GM0080", "GM0363", "GM0599"):
            register(reporter, municipality_code=code)


def _publish() -> None:
    # Not a fixture: the estimate tests replace the capture histories before publishing,
    # and publishing once per test keeps the suite quick.
    monitor_rebuild(context=TEST_CONTEXT, today=_next_quarter())


@pytest.fixture
def published(signals: None) -> None:
    _publish()


def _analyst(code: str = "GM1950") -> Actor:
    organisation = OrganisationFactory(
        code=f"gm-{code}",
        type=OrganisationType.MUNICIPALITY,
        municipality=Municipality.objects.get(code=code),
    )
    return make_actor(Role.MUNICIPAL_ANALYST, organisation, username=f"analyst-{code}")


def _rapporteur() -> Actor:
    return make_actor(Role.NATIONAL_MONITOR, OrganisationFactory(code="nrm"), username="nrm")


def _api(actor: Actor) -> Client:
    return client_for(actor, HTTP_ACCEPT_LANGUAGE="nl")


def _page_csv(actor: Actor, area: str) -> list[list[str]]:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=actor.user_id))
    client.cookies["django_language"] = "nl"
    response = client.get(f"/monitor/{area}/export.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


def _text(cell: dict[str, Any]) -> str:
    """A cell as the page and the CSV write it."""
    if cell["value"] is None:
        return str(cell["marker"])
    assert cell["marker"] is None
    return f"{cell['value']:,}".replace(",", ".")


def _as_csv(body: dict[str, Any]) -> list[list[str]]:
    """The JSON's tables written the way the monitor's CSV export writes them."""
    with translation.override("nl"):
        total = _("Total")
    rows: list[list[str]] = []
    for table in body["tables"]:
        extra = [table["extraLabel"]] if table["extraLabel"] else []
        rows += [[], [table["title"]]]
        columns = [c["label"] for c in table["columns"]]
        rows.append(["", *columns] + ([total] if "total" in table else []) + extra)
        for row in table["rows"]:
            row_total = [_text(row["total"])] if "total" in row else []
            rows.append(
                [row["label"], *(_text(c) for c in row["cells"]), *row_total]
                + ([row["extra"] or ""] if extra else [])
            )
        if "total" in table:
            extra_total = [table["extraTotal"] or ""] if extra else []
            rows.append(
                [total, *(_text(c) for c in table["totals"]), _text(table["total"]), *extra_total]
            )
    return rows


def test_each_role_gets_exactly_the_cells_its_page_and_csv_show(
    published: None, colleague: Actor
) -> None:
    analyst, rapporteur = _analyst(), _rapporteur()
    for actor, area in (
        (analyst, "GM1950"),
        (rapporteur, "NL"),
        (rapporteur, "GM1950"),
        (colleague, "PV20"),  # a coordinator; Westerwolde's province
    ):
        _same_as_page(actor, area)


def _same_as_page(actor: Actor, area: str) -> None:
    response = _api(actor).get(f"/api/v1/monitor/{area}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["area"]["code"] == area
    assert body["tables"], "a published area has tables"
    # Cell for cell, label for label, marker for marker: what the CSV export of the page says.
    assert _as_csv(body) == _page_csv(actor, area)[2:]
    # Codes beside the labels, for a partner's own dashboard.
    types = next(t for t in body["tables"] if t["key"] == "types")
    assert {c["code"] for c in types["columns"]} == {"hard", "soft"}
    assert "sexual" in [r["code"] for r in types["rows"]]
    # The twelve-month comparison the page shows beside the tables.
    compared = [c["area"]["code"] for c in body["comparison"]]
    assert compared[0] == area and (area == "NL" or compared[-1] == "NL")
    assert ("estimate" in body) == (area == "NL")
    assert bool(body["map"]) == (area == "NL")


def test_no_hidden_value_reaches_the_json(published: None) -> None:
    body = _api(_rapporteur()).get("/api/v1/monitor/GM1950").json()
    cells: list[dict[str, Any]] = []
    for table in body["tables"]:
        cells += table["totals"] + ([table["total"]] if "total" in table else [])
        for row in table["rows"]:
            cells += row["cells"] + ([row["total"]] if "total" in row else [])
    cells += [c["signals"] for c in body["comparison"]]
    assert {"value": None, "marker": "<10"} in cells  # the 3 sexual signals, at least
    for cell in cells:
        # A marker never comes with its number; a number is never a small one.
        assert (cell["value"] is None) != (cell["marker"] is None)
        assert cell["value"] is None or cell["value"] >= 10
        assert cell["marker"] in (None, "<10", "x")
    stored = PublishedTable.objects.get(scope="GM1950", key="types").data
    sexual = stored["rows"].index("sexual")
    soft = stored["columns"].index("soft")
    assert stored["cells"][sexual][soft] is None  # suppressed before it was stored...
    shown = next(t for t in body["tables"] if t["key"] == "types")
    row = next(r for r in shown["rows"] if r["code"] == "sexual")
    assert row["cells"][[c["code"] for c in shown["columns"]].index("soft")] == {
        "value": None,
        "marker": "<10",
    }  # ...and the JSON shows the page's marker for it, nothing more


def test_an_area_outside_the_role_answers_exactly_like_an_unknown_one(published: None) -> None:
    analyst = _analyst()
    client = _api(analyst)
    unknown = client.get("/api/v1/monitor/GM9999")
    assert unknown.status_code == 404
    assert unknown["Content-Type"] == "application/problem+json"
    assert unknown.json()["status"] == 404
    # Amsterdam and the nation exist and are published, but not for Westerwolde's analyst;
    # a frontline worker sees no area at all.
    frontline = make_actor(Role.FRONTLINE, OrganisationFactory(code="coa-x"), username="fl")
    for other, area in ((client, "GM0363"), (client, "NL"), (_api(frontline), "GM1950")):
        forbidden = other.get(f"/api/v1/monitor/{area}")
        assert forbidden.status_code == 404
        assert forbidden.content == unknown.content
        assert forbidden["Content-Type"] == unknown["Content-Type"]
    # What cannot be an area code is no area either, even for those who see every area.
    rapporteur = _api(_rapporteur())
    for odd in ("GM%00", "%C3%A9%C3%A9n", "GM19501950"):
        answer = rapporteur.get(f"/api/v1/monitor/{odd}")
        assert (answer.status_code, answer.content) == (404, unknown.content)
    unauthenticated = Client(HTTP_HOST="127.0.0.1").get("/api/v1/monitor/GM1950")
    assert unauthenticated.status_code == 401
    assert unauthenticated["Content-Type"] == "application/problem+json"


def test_every_read_is_audited_as_an_export_with_its_purpose(published: None) -> None:
    analyst = _analyst()
    client = client_for(analyst, HTTP_X_AUDIT_TOELICHTING="dashboard gemeente")
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    assert client.get("/api/v1/monitor/GM1950").status_code == 200
    assert client.get("/api/v1/monitor/GM0363").status_code == 404
    events = list(AuditEvent.objects.filter(id__gt=before, object_type="monitor").order_by("id"))
    assert [(e.action, e.result) for e in events] == [
        ("export", Result.OK),
        ("export", Result.DENIED),
    ]
    read = events[0]
    assert read.purpose == Purpose.MONITORING
    assert read.channel == "api"
    assert read.explanation == "dashboard gemeente"
    assert read.detail == {"format": "json"}
    assert read.actor_id == analyst.user_id
    assert read.object_ref == object_ref("monitor", "GM1950")
    assert events[1].object_ref == object_ref("monitor", "GM0363")


def test_the_api_shares_the_monitor_downloads_rate_limit(published: None, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "export": "2/hour"}
    analyst = _analyst()
    client = _api(analyst)
    assert client.get("/api/v1/monitor/GM1950").status_code == 200
    _page_csv(analyst, "GM1950")  # a file download counts against the same limit
    limited = client.get("/api/v1/monitor/GM1950")
    assert limited.status_code == 429
    assert limited["Content-Type"] == "application/problem+json"
    assert int(limited["Retry-After"]) > 0


def test_the_national_estimate_says_why_it_has_no_number(
    signals: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As in the monitor's own test (monitor/tests/unestimable.py).
    without_a_finite_estimate(monkeypatch)
    _publish()
    estimate = _api(_rapporteur()).get("/api/v1/monitor/NL").json()["estimate"]
    assert estimate == {
        "estimable": False,
        "reason": "lists_apart",
        "observed": 50,
        "estimate": None,
        "ciLow": None,
        "ciHigh": None,
        "ciMethod": None,
        "waldCiLow": None,
        "waldCiHigh": None,
        "model": [],
        "lists": [],
        "listsApart": ["ind:coa"],
    }


def test_the_national_estimate_without_enough_victims_is_too_few(published: None) -> None:
    estimate = _api(_rapporteur()).get("/api/v1/monitor/NL").json()["estimate"]
    assert estimate["estimable"] is False and estimate["reason"] == "too_few"
    # The page names no count beside "too few", and neither does the JSON.
    assert estimate["observed"] is None and estimate["estimate"] is None


def test_the_national_estimate_with_its_interval_as_the_page_shows_it(
    signals: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    histories = (
        ["ind", "coa", "avim"],
        [
            ((1, 0, 0), 60),
            ((0, 1, 0), 50),
            ((0, 0, 1), 40),
            ((1, 1, 0), 20),
            ((1, 0, 1), 15),
            ((0, 1, 1), 10),
            ((1, 1, 1), 5),
        ],
    )
    monkeypatch.setattr(tables, "capture_histories", lambda today: histories)
    _publish()
    stored = PublishedTable.objects.get(scope="NL", key="estimate").data
    assert stored["estimate"] is not None
    rapporteur = _rapporteur()
    estimate = _api(rapporteur).get("/api/v1/monitor/NL").json()["estimate"]
    assert estimate == {
        "estimable": True,
        "reason": None,
        "observed": 200,
        "estimate": stored["estimate"],
        "ciLow": stored["bca"][0],
        "ciHigh": stored["bca"][1],
        "ciMethod": "bca",
        "waldCiLow": stored["wald"][0],
        "waldCiHigh": stored["wald"][1],
        "model": stored["model"],
        "lists": ["ind", "coa", "avim"],
        "listsApart": [],
    }
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=rapporteur.user_id))
    html = client.get("/monitor/NL").content.decode()
    for number in (estimate["estimate"], estimate["ciLow"], estimate["ciHigh"]):
        assert f">{number}<" in html or f" {number}" in html
