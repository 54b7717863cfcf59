"""The monitor: tables counted and protected in the worker, dashboards per area for the roles
that may see them, counts of distinct people through linkage clusters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

import numpy as np
import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.factories import OrganisationFactory, make_actor
from ketenzicht.accounts.models import OrganisationType, Role, User
from ketenzicht.audit.models import AuditEvent, Result
from ketenzicht.geo.models import Municipality
from ketenzicht.monitor import access, tables
from ketenzicht.monitor.models import PublishedTable
from ketenzicht.monitor.services import monitor_rebuild
from ketenzicht.signals.factories import TEST_CONTEXT, register, signal_input
from ketenzicht.signals.models import Signal

from .attacker import attack, pinned
from .published import as_published, published_table
from .unestimable import without_a_finite_estimate

pytestmark = pytest.mark.django_db


def _next_quarter() -> dt.date:
    """Only completed quarters are published: the tests register signals today and
    publish as on the first day of the next quarter."""
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    return (
        dt.date(today.year + 1, 1, 1) if quarter == 4 else dt.date(today.year, 3 * quarter + 1, 1)
    )


NEXT_QUARTER = _next_quarter()


def _client(actor: Actor) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=actor.user_id))
    client.cookies["django_language"] = "nl"
    return client


@pytest.fixture
def westerwolde(reporter: Actor, django_capture_on_commit_callbacks: object) -> list[Signal]:
    """Twelve labour signals and three sexual ones in Westerwolde, registered today, all
    naming the same woman; the worker links her records (after commit). One labour signal
    each in Groningen and Stadskanaal (same province), Leeuwarden (same police unit),
    Amsterdam and Rotterdam: were all signals in Westerwolde, the wider areas' totals would
    show that every other municipality had none, and they would be hidden too."""
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        labour = [register(reporter, municipality_code="GM1950") for _ in range(12)]
        sexual = [
            register(reporter, municipality_code="GM1950", exploitation_type_codes=("sexual",))
            for _ in range(3)
        ]
        elsewhere = [
            register(reporter, municipality_code=c)
            for c in ("GM0014", "GM0037", "GM0080", "GM0363", "GM0599")
        ]
    return labour + sexual + elsewhere


def test_rebuild_publishes_protected_tables_for_every_area(westerwolde: list[Signal]) -> None:
    built = monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER)
    # Six tables per area (trend, forms, and people by form, kind, age and nationality), the
    # national map and estimate; no follow-up table without referrals. No sharing health
    # table either: the fixture has no hard signal, so the nation's hard "<10" (a 0) beside
    # its published soft count and total would be their difference (ADR 0025); one of those
    # is hidden, and the sharing table adds up to the soft count.
    assert built == 6 * PublishedTable.objects.values("scope").distinct().count() + 2
    assert not PublishedTable.objects.filter(key="sharing").exists()
    assert not PublishedTable.objects.filter(key="followup").exists()
    types = PublishedTable.objects.get(scope="GM1950", key="types").data
    labour, sexual = types["rows"].index("labour"), types["rows"].index("sexual")
    soft = types["columns"].index("soft")
    assert types["cells"][sexual][soft] is None and types["small"][sexual][soft]
    # What is shown is right; a hidden value of 10 or more is marked "x", not "<10". With
    # so few signals in the country, even Westerwolde's 15 may be hidden: with the wider
    # areas' totals it would show where the other few are not.
    assert types["total"] in (15, None) and not types["total_small"]
    assert types["row_totals"][labour] in (12, None) and not types["row_small"][labour]
    published = [v for row in types["cells"] for v in row if v is not None]
    published += [v for v in types["row_totals"] + types["column_totals"] if v is not None]
    assert all(v >= 10 for v in published)
    # Westerwolde lies in police unit Noord-Nederland and province Groningen: rolled up.
    area = Municipality.objects.get(code="GM1950")
    unit = PublishedTable.objects.get(scope=area.police_unit_code, key="types").data
    assert unit["total"] in (18, None) and not unit["total_small"]
    assert AuditEvent.objects.filter(object_type="monitor", action="update").exists()


def test_people_are_counted_once_however_many_signals_name_them(
    westerwolde: list[Signal],
) -> None:
    monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER)
    people = PublishedTable.objects.get(scope="GM1950", key="people").data
    everyone = people["rows"].index("*")
    victims = people["columns"].index("presumed_victim")
    # Fifteen signals name the same woman (same V-number): one person, shown as "<10".
    assert people["cells"][everyone][victims] is None
    assert people["small"][everyone][victims]
    # By age and nationality: she is 25 on the day of her first signal (born 4 May 2001)
    # and Eritrean, so one in "25 to 34" and one outside the EU; all "<10", the rows of
    # each group adding up to the one person.
    counted = tables.people(NEXT_QUARTER)["GM1950"]
    assert counted[("*", "presumed_victim")] == 1
    assert counted[("age:25-34", "presumed_victim")] == 1
    assert counted[("nat:other", "presumed_victim")] == 1
    assert counted[("kind:soft", "presumed_victim")] == 1  # the fixture's signals are soft
    assert ("kind:hard", "presumed_victim") not in counted
    for key in ("people_kind", "people_age", "people_nationality"):
        data = PublishedTable.objects.get(scope="GM1950", key=key).data
        assert all(v is None for row in data["cells"] for v in row)


def test_analyst_sees_own_municipality_only(westerwolde: list[Signal]) -> None:
    monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER)
    municipality = OrganisationFactory(
        code="gm-westerwolde",
        type=OrganisationType.MUNICIPALITY,
        municipality=Municipality.objects.get(code="GM1950"),
    )
    analyst = make_actor(Role.MUNICIPAL_ANALYST, municipality, username="analist")
    client = _client(analyst)
    assert client.get("/monitor")["Location"] == "/monitor/GM1950"
    page = client.get("/monitor/GM1950")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Westerwolde" in html and "&lt;10" in html
    window = PublishedTable.objects.get(scope="GM1950", key="trend").data["window"]
    assert f">{window['total'] or 'x'}<" in html  # all signals of the last twelve months
    # The trend chart: a bar or a marker for each of the eight completed quarters. Here the
    # 15 of the last quarter would show that every other quarter had none, so all are
    # markers.
    trend = html[html.index('id="trend-title"') : html.index('id="trend-caption"')]
    assert trend.count('class="kz-chart__label"') == 8
    assert trend.count("kz-chart__value--suppressed") + trend.count('class="kz-chart__bar"') == 8
    # The forms chart: a bar or a marker for each of the six forms, labelled.
    forms = html[html.index('id="types-title"') : html.index('id="types-caption"')]
    assert forms.count('class="kz-chart__label"') == 6 and "Arbeidsuitbuiting" in forms
    assert forms.count("kz-chart__value--suppressed") + forms.count('class="kz-chart__bar"') == 6
    assert client.get("/monitor/GM0363").status_code == 404  # Amsterdam

    readable = set(access.monitor_scopes(analyst).values_list("scope", "key"))
    assert ("NL", "trend") in readable and ("NL", "map") not in readable
    assert ("NL", "types") not in readable
    assert ("NL", "estimate") not in readable and ("GM0363", "types") not in readable
    assert client.get("/monitor/NL").status_code == 404
    assert (
        AuditEvent.objects.filter(
            object_type="monitor", action="view", result=Result.DENIED
        ).count()
        == 2
    )


def test_national_monitor_sees_every_area_and_others_nothing(
    westerwolde: list[Signal], reporter: Actor
) -> None:
    monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER)
    rapporteur = make_actor(
        Role.NATIONAL_MONITOR, OrganisationFactory(code="nrm"), username="rapporteur"
    )
    client = _client(rapporteur)
    assert client.get("/monitor")["Location"] == "/monitor/NL"
    assert client.get("/monitor/NL").status_code == 200
    assert client.get("/monitor/GM0363").status_code == 200
    assert client.get("/monitor?gebied=GM1950")["Location"] == "/monitor/GM1950"
    frontline = make_actor(Role.FRONTLINE, OrganisationFactory(code="coa-x"), username="fl-x")
    assert _client(frontline).get("/monitor/NL").status_code == 404
    assert _client(frontline).get("/monitor").status_code == 404


def test_signals_outside_twelve_months_are_not_in_the_scale_tables(reporter: Actor) -> None:
    old = register(reporter, municipality_code="GM1950")
    register(reporter, municipality_code="GM1950")
    Signal.objects.filter(pk=old.pk).update(received_at=timezone.now() - dt.timedelta(days=500))
    # The counts before protection: published, one signal and two both read "<10", so only
    # the underlying table can tell whether the old signal was counted.
    assert sum(tables.types(NEXT_QUARTER)["GM1950"].values()) == 1
    monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER)
    types = PublishedTable.objects.get(scope="NL", key="types").data
    assert types["total"] is None and types["total_small"]
    assert signal_input().municipality_code == "GM1950"


def test_capture_histories_count_each_victim_once_with_the_kinds_that_registered_them(
    reporter: Actor, django_capture_on_commit_callbacks: object
) -> None:
    from ketenzicht.monitor.tables import capture_histories
    from ketenzicht.signals.factories import SubjectInput

    police = make_actor(
        Role.FRONTLINE,
        OrganisationFactory(code="avim-x", type=OrganisationType.AVIM),
        username="police-x",
    )

    def victim(v_number: str, given: str, born: dt.date) -> tuple[SubjectInput]:
        return (
            SubjectInput(
                role="presumed_victim",
                given_name=given,
                family_name="Haile",
                date_of_birth=born,
                dob_precision="exact",
                sex="female",
                nationality="ERI",
                v_number=v_number,
            ),
        )

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        selam, rahel, ruth = dt.date(1999, 4, 12), dt.date(1987, 9, 3), dt.date(2003, 1, 28)
        register(reporter, subjects=victim("1111111111", "Selam", selam))  # COA only
        register(reporter, subjects=victim("2222222222", "Rahel", rahel))  # COA and police
        register(police, subjects=victim("2222222222", "Rahel", rahel))
        register(police, subjects=victim("3333333333", "Ruth", ruth))  # police only
    lists, rows = capture_histories(NEXT_QUARTER)
    assert sorted(lists) == ["avim", "coa"]
    coa, avim = lists.index("coa"), lists.index("avim")
    by_history = dict(rows)
    both = tuple(1 for _ in lists)
    only_coa = tuple(int(i == coa) for i in range(2))
    only_avim = tuple(int(i == avim) for i in range(2))
    assert by_history == {both: 1, only_coa: 1, only_avim: 1}


def test_the_national_dashboard_explains_when_there_is_no_estimate(
    westerwolde: list[Signal],
) -> None:
    monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER)
    estimate = PublishedTable.objects.get(scope="NL", key="estimate").data
    assert estimate["estimate"] is None and estimate["reason"] == "too_few"
    rapporteur = make_actor(Role.NATIONAL_MONITOR, OrganisationFactory(code="nrm2"), username="r2")
    html = _client(rapporteur).get("/monitor/NL").content.decode()
    assert "Te weinig" in html


def test_the_national_dashboard_says_not_estimable_with_the_reason_instead_of_a_number(
    westerwolde: list[Signal], monkeypatch: pytest.MonkeyPatch
) -> None:
    without_a_finite_estimate(monkeypatch)
    monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER)
    estimate = PublishedTable.objects.get(scope="NL", key="estimate").data
    assert estimate["estimate"] is None and estimate["reason"] == "not_estimable"
    assert estimate["why"] == "lists_apart" and estimate["apart"] == ["ind:coa"]
    rapporteur = make_actor(Role.NATIONAL_MONITOR, OrganisationFactory(code="nrm4"), username="r4")
    client = _client(rapporteur)
    html = client.get("/monitor/NL").content.decode()
    assert "niet te schatten" in html and "IND – COA" in html
    client.cookies["django_language"] = "en"
    html = client.get("/monitor/NL").content.decode()
    assert "not estimable" in html and "share no victim at all (IND – COA)" in html


def test_tables_export_as_csv_and_xlsx_with_the_same_protection(
    westerwolde: list[Signal],
) -> None:
    import csv
    import io

    from openpyxl import load_workbook

    monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER)
    rapporteur = make_actor(Role.NATIONAL_MONITOR, OrganisationFactory(code="nrm3"), username="r3")
    client = _client(rapporteur)
    response = client.get("/monitor/GM1950/export.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="monitor-GM1950.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    values = [v for row in rows[2:] for v in row[1:] if v]
    assert "<10" in values
    numbers = [int(v) for v in values if v.isdigit()]
    assert all(n >= 10 for n in numbers)
    book = load_workbook(io.BytesIO(client.get("/monitor/GM1950/export.xlsx").content))
    assert book.sheetnames == [
        "trend",
        "types",
        "people",
        "people_kind",
        "people_age",
        "people_nationality",
    ]
    cells = [c for row in book["types"].iter_rows(values_only=True) for c in row if c is not None]
    assert "<10" in cells and all(c >= 10 for c in cells if isinstance(c, int))
    published = PublishedTable.objects.get(scope="GM1950", key="types").data
    assert [v for row in published["cells"] for v in row if v is not None] == [
        c
        for row in book["types"].iter_rows(
            min_row=3, max_row=2 + len(published["rows"]), values_only=True
        )
        for c in row[1:-1]
        if isinstance(c, int)
    ]
    assert AuditEvent.objects.filter(object_type="monitor", action="export").count() == 2
    assert client.get("/monitor/GM1950/export.pdfx").status_code == 404
    frontline = make_actor(Role.FRONTLINE, OrganisationFactory(code="coa-y"), username="fl-y")
    assert _client(frontline).get("/monitor/GM1950/export.csv").status_code == 404


def test_the_national_map_shows_every_municipality_with_suppression_as_such(
    westerwolde: list[Signal], reporter: Actor
) -> None:
    from ketenzicht.geo.shapes import municipality_paths

    # With only Westerwolde's signals, its 15 and the total would say that every other
    # municipality had none: two signals elsewhere keep the small numbers uncertain.
    register(reporter, municipality_code="GM0363")
    register(reporter, municipality_code="GM0363")
    paths, (width, height) = municipality_paths()
    assert len(paths) == 342 and width == 600 and height > width
    monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER)
    data = PublishedTable.objects.get(scope="NL", key="map").data
    westerwolde_row = data["rows"].index("GM1950")
    # The map repeats the twelve-month figures, protected with every other table.
    window = PublishedTable.objects.get(scope="GM1950", key="trend").data["window"]
    assert data["cells"][westerwolde_row] == [window["total"]]
    assert all(v is None or v >= 10 for row in data["cells"] for v in row)
    rapporteur = make_actor(Role.NATIONAL_MONITOR, OrganisationFactory(code="nrm4"), username="r4")
    html = _client(rapporteur).get("/monitor/NL").content.decode()
    assert html.count('<path class="kz-map__area ') == 342
    shown = "x" if window["total"] is None else window["total"]
    assert f"Westerwolde: {shown}" in html and "Amsterdam: &lt;10" in html
    # The rendered map is cached; a revision of the figures shows at once.
    for _ in range(10):
        register(reporter, municipality_code="GM0363")
    monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER, revise=True)
    amsterdam = PublishedTable.objects.get(scope="GM0363", key="trend").data["window"]
    assert not amsterdam["total_small"]
    html = _client(rapporteur).get("/monitor/NL").content.decode()
    shown = "x" if amsterdam["total"] is None else amsterdam["total"]
    assert f"Amsterdam: {shown}<" in html and "Amsterdam: &lt;10" not in html


def test_the_area_picker_escapes_names_and_marks_the_shown_area(
    westerwolde: list[Signal],
) -> None:
    Municipality.objects.filter(code="GM0014").update(name='Gro<ningen" onmouseover="x')
    monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER)
    rapporteur = make_actor(Role.NATIONAL_MONITOR, OrganisationFactory(code="nrm5"), username="r5")
    html = _client(rapporteur).get("/monitor/GM1950").content.decode()
    assert '<option value="GM1950" selected>Westerwolde</option>' in html
    assert html.count(" selected>") == 1
    assert '<option value="GM0014">Gro&lt;ningen&quot; onmouseover=&quot;x</option>' in html


def test_only_completed_quarters_are_published_and_each_once(
    westerwolde: list[Signal], reporter: Actor
) -> None:
    # Published during the quarter the signals came in: none of them is counted yet.
    assert monitor_rebuild(context=TEST_CONTEXT) > 0
    trend = PublishedTable.objects.get(scope="NL", key="trend").data
    assert trend["window"]["total"] is None and trend["window"]["total_small"]
    assert trend["period"] == tables.period(timezone.localdate())
    # Within the same period a rebuild changes nothing, however many signals come in.
    register(reporter, municipality_code="GM1950")
    assert monitor_rebuild(context=TEST_CONTEXT) == 0
    # Once the quarter is complete, it is published: all sixteen signals, in its row.
    assert monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER) > 0
    trend = PublishedTable.objects.get(scope="NL", key="trend").data
    counted = tables.trend(NEXT_QUARTER)
    assert sum(counted["GM1950"].values()) == 16  # the quarter's signals, now counted
    assert trend["window"]["total"] in (21, None) and not trend["window"]["total_small"]
    assert trend["period"] == tables.period(NEXT_QUARTER)
    assert monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER) == 0
    # A revision publishes the same period again and says so in the audit trail.
    assert monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER, revise=True) > 0
    details = [
        e.detail
        for e in AuditEvent.objects.filter(object_type="monitor", action="update").order_by("id")
    ]
    assert [d["revision"] for d in details] == [False, False, True]


def test_a_municipal_figure_cannot_be_worked_out_from_the_wider_areas(
    reporter: Actor,
) -> None:
    # Westerwolde (3) and two other municipalities in police unit Noord-Nederland and
    # province Groningen (12 and 14): the unit's 29 minus the 12 and the 14 is 3. An
    # attacker who takes everything that was published (every area's tables) still cannot
    # pin Westerwolde's figures.
    for code, n in (("GM1950", 3), ("GM0014", 12), ("GM1966", 14)):
        for _ in range(n):
            register(reporter, municipality_code=code)
    monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER)
    family, linked, hidden, small = as_published("trend", NEXT_QUARTER)
    westerwolde = published_table("GM1950", "trend")["window"]
    assert westerwolde["total"] is None and westerwolde["total_small"]
    area = [a.code for a in family.areas].index("GM1950")
    targets = [family.quantity(area, ("window_total", -1, -1))]
    targets += [family.quantity(area, ("total", -1, -1))]
    bounds = attack(linked, hidden, small, targets)
    assert not pinned(bounds)
    assert bounds[0][0] <= 3 <= bounds[0][1]
    # The same holds for every hidden count of 1 to 9 in every area.
    assert not pinned(attack(linked, hidden, small))


def test_the_dashboard_exports_as_a_pdf_report_with_the_same_protected_tables(
    westerwolde: list[Signal],
) -> None:
    import weasyprint

    from ketenzicht.audit.chain import object_ref
    from ketenzicht.monitor.report import report_html
    from ketenzicht.monitor.selectors import monitor_dashboard

    monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER)
    rapporteur = make_actor(Role.NATIONAL_MONITOR, OrganisationFactory(code="nrm5"), username="r5")
    response = _client(rapporteur).get("/monitor/GM1950/export.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="monitor-GM1950.pdf"'
    assert response.content.startswith(b"%PDF-") and response.content.rstrip().endswith(b"%%EOF")
    export = AuditEvent.objects.get(object_type="monitor", action="export")
    assert export.object_ref == object_ref("monitor", "GM1950")
    assert export.detail == {"format": "pdf"}

    dashboard = monitor_dashboard(actor=rapporteur, context=TEST_CONTEXT, scope="GM1950")
    assert dashboard is not None
    html = report_html(dashboard)
    document = weasyprint.HTML(string=html).render()
    assert len(document.pages) >= 1
    text = " ".join(
        box.text
        for page in document.pages
        for box in _boxes(page._page_box)
        if isinstance(box, weasyprint.formatting_structure.boxes.TextBox)
    )
    assert "Westerwolde" in text and "<10" in text
    published = PublishedTable.objects.get(scope="GM1950", key="types").data
    for value in (v for row in published["cells"] for v in row if v is not None):
        assert str(value) in text
    # Forbidden looks like nonexistent, and a refusal is on record.
    frontline = make_actor(Role.FRONTLINE, OrganisationFactory(code="coa-z"), username="fl-z")
    assert _client(frontline).get("/monitor/GM1950/export.pdf").status_code == 404
    assert AuditEvent.objects.filter(object_type="monitor", result=Result.DENIED).exists()


def _boxes(box: object) -> list[object]:
    out = [box]
    for child in getattr(box, "children", []):
        out += _boxes(child)
    return out


def test_follow_up_per_receiving_body_is_published_for_every_area_and_protected(
    reporter: Actor,
) -> None:
    from ketenzicht.followup.deadlines import working_days_between
    from ketenzicht.followup.models import Referral, ReferralKind, ReferralStatus

    # Twelve signals in Westerwolde and three in Groningen, each referred to the labour
    # inspectorate at the start of this quarter: Westerwolde's twelve with an outcome
    # within the deadline, two of Groningen's after it, one still open past it.
    inspectorate = OrganisationFactory(code="nla-m", name="Arbeidsinspectie")
    signals = [register(reporter, municipality_code="GM1950") for _ in range(12)]
    signals += [register(reporter, municipality_code="GM0014") for _ in range(3)]
    today = timezone.localdate()
    start = tables.quarter_start(today.year, (today.month - 1) // 3 + 1) + dt.timedelta(hours=9)
    due = (start + dt.timedelta(days=10)).date()
    for i, signal in enumerate(signals):
        outcome_at = [start + dt.timedelta(days=5)] * 12 + [start + dt.timedelta(days=30)] * 2
        Referral.objects.create(
            kind=ReferralKind.ROUTED,
            signal=signal,
            from_organisation_id=signal.organisation_id,
            to_organisation=inspectorate,
            reason="test",
            status=ReferralStatus.OUTCOME if i < 14 else ReferralStatus.SENT,
            sent_at=start,
            acknowledge_due=due,
            outcome_due=due,
            outcome_at=outcome_at[i] if i < 14 else None,
        )
    monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER)
    nation = PublishedTable.objects.get(scope="NL", key="followup").data
    assert nation["rows"] == ["nla-m"] and nation["columns"] == tables.FOLLOW_UP
    assert nation["small"][0][1:] == [True, True, True]  # 2, 1 and 0: "<10"
    # The 15 would leave 3 for the three "<10"s, each 0 to 3: narrower than the protection
    # interval (ADR 0025), so it is hidden.
    assert nation["row_totals"] == [None] and nation["cells"][0][0] in (12, None)
    quick = working_days_between(timezone.localdate(start), (start + dt.timedelta(days=5)).date())
    # Fourteen outcomes, twelve of them quick; a median only beside a published count of
    # ten or more outcomes.
    shown = nation["cells"][0][0] is not None
    assert nation["median_days"] == ([quick] if shown else [None])
    westerwolde = PublishedTable.objects.get(scope="GM1950", key="followup").data
    # 12 of the 15 are Westerwolde's; published, or hidden to protect Groningen's 3. A
    # median only beside a published count of outcomes (it says "ten or more").
    assert westerwolde["row_totals"][0] in (12, None)
    reached = westerwolde["cells"][0][0] is not None or westerwolde["cells"][0][1] is not None
    assert westerwolde["median_days"] == ([quick] if reached else [None])
    groningen = PublishedTable.objects.get(scope="GM0014", key="followup").data
    assert groningen["row_totals"] == [None] and groningen["median_days"] == [None]
    # An attacker with every area's published follow-up tables pins nothing small.
    _family, linked, hidden, small = as_published("followup", NEXT_QUARTER)
    assert not pinned(attack(linked, hidden, small))
    # The national dashboard shows it with the median beside it, in the user's language.
    rapporteur = make_actor(Role.NATIONAL_MONITOR, OrganisationFactory(code="nrm6"), username="r6")
    html = _client(rapporteur).get("/monitor/NL").content.decode()
    assert "Opvolging: doorverwijzingen" in html and "Arbeidsinspectie" in html
    assert "Mediaan werkdagen tot uitkomst" in html
    assert (f">{quick}</td>" in html) == shown


def test_the_sharing_health_figure_counts_soft_signals_shared_beyond_the_reporter(
    reporter: Actor,
) -> None:
    # The reception organisation reports 25 soft signals: 15 shared with the chain, 10 kept
    # to itself; and 12 hard ones, which do not count here (with fewer, the national soft
    # count would be hidden to protect the hard one, and with it this table).
    for i in range(25):
        register(reporter, distribution="chain" if i < 15 else "organisation")
    for _ in range(12):
        register(reporter, kind="hard", distribution="organisation")
    monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER)
    data = PublishedTable.objects.get(scope="NL", key="sharing").data
    assert data["rows"] == ["coa"] and data["columns"] == tables.SHARING
    assert data["cells"] == [[15, 10]] and data["row_totals"] == [25]
    assert data["percent"] == [60]
    trend = PublishedTable.objects.get(scope="NL", key="trend").data
    soft = trend["window"]["cells"][tables.KINDS.index("soft")]
    # The grand total is the trend table's national soft count: shown only where that is.
    assert data["total"] == soft and (soft is None or data["percent_total"] == 60)
    assert not PublishedTable.objects.filter(key="sharing").exclude(scope="NL").exists()
    rapporteur = make_actor(Role.NATIONAL_MONITOR, OrganisationFactory(code="nrm7"), username="r7")
    html = _client(rapporteur).get("/monitor/NL").content.decode()
    assert "Deelgezondheid" in html and html.count(">60%</td>") == (2 if soft else 1)


def test_a_municipal_dashboard_lists_the_reception_locations_in_the_municipality(
    westerwolde: list[Signal],
) -> None:
    from ketenzicht.accounts.factories import LocationFactory
    from ketenzicht.accounts.models import LocationKind

    coa = OrganisationFactory(code="coa-loc", name="COA", type=OrganisationType.COA)
    LocationFactory(
        organisation=coa, code="ter-apel-x", name="AZC Ter Apel", municipality_id="GM1950"
    )
    LocationFactory(
        organisation=coa,
        code="ter-apel-office",
        name="Kantoor Ter Apel",
        kind=LocationKind.OFFICE,
        municipality_id="GM1950",
    )
    LocationFactory(
        organisation=coa,
        code="shelter-x",
        name="Beschermde opvang X",
        kind=LocationKind.PROTECTED_RECEPTION,
        municipality_id="GM1950",
    )
    monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER)
    rapporteur = make_actor(Role.NATIONAL_MONITOR, OrganisationFactory(code="nrm8"), username="r8")
    html = _client(rapporteur).get("/monitor/GM1950").content.decode()
    assert "Opvanglocaties in de gemeente" in html
    assert "AZC Ter Apel" in html and "Kantoor Ter Apel" not in html  # offices are not reception
    assert "Beschermde opvang X" not in html  # shelters' whereabouts are confidential
    html = _client(rapporteur).get("/monitor/GM0363").content.decode()
    assert "Er zijn geen opvanglocaties" in html


def _populations() -> str:
    """Synthetic numbers of inhabitants (test data, not CBS figures), spread over every size
    class; Westerwolde gets 25,000."""
    lines = ["code;population"]
    for code in Municipality.objects.order_by("code").values_list("code", flat=True):
        number = 25_000 if code == "GM1950" else 8_000 + (int(code[2:]) * 7_919) % 320_000
        lines.append(f"{code} ;{number}")
    return "\n".join(lines) + "\n"


def test_municipalities_are_compared_with_their_size_class_once_inhabitants_are_loaded(
    westerwolde: list[Signal], tmp_path: object
) -> None:
    from pathlib import Path

    from django.core.management import CommandError, call_command

    analyst = make_actor(
        Role.MUNICIPAL_ANALYST,
        OrganisationFactory(code="gm-ww-size", municipality_id="GM1950"),
        username="analist-size",
    )
    monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER)
    html = _client(analyst).get("/monitor/GM1950").content.decode()
    assert "niet beschikbaar" in html and "inwoners" in html
    assert not PublishedTable.objects.filter(scope__startswith="GK").exists()
    # A file with a wrong line is refused as a whole, with every problem named.
    folder = Path(str(tmp_path))
    bad = folder / "bad.csv"
    bad.write_text(_populations().replace("GM0014 ;", "GM9999 ;").replace(";25000", ";veel"))
    with pytest.raises(CommandError) as refused:
        call_command("population", str(bad), "--on=2025-01-01")
    problems = str(refused.value).splitlines()
    assert len(problems) == 2 and "GM9999" in problems[0]  # and Westerwolde's "veel"
    assert not Municipality.objects.filter(population__isnull=False).exists()
    good = folder / "good.csv"
    good.write_text(_populations())
    call_command("population", str(good), "--on=2025-01-01")
    assert Municipality.objects.get(code="GM1950").population == 25_000
    monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER, revise=True)
    sizes = set(
        PublishedTable.objects.filter(scope__startswith="GK").values_list("scope", flat=True)
    )
    assert sizes == {"GK1", "GK2", "GK3", "GK4", "GK5"}
    assert not PublishedTable.objects.filter(
        scope__startswith="GK", key__startswith="people"
    ).exists()
    html = _client(analyst).get("/monitor/GM1950").content.decode()
    assert "Gemeenten met 20.000 tot 50.000 inwoners" in html and "niet beschikbaar" not in html
    # The size classes are part of what the attacker combines, and still pin nothing small.
    _family, linked, hidden, small = as_published("trend", NEXT_QUARTER)
    assert any(area.division == "size" for area in _family.areas)
    assert not pinned(attack(linked, hidden, small))


def test_a_table_without_figures_this_period_is_not_left_from_an_earlier_one(
    westerwolde: list[Signal], reporter: Actor
) -> None:
    # Twelve hard signals too: the nation's hard and soft counts are both published.
    for _ in range(12):
        register(reporter, kind="hard", municipality_code="GM0363")
    monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER)
    assert PublishedTable.objects.filter(key="sharing").exists()  # soft signals this year
    # Two years on, none of the fixture's signals is in the last four quarters.
    later = NEXT_QUARTER.replace(year=NEXT_QUARTER.year + 2)
    monitor_rebuild(context=TEST_CONTEXT, today=later)
    assert not PublishedTable.objects.filter(key="sharing").exists()
    periods = set(PublishedTable.objects.values_list("data__period", flat=True))
    assert periods == {tables.period(later)}


def test_a_wider_area_is_hidden_where_it_would_pin_a_municipal_count_of_people() -> None:
    """A province's people are its municipalities' people together: 70 in the province,
    61 published in the other municipalities and one "<10" means that one is 9."""
    from ketenzicht.monitor.publication import Scope
    from ketenzicht.monitor.services import _guard_wider_areas

    def table(value: int, shown: bool) -> dict[str, Any]:
        return {"people": {"cells": [[value if shown else None]], "small": [[value < 10]]}}

    municipalities = ["GM1", "GM2", "GM3"]
    people = {"GM1": table(30, True), "GM2": table(31, True), "GM3": table(9, False)}
    people["PV1"] = table(70, True)
    scopes = [Scope("PV1", "region", np.array([0, 1, 2]), "province")]
    scopes += [Scope(m, "municipality", np.array([i])) for i, m in enumerate(municipalities)]
    _guard_wider_areas(people, scopes, municipalities)
    assert people["PV1"]["people"]["cells"] == [[None]]
    # With 68 the hidden one is 7, 8 or 9: not pinned, but narrower than the protection
    # interval (ADR 0025), so the 68 is hidden too; with 65 it may be 4 to 9 and stays.
    people["PV1"] = table(68, True)
    _guard_wider_areas(people, scopes, municipalities)
    assert people["PV1"]["people"]["cells"] == [[None]]
    people["PV1"] = table(65, True)
    _guard_wider_areas(people, scopes, municipalities)
    assert people["PV1"]["people"]["cells"] == [[65]]


def test_no_sharing_table_where_its_rows_would_give_the_hidden_soft_count() -> None:
    from ketenzicht.monitor.services import _sharing_table

    counts = {("coa", "shared"): 15, ("coa", "not_shared"): 12}
    hidden = {"cells": [4, None], "small": [True, False], "total": 31, "total_small": False}
    assert _sharing_table(counts, hidden) is None
    shown = {"cells": [None, 27], "small": [False, False], "total": None, "total_small": False}
    table = _sharing_table(counts, shown)
    assert table is not None and table["row_totals"] == [27]
