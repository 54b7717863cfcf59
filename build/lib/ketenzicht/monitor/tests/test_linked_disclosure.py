"""Disclosure control across areas: an attacker who combines the published tables of
municipalities, police units, provinces and the nation (which overlap without nesting)
never pins a suppressed count of 1 to 9."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketenzicht.monitor.disclosure import THRESHOLD
from ketenzicht.monitor.linked_disclosure import pinned_quantities, protect_linked
from ketenzicht.monitor.publication import Family, scopes
from ketenzicht.monitor.tables import Areas

from .attacker import attack, pinned


def world(
    units: list[int], provinces: list[int], rows: int, columns: int, window: bool
) -> tuple[Family, list[str]]:
    municipalities = [f"GM{i:04d}" for i in range(len(units))]
    areas = Areas(
        unit={m: f"PO{u}" for m, u in zip(municipalities, units, strict=True)},
        province={m: f"PV{p}" for m, p in zip(municipalities, provinces, strict=True)},
    )
    family = Family(
        municipalities,
        scopes(areas, municipalities),
        [f"r{i}" for i in range(rows)],
        [f"c{j}" for j in range(columns)],
        window=range(rows - 1, rows) if window else (),
    )
    return family, municipalities


def test_a_unit_minus_its_municipalities_does_not_give_a_small_one_away() -> None:
    # Three municipalities in one unit and province: 30, 25 and 3 signals. Alone, each
    # municipality's table would publish 30 and 25; with the unit's 58 the 3 would follow.
    family, municipalities = world([1, 1, 1], [1, 1, 1], 1, 1, window=False)
    counts = {m: {("r0", "c0"): n} for m, n in zip(municipalities, [30, 25, 3], strict=True)}
    linked = family.linked(counts)
    hidden, small = protect_linked(linked)
    bounds = attack(linked, hidden, small)
    assert all(high - low >= 1 for low, high in bounds)
    published = family.publish(counts)
    assert published["GM0002"]["total"] is None and published["GM0002"]["total_small"]
    # Something among the others is hidden to protect it, not everything.
    shown = [published[m]["total"] for m in municipalities] + [published["NL"]["total"]]
    assert shown.count(None) >= 2 and any(v is not None for v in shown)


def test_crossing_units_and_provinces_are_audited_together() -> None:
    # Units and provinces cut across each other: unit 1 = {a, b}, unit 2 = {c, d};
    # province 1 = {a, c}, province 2 = {b, d}. Only a is small.
    family, municipalities = world([1, 1, 2, 2], [1, 2, 1, 2], 2, 2, window=True)
    counts = {
        m: {(f"r{i}", f"c{j}"): n + 10 * (i + j) for i in range(2) for j in range(2)}
        for m, n in zip(municipalities, [2, 40, 50, 60], strict=True)
    }
    linked = family.linked(counts)
    hidden, small = protect_linked(linked)
    assert hidden.any()
    assert all(high - low >= 1 for low, high in attack(linked, hidden, small))
    assert not pinned_quantities(linked, hidden, small)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(2, 6).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(1, 2), min_size=n, max_size=n),
            st.lists(st.integers(1, 3), min_size=n, max_size=n),
            st.integers(1, 3),
            st.integers(1, 2),
            st.booleans(),
            st.lists(
                st.one_of(st.integers(0, 9), st.integers(10, 40)), min_size=n * 6, max_size=n * 6
            ),
        )
    )
)
def test_no_suppressed_value_can_be_pinned_by_combining_areas(
    case: tuple[list[int], list[int], int, int, bool, list[int]],
) -> None:
    units, provinces, rows, columns, window, numbers = case
    family, municipalities = world(units, provinces, rows, columns, window)
    counts = {
        m: {
            (f"r{i}", f"c{j}"): numbers[k * 6 + i * columns + j]
            for i in range(rows)
            for j in range(columns)
        }
        for k, m in enumerate(municipalities)
    }
    linked = family.linked(counts)
    hidden, small = protect_linked(linked)
    values = linked.values
    assert (hidden[values < THRESHOLD]).all()  # nothing below 10 is shown
    assert not pinned(attack(linked, hidden, small))
