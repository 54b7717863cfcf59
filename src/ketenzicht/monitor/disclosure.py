"""Disclosure control for published tables: no cell below 10, and no suppressed cell that
can be worked out from what is published.

A table is published with its row totals, column totals and grand total. Primary
suppression hides every cell and total below the threshold (shown as "<10"). Secondary
suppression then hides more cells until no suppressed value can be derived or narrowed:
first the classic rule (no row or column with exactly one hidden member), then an audit that
plays the attacker: for each hidden cell it solves two linear programmes for the smallest
and largest value consistent with everything published (and with hidden cells being below
the threshold where they were hidden for that reason); while any hidden cell is pinned to a
single value, or a hidden count of 1 to 9 to a range narrower than ``PROTECTION`` (ADR
0025), the smallest published cell in its row or column is hidden as well.

Pure module (numpy, scipy): the monitor's worker applies it before anything is stored for
publication, so pages and exports only ever read protected tables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

THRESHOLD = 10
# The attacker's range for a hidden count of 1 to 9 must hold at least this many whole
# numbers besides the lowest (ADR 0025): from what is published one cannot tell a single
# person from five or six, nor narrow a count to "8 or 9".
PROTECTION = 5


def wide_enough(low: float, high: float, protection: int = PROTECTION) -> bool:
    """Whether a range an attacker proves (a linear relaxation's, so fractional limits) still
    holds whole numbers at least ``protection`` apart."""
    if high == math.inf:
        return True
    return math.floor(high + 1e-6) - math.ceil(low - 1e-6) >= protection


@dataclass(frozen=True)
class Protected:
    """A protected table: ``None`` where a value is suppressed. ``small`` tells, for each
    suppressed quantity in the same layout, whether it was hidden for being below the
    threshold (shown as "<10") or to protect another one (shown as "x")."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None

    @property
    def suppressed(self) -> int:
        flat = [v for row in self.cells for v in row] + self.row_totals + self.column_totals
        return sum(v is None for v in [*flat, self.total])


class _Layout:
    """All published quantities of an r x c table as one vector: the cells, then the row
    totals, the column totals and the grand total; and the sums that bind them."""

    def __init__(self, rows: int, columns: int) -> None:
        self.rows, self.columns = rows, columns
        self.size = rows * columns + rows + columns + 1
        self.equations: list[list[int]] = []  # members..., total (last)
        for r in range(rows):
            self.equations.append([self.cell(r, c) for c in range(columns)] + [self.row(r)])
        for c in range(columns):
            self.equations.append([self.cell(r, c) for r in range(rows)] + [self.column(c)])
        self.equations.append([self.row(r) for r in range(rows)] + [self.grand()])
        self.equations.append([self.column(c) for c in range(columns)] + [self.grand()])

    def cell(self, r: int, c: int) -> int:
        return r * self.columns + c

    def row(self, r: int) -> int:
        return self.rows * self.columns + r

    def column(self, c: int) -> int:
        return self.rows * self.columns + self.rows + c

    def grand(self) -> int:
        return self.size - 1

    def is_cell(self, index: int) -> bool:
        return index < self.rows * self.columns


def bounds(
    values: np.ndarray, hidden: np.ndarray, layout: _Layout, threshold: int
) -> list[tuple[float, float]]:
    """For every hidden quantity: the smallest and largest value an attacker can prove,
    knowing every published value, the sums, that counts are not negative, and that a
    quantity hidden for being small is below ``threshold`` and one hidden to protect another
    (shown as "x") is at least ``threshold``."""
    n = layout.size
    a_eq, b_eq = [], []
    for members in layout.equations:
        row = np.zeros(n)
        row[members[:-1]] = 1.0
        row[members[-1]] = -1.0
        a_eq.append(row)
        b_eq.append(0.0)
    limits: list[tuple[float, float | None]] = []
    for i in range(n):
        if not hidden[i]:
            limits.append((float(values[i]), float(values[i])))
        elif values[i] < threshold:
            limits.append((0.0, float(threshold - 1)))
        else:
            limits.append((float(threshold), None))
    found = []
    for i in map(int, np.flatnonzero(hidden)):
        objective = np.zeros(n)
        objective[i] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=limits, method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=limits, method="highs")
        found.append((float(low.fun), float(-high.fun) if high.status == 0 else float("inf")))
    return found


