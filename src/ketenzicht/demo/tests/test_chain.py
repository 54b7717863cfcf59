"""The demo's hidden population and its registrations (``demo.chain``), without a database."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from ketenzicht.demo import chain
from ketenzicht.demo.people import person
from ketenzicht.monitor import estimation

MUNICIPALITIES = {
    "GM0363": "avim-amsterdam",
    "GM0599": "avim-rotterdam",
    "GM1950": "avim-noord-nederland",
    "GM0394": "avim-noord-holland",
    **{f"GM9{n:03d}": "avim-oost-nederland" for n in range(60)},
}
LOCATIONS = {
    "coa": ["coa-amsterdam", "coa-ter-apel"],
    "ind": ["ind-ter-apel"],
    "kmar": ["kmar-schiphol"],
    "dji": ["dji-rotterdam"],
}


def _plan(total: int, today: dt.date) -> chain.DemoPlan:
    return chain.plan(total, today, municipalities=MUNICIPALITIES, locations=LOCATIONS)


@settings(max_examples=25, deadline=None)
@given(
    total=st.integers(min_value=0, max_value=400),
    today=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31)),
)
def test_a_plan_has_the_registrations_asked_for_within_its_period(
    total: int, today: dt.date
) -> None:
    plan = _plan(total, today)
    assert len(plan.registrations) == total
    assert plan == _plan(total, today)  # deterministic
    quarters = chain.covered_quarters(today)
    first = chain.quarter_bounds(*quarters[0])[0]
    for registration in plan.registrations:
        assert first <= registration.received_on <= today
        if registration.organisation.startswith("avim-"):
            assert registration.organisation == MUNICIPALITIES[registration.municipality]
        if registration.location:
            own = LOCATIONS[registration.organisation]
            assert registration.location in own
    # Every registered victim is one of the truth's, in the quarter the truth counts them.
    for quarter in quarters:
        assert len(plan.registered([quarter])) <= plan.truth([quarter])
    assert sum(plan.victims.values()) == plan.victim_keys


def test_at_the_default_scale_about_one_victim_in_five_is_registered_by_several_lists() -> None:
    today = dt.date(2026, 11, 20)
    plan = _plan(5000, today)
    window = chain.covered_quarters(today)[-5:-1]  # the monitor's last four completed
    registered = plan.registered(window)
    truth = plan.truth(window)
    # Published order of magnitude: 1,000-2,000 registered a year, about five times that in all.
    assert 1000 <= len(registered) <= 2000
    assert 4 <= truth / len(registered) <= 7
    kinds = plan.histories(window)
    assert set(kinds) == registered
    overlap = sum(1 for k in kinds.values() if len(k) >= 2)
    assert overlap >= 50  # enough for an estimate with an interval
    # With perfect linkage, the monitor's estimator (five largest kinds and the rest as
    # lists) holds the truth: the lists are independent by construction.
    per_kind = Counter(k for ks in kinds.values() for k in ks)
    lists = [k for k, _n in per_kind.most_common(5)]
    histories = Counter(
        (*(int(k in ks) for k in lists), int(bool(ks - set(lists)))) for ks in kinds.values()
    )
    result = estimation.estimate(estimation.table([*lists, "other"], sorted(histories.items())))
    assert result.ci_low is not None and result.ci_high is not None
    assert result.ci_low <= truth <= result.ci_high
    assert abs(result.estimate - truth) < 0.15 * truth
    # Signals gather in the cities and at Ter Apel and Schiphol.
    places = Counter(r.location or r.municipality for r in plan.registrations)
    top = {code for code, _n in places.most_common(8)}
    assert {"coa-ter-apel", "GM0363", "kmar-schiphol"} <= top


def test_names_are_diverse_enough_that_namesakes_are_rare() -> None:
    """About as many people as the default world registers: with the old pools (8 given
    and 6 family names per nationality: some 600 names) a quarter of them shared name and
    year of birth with someone else; with real frequencies from larger pools, under 10%."""
    today = dt.date(2026, 11, 20)
    people = [person(key, today) for key in range(5000)]
    names = Counter((p.given_name, p.family_name) for p in people)
    assert len(names) > 2000
    same = Counter((p.given_name, p.family_name, p.date_of_birth.year) for p in people)
    assert sum(n for n in same.values() if n > 1) < 0.1 * len(people)
