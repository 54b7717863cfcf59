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
from ketenzicht.monitor.models import PublishedTable
from ketenzicht.monitor.selectors import monitor_dashboard
from ketenzicht.persons.hit_services import withheld_everywhere
from ketenzicht.persons.models import PersonRecord
from ketenzicht.signals.factories import TEST_CONTEXT
from ketenzicht.signals.models import Signal

pytestmark = pytest.mark.django_db

COLOURED = 25  # municipalities with 10 or more signals in the last twelve months
CHARTS = 3  # municipalities with 10 or more signals in each of the eight quarters


def test_the_default_world_shows_the_nation_and_its_estimate_holds_the_truth() -> None:
    call_command("demo", quiet=True)
    today = timezone.localdate()
    assert Signal.objects.filter(source_reference__startswith=PREFIX).count() == DEFAULT_SIGNALS
    # Every demo person is linked (records withheld everywhere are not linkable by design).
    records = PersonRecord.objects.exclude(pk__in=withheld_everywhere())
    assert not records.filter(cluster__isnull=True).exists()

    # What the world gives the map and the trend charts before disclosure control: the
    # municipalities with ten or more signals in the last twelve months, and those with ten
    # or more in every one of the eight quarters. What is published of them is decided by
    # the disclosure rules (monitor.linked_disclosure), not by the demo.
    counts = tables.trend(today)
    last_year = {f"{y}-Q{q}" for y, q in tables.quarters(today, 4)}
    twelve = {m: sum(n for (q, _k), n in c.items() if q in last_year) for m, c in counts.items()}
    assert sum(1 for n in twelve.values() if n >= 10) > COLOURED, twelve
    quarterly = {
        m: [sum(n for (q, _k), n in c.items() if q == label) for label in labels]
        for m, c in counts.items()
        for labels in [[f"{y}-Q{q}" for y, q in tables.quarters(today)]]
    }
    with_bars = [m for m, per in quarterly.items() if min(per) >= 10]
    assert len(with_bars) >= CHARTS, quarterly
    assert {"GM1950", "GM0363"} <= set(with_bars)  # Westerwolde (Ter Apel) and Amsterdam

    rapporteur = actor_for_user(User.objects.get(username="rapporteur"))
    nation = monitor_dashboard(actor=rapporteur, context=TEST_CONTEXT, scope=tables.NATION)
    assert nation is not None and nation.estimate is not None
    assert len(nation.map) == 342  # every municipality on the map, with a number or a marker

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
    # Linkage finds the people behind the records, but leaves pairs it is unsure about to
    # the coordinators' review queue: until they are decided, a few people count twice.
    assert registered <= estimate["observed"] <= 1.06 * registered
    # With perfect linkage the estimator holds the truth (test_chain). People counted twice
    # are missing from the overlaps as well, so the estimate comes out high: measured +25%
    # (docs/monitor.md "Demo world"); the check keeps it to that order.
    assert truth <= high
    assert 0.9 * truth <= estimate["estimate"] <= 1.35 * truth, (truth, estimate)
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
