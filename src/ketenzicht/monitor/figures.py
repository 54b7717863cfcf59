"""The monitor's disclosure rule for the figure pages outside it (ADR 0025): the deadline
page (``/doorverwijzingen/termijnen``) and the sharing health page (``/delen/gezondheid``)
count referrals and signals, which are about people. A role that may not read signals (the
national monitor) sees them as the monitor shows its tables: no count below 10, no sum with
exactly one hidden member, no hidden count of 1 to 9 narrower than ``PROTECTION``, and no
percentage or median that would give a small count back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse

from .disclosure import THRESHOLD
from .linked_disclosure import Linked, protect_linked

if TYPE_CHECKING:
    from ketenzicht.followup.selectors import SlaRow
    from ketenzicht.sharing.selectors import SharingHealth

SMALL, PARTNER = "<10", "x"


def _shown(value: int) -> int | str:
    return value if value >= THRESHOLD else SMALL


def _fraction(part: int, whole: int, fraction: float | None) -> float | None:
    """A share only where neither the part nor the rest is a small count (0 describes no
    one) and it is a share of at least ten."""
    rest = whole - part
    if fraction is None or whole < THRESHOLD or 0 < part < THRESHOLD or 0 < rest < THRESHOLD:
        return None
    return fraction


@dataclass(frozen=True)
class ShownSlaRow:
    """An ``SlaRow`` as a role without case access sees it: counts or "<10"."""

    organisation: Any
    received: int | str
    open: int | str
    overdue_acknowledge: int | str
    overdue_outcome: int | str
    acknowledged_in_time: float | None
    outcome_in_time: float | None
    median_days_to_acknowledge: float | None
    median_days_to_outcome: float | None


def protect_sla(rows: Sequence[SlaRow]) -> list[ShownSlaRow]:
    """The deadline figures publish no sums (open and overdue are parts of received, not
    its summands), so every count below 10 is hidden and nothing more: a hidden count's
    only limits are below 10 and below a containing count, so it keeps the whole range of
    "<10". Rows by name: ordered by volume, they would rank hidden figures."""
    out = []
    for r in sorted(rows, key=lambda r: r.organisation.name):
        acknowledged, reached = r.acknowledged, r.reached_outcome
        ack_ok = round((r.acknowledged_in_time or 0) * acknowledged)
        out_ok = round((r.outcome_in_time or 0) * reached)
        out.append(
            ShownSlaRow(
                r.organisation,
                _shown(r.received),
                _shown(r.open),
                _shown(r.overdue_acknowledge),
                _shown(r.overdue_outcome),
                _fraction(ack_ok, acknowledged, r.acknowledged_in_time),
                _fraction(out_ok, reached, r.outcome_in_time),
                r.median_days_to_acknowledge if acknowledged >= THRESHOLD else None,
                r.median_days_to_outcome if reached >= THRESHOLD else None,
            )
        )
    return out


@dataclass(frozen=True)
class ShownCell:
    """A sharing health cell: soft signals and those shared, as numbers or markers; the
    percentage only where both are published."""

    soft: int | str
    shared: int | str
    percent: int | None


@dataclass(frozen=True)
class ShownHealthRow:
    organisation: str
    cells: list[ShownCell]
    total: ShownCell


@dataclass(frozen=True)
class ShownHealth:
    months: list[Any]
    rows: list[ShownHealthRow]
    total: list[ShownCell]


def protect_health(health: SharingHealth) -> ShownHealth:
    """The sharing health table (organisations x months, with each organisation's twelve
    months and each month's total) protected as the monitor's families are: every soft and
    shared count, their row and column totals and grand totals are sums of atoms (shared
    and not shared per organisation and month), audited together (``protect_linked``)."""
    o, m = len(health.rows), len(health.months)
    atoms = np.array(
        [
            n
            for row in health.rows
            for cell in row.cells
            for n in (cell.shared, cell.soft - cell.shared)
        ],
        dtype=float,
    )
    quantities: list[list[int]] = []
    preference: list[int] = []
    # Per cell the soft signals, those shared and those not: the last is the difference of
    # the first two, so it is a published figure too wherever both are shown.
    kinds = {"soft": (0, 1), "shared": (0,), "not": (1,)}
    index: dict[tuple[str, str, int, int], int] = {}

    def add(kind: str, part: str, r: int, c: int, cells: list[tuple[int, int]]) -> None:
        quantities.append([2 * (i * m + j) + k for i, j in cells for k in kinds[kind]])
        preference.append({"cell": 0, "row": 1, "column": 2, "total": 3}[part])
        index[kind, part, r, c] = len(quantities) - 1

    every = [(i, j) for i in range(o) for j in range(m)]
    for kind in kinds:
        for r in range(o):
            for c in range(m):
                add(kind, "cell", r, c, [(r, c)])
            add(kind, "row", r, -1, [(r, j) for j in range(m)])
        for c in range(m):
            add(kind, "column", -1, c, [(i, c) for i in range(o)])
        add(kind, "total", -1, -1, every)
    equations: list[tuple[int, list[int]]] = []
    for kind in kinds:
        total = index[kind, "total", -1, -1]
        for r in range(o):
            cells = [index[kind, "cell", r, c] for c in range(m)]
            equations.append((index[kind, "row", r, -1], cells))
        for c in range(m):
            cells = [index[kind, "cell", r, c] for r in range(o)]
            equations.append((index[kind, "column", -1, c], cells))
        equations.append((total, [index[kind, "row", r, -1] for r in range(o)]))
        equations.append((total, [index[kind, "column", -1, c] for c in range(m)]))
    for part, r, c in {(p, r, c) for _kind, p, r, c in index}:
        split = [index["shared", part, r, c], index["not", part, r, c]]
        equations.append((index["soft", part, r, c], split))
    members = [(q, a) for q, atoms_of in enumerate(quantities) for a in atoms_of]
    sums = sparse.csr_matrix(
        (np.ones(len(members)), ([q for q, _a in members], [a for _q, a in members])),
        shape=(len(quantities), len(atoms)),
    )
    linked = Linked(atoms, sums, equations, np.array(preference))
    hidden, small = protect_linked(linked)
    values = linked.values

    def shown(part: str, r: int, c: int) -> ShownCell:
        soft, shared, rest = (index[kind, part, r, c] for kind in kinds)
        marks = [
            (SMALL if small[q] else PARTNER) if hidden[q] else int(values[q])
            for q in (soft, shared)
        ]
        percent = None
        if not hidden[[soft, shared, rest]].any() and values[soft]:
            percent = round(100 * values[shared] / values[soft])
        return ShownCell(marks[0], marks[1], percent)

    return ShownHealth(
        health.months,
        [
            ShownHealthRow(
                row.organisation, [shown("cell", r, c) for c in range(m)], shown("row", r, -1)
            )
            for r, row in enumerate(health.rows)
        ],
        [shown("column", -1, c) for c in range(m)],
    )
