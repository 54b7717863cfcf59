"""The default demo world shows the nation (issue 21): what the rapporteur and a municipal
analyst see once ``ketenzicht demo`` has loaded it, and the monitor's hidden-number estimate
checked against the truth the generator knows. One load, several checks: the default world
takes a while to load."""

from __future__ import annotations

import math

from django.core.management import call_command
from django.utils import timezone

import pytest

from ketenzicht.accounts.models import User
from ketenzicht.accounts.selectors import actor_for_user
from ketenzicht.demo.loader import DEFAULT_SIGNALS, PREFIX, DemoGenerator
from ketenzicht.monitor import tables
from ketenzicht.monitor.assessment import self_assessment_figures
from ketenzicht.monitor.charts import trend_chart
from ketenzicht.monitor.models import PublishedTable
from ketenzicht.monitor.selectors import monitor_dashboard
from ketenzicht.persons.models import PersonRecord
from ketenzicht.persons.services import withheld_everywhere
from ketenzicht.signals.factories import TEST_CONTEXT
from ketenzicht.signals.models import Signal

pytestmark = pytest.mark.django_db

COLOURED = 25  # municipalities with a number (10 or more) on the national map
CHARTS = 3  # municipalities whose trend chart has a bar in (nearly) every quarter


def test_the_default_world_shows_the_nation_and_its_estimate_holds_the_truth() -> None:
    call_command("demo", quiet=True)
    today = timezone.localdate()
    assert Signal.objects.filter(source_reference__startswith=PREFIX).count() == DEFAULT_SIGNALS
    # Every demo person is linked (records withheld everywhere are not linkable by design).
    records = PersonRecord.objects.exclude(pk__in=withheld_everywhere())
    assert not records.filter(cluster__isnull=True).exists()

    rapporteur = actor_for_user(User.objects.get(username="rapporteur"))
    nation = monitor_dashboard(actor=rapporteur, context=TEST_CONTEXT, scope=tables.NATION)
    assert nation is not None
    coloured = [m for m in nation.map if m.cell.value is not None]
    assert len(coloured) > COLOURED, [m.name for m in coloured]

    with_bars = []
    for area in coloured:
        dashboard = monitor_dashboard(actor=rapporteur, context=TEST_CONTEXT, scope=area.code)
        assert dashboard is not None
        chart = trend_chart(dashboard.tables.get("trend"))
        assert chart is not None
        bars = [b for b in chart["bars"] if not b["suppressed"]]  # type: ignore[union-attr]
        if len(bars) >= tables.QUARTERS - 2:
            with_bars.append(area.code)
    assert len(with_bars) >= CHARTS, with_bars
    # Police units and provinces have their trend in every quarter.
    for scope in ("PO1", "PO5", "PV20", "PV27"):
        trend = PublishedTable.objects.get(scope=scope, key="trend").data
        assert all(total is not None for total in trend["row_totals"]), scope

    estimate = PublishedTable.objects.get(scope=tables.NATION, key="estimate").data
    assert estimate["estimate"] is not None, estimate
    low, high = estimate["bca"]
    assert all(math.isfinite(v) for v in (low, high, *estimate["wald"]))
    assert low < estimate["estimate"] < high
    assert len(estimate["lists"]) >= 5

    # The truth behind the world: the victims of the last four completed quarters,
    # registered or not, and those some organisation registered.
    plan = DemoGenerator(DEFAULT_SIGNALS, today).plan
    window = tables.quarters(today, 4)
    truth = plan.truth(window)
    registered = len(plan.registered(window))
    # Linkage finds the people behind the records: the distinct victims the monitor counts
    # are within 3% of those registered.
    assert abs(estimate["observed"] - registered) <= 0.03 * registered
    # The estimate holds the truth (the lists are independent by construction, so the
    # model's assumptions hold: this checks linkage, counting and estimation together).
    assert low <= truth <= high, (truth, estimate)
    assert abs(estimate["estimate"] - truth) <= 0.2 * truth
    assert 4 <= truth / registered <= 7  # about five times the registered number

    # Self-assessments in the proportions of the WODC survey, with blind spots.
    figures = self_assessment_figures(actor=rapporteur, context=TEST_CONTEXT)
    assert figures is not None
    assert 0.6 <= figures.answered / figures.municipalities <= 0.75
    answers = {q.name: q for q in figures.questions}
    assert 45 <= answers["insight_presence"].percent_no <= 65
    assert 57 <= answers["insight_scale"].percent_no <= 77
    assert answers["met_recently"].percent_yes >= 80
    assert 30 <= figures.percent_high_priority < 50
    assert len(figures.blind_spots) >= 3
