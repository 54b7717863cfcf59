"""The attacker of the monitor's published tables, written out plainly and apart from the
product's audit: linear programmes over the municipal counts that agree with everything
published."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from ketenzicht.monitor.disclosure import THRESHOLD
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
    return any(np.floor(high + 1e-6) - np.ceil(low - 1e-6) < 1 for low, high in bounds)