def protect(
    cells: list[list[int]], threshold: int = THRESHOLD, protection: int = PROTECTION
) -> Protected:
    """Publishable version of ``cells`` (a non-empty rectangular table of counts) with its
    totals."""
    table = np.array(cells, dtype=np.int64)
    if table.ndim != 2 or table.size == 0 or (table < 0).any():
        raise ValueError("a rectangular table of counts is needed")
    rows, columns = table.shape
    if columns == 1 or rows == 1:
        return _protect_list(table, threshold, protection)
    layout = _Layout(rows, columns)
    values = np.concatenate(
        [table.ravel(), table.sum(axis=1), table.sum(axis=0), [table.sum()]]
    ).astype(float)
    hidden = values < threshold  # primary suppression (zero included: "<10" covers it)
    while hidden.any() and not hidden.all():
        _close_single_gaps(values, hidden, layout)
        proven = bounds(values, hidden, layout, threshold)
        pinned = [
            int(i)
            for i, (low, high) in zip(np.flatnonzero(hidden), proven, strict=True)
            if high - low < 1.0
            or (0 < values[i] < threshold and not wide_enough(low, high, protection))
        ]
        if not pinned:
            break
        # Hide a published neighbour of a pinned quantity (in a sum with it); if every sum
        # around the pinned ones is hidden already, the smallest published quantity.
        rest = [int(i) for i in np.flatnonzero(~hidden)]
        if not any(_hide_partner(values, hidden, layout, i) for i in pinned) and not (
            _hide_smallest(values, hidden, layout, rest)
        ):
            break  # everything is hidden
    out = [None if h else int(v) for v, h in zip(values, hidden, strict=True)]
    return Protected(
        [out[r * columns : (r + 1) * columns] for r in range(rows)],
        out[rows * columns : rows * columns + rows],
        out[rows * columns + rows : rows * columns + rows + columns],
        out[-1],
    )


def _close_single_gaps(values: np.ndarray, hidden: np.ndarray, layout: _Layout) -> None:
    """No sum with exactly one hidden member: its value would be the difference."""
    changed = True
    while changed:
        changed = False
        for members in layout.equations:
            gaps = [m for m in members if hidden[m]]
            if len(gaps) == 1:
                published = [m for m in members if not hidden[m]]
                changed |= _hide_smallest(values, hidden, layout, published)


def _hide_partner(values: np.ndarray, hidden: np.ndarray, layout: _Layout, index: int) -> bool:
    """Hide the smallest published quantity in a sum that holds ``index``."""
    candidates = [m for eq in layout.equations if index in eq for m in eq if not hidden[m]]
    return _hide_smallest(values, hidden, layout, candidates)


def _hide_smallest(
    values: np.ndarray, hidden: np.ndarray, layout: _Layout, candidates: list[int]
) -> bool:
    if not candidates:
        return False
    # Prefer a cell over a total (totals are what readers need most), then the smallest.
    choice = min(candidates, key=lambda m: (not layout.is_cell(m), values[m], m))
    hidden[choice] = True
    return True


def _protect_list(table: np.ndarray, threshold: int, protection: int) -> Protected:
    """A single row or column with its total (e.g. every municipality of the country): the
    attacker's bounds have a closed form, so no linear programme is needed. A hidden value
    lies between 0 and its cap (below the threshold when hidden for being small, unbounded
    otherwise) and the hidden values add up to what the total leaves."""
    values = table.ravel().astype(int)
    total = int(values.sum())
    hidden = values < threshold
    total_hidden = total < threshold
    if total_hidden:
        hidden[:] = True
    while not total_hidden and hidden.any():
        left = total - int(values[~hidden].sum())
        small = values[hidden] < threshold
        # Each hidden value lies in [low, high]: below the threshold when shown as "<10",
        # at least the threshold when shown as "x"; together they make up what is left.
        lows = np.where(small, 0, threshold)
        highs = np.where(small, threshold - 1, left)
        pinned = False
        for i, value in enumerate(values[hidden]):
            low = max(int(lows[i]), left - int(highs.sum() - highs[i]))
            high = min(int(highs[i]), left - int(lows.sum() - lows[i]))
            pinned |= high - low < (protection if 0 < value < threshold else 1)
        if not pinned:
            break
        published = np.flatnonzero(~hidden)
        if len(published):
            hidden[published[np.argmin(values[published])]] = True
        else:
            total_hidden = True
    cells = [None if h else int(v) for v, h in zip(values, hidden, strict=True)]
    shown_total = None if total_hidden else total
    if table.shape[1] == 1:
        return Protected([[c] for c in cells], cells, [shown_total], shown_total)
    return Protected([cells], [shown_total], cells, shown_total)


OVERLAP = "overlap"  # parts may share people and together cover the total (forms)
PARTITION = "partition"  # every person in exactly one part (age group, nationality group)


