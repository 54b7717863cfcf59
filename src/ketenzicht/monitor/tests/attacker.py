"""The attacker of the monitor's published tables, written out plainly and apart from the
product's audit: linear programmes over the municipal counts (or one column of the people
tables) that agree with everything published, and the published sums with one hidden
member."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from ketenzicht.monitor.disclosure import PROTECTION, THRESHOLD
from ketenzicht.monitor.linked_disclosure import Linked


def attack(
    linked: Linked,
    hidden: np.ndarray,
    small: np.ndarray,
    targets: Sequence[int] | None = None,
) -> list[tuple[float, float]]:
    """For every hidden count of 1 to 9 (or the ``targets`` given) the smallest and largest
    value an attacker can give it: non-negative atoms, published quantities as they are,
    "<10" below 10 and "x" at least 10. A zero describes no one and needs no protection."""
    sums = sparse.csr_matrix(linked.sums)
    values = linked.values
    a_ub = sparse.vstack([sums[hidden & small], -sums[hidden & ~small]]).tocsr()
    b_ub = np.concatenate(
        [
            np.full(int((hidden & small).sum()), THRESHOLD - 1.0),
            np.full(int((hidden & ~small).sum()), -float(THRESHOLD)),
        ]
    )
    kwargs = {
        "A_eq": sums[~hidden],
        "b_eq": values[~hidden],
        "A_ub": a_ub,
        "b_ub": b_ub,
        "bounds": (0, None),
        "method": "highs",
    }
    if targets is None:
        targets = np.flatnonzero(hidden & (values > 0) & (values < THRESHOLD)).tolist()
    out = []
    for q in targets:
        objective = np.asarray(sums[q].todense()).ravel()
        low = linprog(objective, **kwargs)
        high = linprog(-objective, **kwargs)
        assert low.status == 0
        out.append((low.fun, -high.fun if high.status == 0 else np.inf))
    return out


def pinned(bounds: list[tuple[float, float]]) -> bool:
    """Whether any range holds a single whole number."""
    return narrowed(bounds, 1)


def narrowed(bounds: list[tuple[float, float]], protection: int = PROTECTION) -> bool:
    """Whether any range holds no two whole numbers ``protection`` apart (ADR 0025)."""
    return any(np.floor(high + 1e-6) - np.ceil(low - 1e-6) < protection for low, high in bounds)


def single_gaps(linked: Linked, hidden: np.ndarray) -> list[tuple[int, Sequence[int]]]:
    """The published sums (a total and its members) with exactly one hidden member, which
    is then their difference, whatever its value."""
    return [
        (total, members)
        for total, members in linked.equations
        if sum(bool(hidden[q]) for q in (total, *members)) == 1
    ]


def people_attack(
    total: tuple[int, bool, bool],
    groupings: Sequence[tuple[str, Sequence[tuple[int, bool, bool]]]],
) -> list[tuple[int, float, float]]:
    """The attacker of one column of the distinct-people tables: for every hidden part of 1
    to 9 (``(value, hidden, small)``), the smallest and largest value a linear programme
    proves from everything published: a partition's parts add up to the total, an
    overlapping grouping's parts each lie below it and together reach it. Returns
    ``(value, low, high)`` per such part."""
    variables = [total, *(part for _kind, parts in groupings for part in parts)]
    n = len(variables)
    limits = [
        (float(v), float(v)) if not h else ((0.0, THRESHOLD - 1.0) if s else (THRESHOLD, None))
        for v, h, s in variables
    ]
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    k = 1
    for kind, parts in groupings:
        members = range(k, k + len(parts))
        k += len(parts)
        if not parts:
            continue
        row = np.zeros(n)
        row[list(members)] = 1.0
        row[0] = -1.0
        if kind == "partition":
            a_eq.append(row)
            b_eq.append(0.0)
        else:
            a_ub.append(-row)  # the parts together reach the total
            b_ub.append(0.0)
            for m in members:
                below = np.zeros(n)
                below[m], below[0] = 1.0, -1.0
                a_ub.append(below)
                b_ub.append(0.0)
    kwargs = {
        "A_eq": np.array(a_eq) if a_eq else None,
        "b_eq": b_eq or None,
        "A_ub": np.array(a_ub) if a_ub else None,
        "b_ub": b_ub or None,
        "bounds": limits,
        "method": "highs",
    }
    out = []
    for i, (value, is_hidden, _small) in enumerate(variables):
        if i == 0 or not is_hidden or not 0 < value < THRESHOLD:
            continue
        objective = np.zeros(n)
        objective[i] = 1.0
        low = linprog(objective, **kwargs)
        high = linprog(-objective, **kwargs)
        assert low.status == 0 and high.status == 0
        out.append((value, float(low.fun), float(-high.fun)))
    return out
