"""Disclosure control: no published cell below 10, and an attacker who knows every published
value, the totals and the rule cannot pin down any suppressed value, nor narrow a count of 1
to 9 below the protection interval (ADR 0025)."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ketenzicht.monitor.disclosure import (
    OVERLAP,
    PROTECTION,
    THRESHOLD,
    Protected,
    protect,
    protect_people,
)


def _single_gaps(published: Protected) -> list[list[int | None]]:
    """The published sums (a row or column with its total, the totals with the grand total)
    with exactly one hidden member."""
    sums = [[*row, total] for row, total in zip(published.cells, published.row_totals, strict=True)]
    sums += [
        [*column, total]
        for column, total in zip(
            zip(*published.cells, strict=True), published.column_totals, strict=True
        )
    ]
    sums += [[*published.row_totals, published.total], [*published.column_totals, published.total]]
    return [s for s in sums if sum(v is None for v in s) == 1]


def _attack(original: np.ndarray, published: Protected) -> list[tuple[float, float, int]]:
    """An independent attacker: for each suppressed cell, the range of values a linear
    programme can prove from the published cells and totals (integer counts, suppressed
    small cells below the threshold)."""
    from scipy.optimize import linprog

    rows, columns = original.shape
    cells = [(r, c) for r in range(rows) for c in range(columns) if published.cells[r][c] is None]
    if not cells:
        return []
    index = {cell: i for i, cell in enumerate(cells)}
    n = len(cells)
    a_eq: list[np.ndarray] = []
    b_eq: list[float] = []
    for r in range(rows):
        coefficients = np.zeros(n)
        known = 0
        for c in range(columns):
            if (r, c) in index:
                coefficients[index[(r, c)]] = 1
            else:
                known += published.cells[r][c]
        if published.row_totals[r] is not None:
            a_eq.append(coefficients)
            b_eq.append(published.row_totals[r] - known)
    for c in range(columns):
        coefficients = np.zeros(n)
        known = 0
        for r in range(rows):
            if (r, c) in index:
                coefficients[index[(r, c)]] = 1
            else:
                known += published.cells[r][c]
        if published.column_totals[c] is not None:
            a_eq.append(coefficients)
            b_eq.append(published.column_totals[c] - known)
    if published.total is not None:
        known = sum(v for row in published.cells for v in row if v is not None)
        a_eq.append(np.ones(n))
        b_eq.append(published.total - known)
    limits = [(0, THRESHOLD - 1) if original[r, c] < THRESHOLD else (0, None) for r, c in cells]
    found = []
    for (r, c), i in index.items():
        objective = np.zeros(n)
        objective[i] = 1
        kwargs = {"A_eq": a_eq or None, "b_eq": b_eq or None, "bounds": limits, "method": "highs"}
        low = linprog(objective, **kwargs).fun
        high_result = linprog(-objective, **kwargs)
        high = -high_result.fun if high_result.status == 0 else float("inf")
        found.append((low, high, int(original[r, c])))
    return found


def test_small_cells_and_their_partners_are_hidden() -> None:
    table = [[25, 3, 40], [12, 30, 18], [50, 20, 15]]
    published = protect(table)
    assert published.cells[0][1] is None  # the 3
    # Row 0 and column 1 would give the 3 away: something else is hidden in each.
    assert sum(v is None for v in published.cells[0]) >= 2
    assert sum(published.cells[r][1] is None for r in range(3)) >= 2
    assert published.total == sum(map(sum, table))
    for low, high, _true in _attack(np.array(table), published):
        assert high - low >= 1


def test_an_x_is_known_to_be_at_least_ten_and_still_protects() -> None:
    # Found by review: with "x" taken as >= 10, hiding all four cells of this table and
    # publishing the margins gave the 3 away.
    for table in ([[11, 3], [10, 10]], [[10, 20], [15, 9]], [[0, 10]], [[0], [10]]):
        published = protect(table)
        for low, high, true in _attack(np.array(table), published):
            assert high - low >= 1, (table, true, low, high)


def test_nothing_is_hidden_when_every_cell_is_large() -> None:
    published = protect([[20, 30], [40, 50]])
    assert published.suppressed == 0
    assert published.row_totals == [50, 90] and published.column_totals == [60, 80]


def test_small_totals_are_hidden_too() -> None:
    published = protect([[4, 3], [20, 30]])
    assert published.row_totals[0] is None
    assert all(v is None for v in published.cells[0])


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=5).flatmap(
        lambda rows: st.integers(min_value=1, max_value=5).flatmap(
            lambda columns: st.lists(
                st.lists(
                    st.integers(min_value=0, max_value=60), min_size=columns, max_size=columns
                ),
                min_size=rows,
                max_size=rows,
            )
        )
    )
)
def test_no_suppressed_cell_can_be_derived(table: list[list[int]]) -> None:
    published = protect(table)
    original = np.array(table)
    for r, row in enumerate(published.cells):
        for c, value in enumerate(row):
            if value is not None:
                assert value >= THRESHOLD and value == original[r, c]
    for value in [*published.row_totals, *published.column_totals, published.total]:
        assert value is None or value >= THRESHOLD
    for low, high, true in _attack(original, published):
        assert low - 1e-6 <= true <= high + 1e-6
        assert high - low >= 1, f"a suppressed {true} is pinned to [{low}, {high}]"
        if 0 < true < THRESHOLD:
            assert high - low >= PROTECTION, f"a suppressed {true} is narrowed to [{low}, {high}]"
    assert not _single_gaps(published)


def test_a_small_cell_is_not_narrowed_to_eight_or_nine() -> None:
    # 8 and 9 with a published row total of 17: each is 8 or 9, not pinned but narrowed.
    table = [[8, 9, 30], [20, 25, 40]]
    published = protect(table)
    for low, high, true in _attack(np.array(table), published):
        if 0 < true < THRESHOLD:
            assert high - low >= PROTECTION
    assert not _single_gaps(published)


# -- distinct people per form: parts that overlap and cover the total ----------------------

CAP = 30  # the brute-force attacker tries values up to here (a narrower attacker proves less)


def _person(k: int) -> st.SearchStrategy[set[int]]:
    # Most people are under one form, which is when parts add up and can give one away.
    single = st.integers(0, k - 1).map(lambda form: {form})
    return st.one_of(single, single, st.sets(st.integers(0, k - 1), min_size=1))


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 3).flatmap(
        lambda k: st.lists(_person(k), min_size=0, max_size=CAP).map(lambda people: (k, people))
    )
)
@example((2, [{0}] * 9 + [{1}] * 12))  # 21 = 9 + 12: the 9 would follow from the 21
def test_no_hidden_count_of_people_per_form_can_be_pinned(case: tuple[int, list[set[int]]]) -> None:
    """People are random non-empty sets of forms; every total and parts that are the true
    counts of some people are consistent, so the brute-force attacker tries all vectors
    with ``max(parts) <= total <= sum(parts)`` that agree with what is published."""
    k, people = case
    total = len(people)
    parts = [sum(1 for p in people if form in p) for form in range(k)]
    total_hidden, [(hidden, small)] = protect_people(total, [(OVERLAP, parts)])
    assert all(hidden[i] for i, v in enumerate(parts) if v < THRESHOLD)
    assert total_hidden or total >= THRESHOLD

    def domain(value: int, is_hidden: bool, is_small: bool) -> np.ndarray:
        if not is_hidden:
            return np.array([value])
        return np.arange(0, THRESHOLD) if is_small else np.arange(THRESHOLD, CAP + 1)

    grids = np.meshgrid(
        domain(total, total_hidden, total < THRESHOLD),
        *(domain(v, h, s) for v, h, s in zip(parts, hidden, small, strict=True)),
        indexing="ij",
    )
    t, *p = (g.ravel() for g in grids)
    stacked = np.vstack(p)
    feasible = (stacked.max(axis=0) <= t) & (t <= stacked.sum(axis=0))
    assert feasible.any()  # the truth is always there
    for i, value in enumerate(parts):
        if hidden[i] and 0 < value < THRESHOLD:
            possible = p[i][feasible]
            assert possible.max() - possible.min() >= PROTECTION, (total, parts, hidden)


def test_a_total_of_eighteen_over_two_small_forms_is_not_published_with_them() -> None:
    # 18 people, 9 under each of two forms and nobody under both: publishing 18 says both
    # forms have 9.
    total_hidden, [(hidden, _small)] = protect_people(18, [(OVERLAP, [9, 9])])
    assert hidden == [True, True] and total_hidden
    # With a third, published form the 18 can stay: the small ones are not pinned.
    total_hidden, [(hidden, _small)] = protect_people(18, [(OVERLAP, [9, 9, 12])])
    assert not total_hidden and hidden[:2] == [True, True]


def _domain(value: int, is_hidden: bool, is_small: bool) -> np.ndarray:
    if not is_hidden:
        return np.array([value])
    return np.arange(0, THRESHOLD) if is_small else np.arange(THRESHOLD, CAP + 1)


def _feasible(kind: str, total: np.ndarray, parts: list[np.ndarray]) -> np.ndarray:
    stacked = np.vstack(parts)
    if kind == "partition":
        return stacked.sum(axis=0) == total
    return (stacked.max(axis=0) <= total) & (total <= stacked.sum(axis=0))


@settings(max_examples=120, deadline=None)
@given(
    st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 2)).flatmap(
        lambda ks: st.lists(
            st.tuples(_person(ks[0]), st.integers(0, ks[1] - 1), st.integers(0, ks[2] - 1)),
            max_size=CAP,
        ).map(lambda people: (ks, people))
    )
)
@example(((1, 2, 2), [({0}, 0, 0)] * 9 + [({0}, 1, 1)] * 12))  # 21 = 9 + 12 twice
# 18 under the one form and in the one nationality group, 9 + 9 by age: hiding the total is
# not enough while the form's 18 still fixes it (found by this test in CI-like runs).
@example(((1, 2, 1), [({0}, 0, 0)] * 9 + [({0}, 1, 0)] * 9))
def test_people_broken_down_several_ways_share_the_total_and_pin_nothing(
    case: tuple[tuple[int, int, int], list[tuple[set[int], int, int]]],
) -> None:
    """Forms (overlapping), age groups and nationality groups (partitions) of random people;
    the brute-force attacker combines all three through the total they share."""
    from ketenzicht.monitor.disclosure import OVERLAP, PARTITION, protect_people

    (forms, ages, nationalities), people = case
    total = len(people)
    groupings = [
        (OVERLAP, [sum(1 for f, _a, _n in people if form in f) for form in range(forms)]),
        (PARTITION, [sum(1 for _f, a, _n in people if a == age) for age in range(ages)]),
        (PARTITION, [sum(1 for _f, _a, n in people if n == nat) for nat in range(nationalities)]),
    ]
    total_hidden, protected = protect_people(total, groupings)
    totals = _domain(total, total_hidden, total < THRESHOLD)
    domains = [
        [_domain(v, h, s) for v, h, s in zip(parts, hidden, small, strict=True)]
        for (_kind, parts), (hidden, small) in zip(groupings, protected, strict=True)
    ]
    # Per grouping, which totals it allows, and with which value of each part.
    allowed = []
    pairs = []
    for (kind, _parts), grouping in zip(groupings, domains, strict=True):
        grids = [g.ravel() for g in np.meshgrid(totals, *grouping, indexing="ij")]
        ok = _feasible(kind, grids[0], grids[1:])
        allowed.append(set(grids[0][ok].tolist()))
        pairs.append(
            [set(zip(grids[0][ok].tolist(), g[ok].tolist(), strict=True)) for g in grids[1:]]
        )
    for g, ((_kind, parts), (hidden, _small)) in enumerate(zip(groupings, protected, strict=True)):
        others = set(totals.tolist()).intersection(*(a for h, a in enumerate(allowed) if h != g))
        for i, value in enumerate(parts):
            if hidden[i] and 0 < value < THRESHOLD:
                values = {v for t, v in pairs[g][i] if t in others}
                assert value in values, (groupings, protected, total_hidden)
                assert max(values) - min(values) >= PROTECTION, (groupings, protected)
    # A partition's parts add up to the total: never exactly one of them hidden.
    for (kind, parts), (hidden, _small) in zip(groupings, protected, strict=True):
        if kind == PARTITION and parts:
            assert sum(hidden) + total_hidden != 1, (groupings, protected, total_hidden)