def protect_people(
    total: int,
    groupings: list[tuple[str, list[int]]],
    threshold: int = THRESHOLD,
    protection: int = PROTECTION,
) -> tuple[bool, list[tuple[list[bool], list[bool]]]]:
    """Protection for a count of distinct people (``total``) broken down in several ways at
    once: per form of exploitation (parts that overlap and cover the total: a person may be
    under several forms, and is under at least one) and per age or nationality group (a
    partition: every person in exactly one group). An attacker knows, for each grouping,
    ``max(parts) <= total <= sum(parts)`` or ``sum(parts) == total``; the groupings share
    only the total, so its possible values are where all of them allow it, and each hidden
    part's possible values follow exactly (intervals; every such set of numbers can come
    from some people). Every count below the threshold is hidden, then published parts are
    hidden as partners (smallest first, then the total, then the other groupings' parts that
    still fix the total) until no hidden part of 1 to 9 can be narrowed to a range below
    ``protection`` and no partition (its parts and the total) has exactly one hidden
    member, which would be the difference (ADR 0025). Returns
    ``(total_hidden, [(hidden, small), ...])``."""
    for kind, parts in groupings:
        consistent = (
            sum(parts) == total
            if kind == PARTITION
            else not parts or max(parts) <= total <= sum(parts)
        )
        if not consistent:
            raise ValueError(f"the {kind} parts do not agree with the total")
    state = _People(total, groupings, threshold, protection)
    while (found := state.pinned()) is not None:
        g = found
        shown = [i for i, h in enumerate(state.hidden[g]) if not h]
        parts = groupings[g][1]
        if shown:
            state.hidden[g][min(shown, key=lambda i: (parts[i], i))] = True
        elif not state.total_hidden:
            state.total_hidden = True  # only the published total still bounds the parts
        else:
            # The other groupings' published parts still fix the total (one form that every
            # person is under equals it): hide the smallest of those.
            rest = [
                (groupings[h][1][j], h, j)
                for h in range(len(groupings))
                for j, hidden in enumerate(state.hidden[h])
                if not hidden
            ]
            if not rest:  # with everything hidden each part keeps at least two values
                raise AssertionError("a part is pinned with everything hidden")
            _value, h, j = min(rest)
            state.hidden[h][j] = True
    return state.total_hidden, [
        (hidden, small) for hidden, small in zip(state.hidden, state.small, strict=True)
    ]


class _People:
    """What the attacker knows of one column of a people table, and what follows."""

    def __init__(
        self, total: int, groupings: list[tuple[str, list[int]]], threshold: int, protection: int
    ):
        self.total, self.groupings, self.threshold = total, groupings, threshold
        self.protection = protection
        self.small = [[v < threshold for v in parts] for _kind, parts in groupings]
        self.hidden = [list(small) for small in self.small]
        self.total_hidden = total < threshold

    def _range(self, g: int, i: int) -> tuple[float, float]:
        value, hidden, small = self.groupings[g][1][i], self.hidden[g][i], self.small[g][i]
        if not hidden:
            return value, value
        return (0, self.threshold - 1) if small else (self.threshold, float("inf"))

    def _total_range(self) -> tuple[float, float]:
        """The totals every grouping allows, within what is published of the total."""
        if not self.total_hidden:
            low, high = float(self.total), float(self.total)
        elif self.total < self.threshold:
            low, high = 0.0, float(self.threshold - 1)
        else:
            low, high = float(self.threshold), float("inf")
        for g, (kind, parts) in enumerate(self.groupings):
            ranges = [self._range(g, i) for i in range(len(parts))]
            most = sum(r[1] for r in ranges)
            least = (
                sum(r[0] for r in ranges)
                if kind == PARTITION
                else max((r[0] for r in ranges), default=0)
            )
            low, high = max(low, least), min(high, most)
        return low, high

    def part_range(self, g: int, i: int) -> tuple[float, float]:
        """The smallest and largest value the attacker can give hidden part ``i`` of
        grouping ``g``."""
        kind, parts = self.groupings[g]
        total_low, total_high = self._total_range()
        low, high = self._range(g, i)
        others = [self._range(g, j) for j in range(len(parts)) if j != i]
        others_high = sum(r[1] for r in others)
        low = max(low, total_low - others_high)
        if kind == PARTITION:
            high = min(high, total_high - sum(r[0] for r in others))
        else:
            high = min(high, total_high)
        return low, high

    def pinned(self) -> int | None:
        """A grouping with a hidden part of 1 to 9 the attacker can narrow below the
        protection interval, or a partition whose one hidden member (a part or the total,
        whatever its value) is the difference of the others, if any."""
        for g, (kind, parts) in enumerate(self.groupings):
            gaps = sum(self.hidden[g]) + self.total_hidden
            if kind == PARTITION and parts and gaps == 1:
                return g
            for i, value in enumerate(parts):
                if self.hidden[g][i] and 0 < value < self.threshold:
                    low, high = self.part_range(g, i)
                    if not wide_enough(low, high, self.protection):
                        return g
        return None
