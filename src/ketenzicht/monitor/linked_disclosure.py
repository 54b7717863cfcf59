"""Disclosure control for many published quantities that are sums of the same counts.

The monitor publishes the same table for every municipality, police unit, province and the
nation, with totals and twelve-month figures; police units and provinces overlap without
nesting. Protecting each table on its own is not enough: a unit's cell minus its
municipalities' published cells can give a suppressed municipal value. So every published
quantity is written as a sum of *atoms* (the counts of one municipality, one row and one
column) and all of them are protected together:

1. primary suppression: every quantity below the threshold is hidden (shown as "<10");
2. no equation (a total and the quantities it is the sum of, totals of totals and areas
   included) with exactly one hidden member, whatever its value: it would be the
   difference, an "x" as much as a "<10" (ADR 0025); and none that on its own narrows a
   hidden count of 1 to 9 below the protection interval;
3. the attacker's audit: an attacker knows every published value, that counts are not
   negative, that a "<10" lies below the threshold and an "x" at or above it. A count of
   1 to 9 is safe when the attacker's range for it holds whole numbers at least
   ``PROTECTION`` apart (ADR 0025). Beyond the rule above, a zero needs no protection (it
   describes no one; as in tau-ARGUS, where zero cells are safe by default) and "x"
   partners need none of their own: what matters is that they keep the small counts wide,
   which the audit checks. Every hidden count of 1 to 9 is *decided*, never left open
   for want of a budget (ADR 0025, amendment): solutions of linear programmes over the
   atoms that far apart in it prove it safe (pushes with combined objectives settle most
   at once); bounds propagated over the equations, an outer bound of the attacker's
   range, prove the narrowed ones without a solver; what is left gets its own minimum
   and maximum. Each narrowed quantity gets one published partner from an equation it
   belongs to hidden (shown as "x"), unless a partner hidden in the same round already
   touches it; repeat until nothing is narrowed.

Pure module (numpy, scipy); ``monitor.publication`` builds the quantities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from .disclosure import PROTECTION, THRESHOLD

# Each solution is a vertex of the attacker's polytope; a hidden quantity that differs
# between two of them by the protection interval is proven safe. Pushes only speed the
# audit up (what they leave is decided one by one), so this bounds their number per round.
MAX_PUSHES = 200
# Bound propagation stops when no bound moves by more than this, or after this many passes
# (every pass keeps the bounds valid, so stopping early only proves less).
_PROPAGATION_PASSES = 50
_EPS = 1e-6


@dataclass(frozen=True)
class Linked:
    """Published quantities as sums of atoms.

    ``sums`` is a 0/1 matrix, one row per quantity and one column per atom; ``equations``
    name, for checks that need no solver, quantities that add up: ``(total, members)``;
    ``preference`` orders the published quantities to hide as partners (lowest first: the
    least useful to readers)."""

    atoms: np.ndarray
    sums: sparse.csr_matrix
    equations: Sequence[tuple[int, Sequence[int]]]
    preference: np.ndarray
    # Blocks of quantities (one municipality's, in the same order) that are interchangeable
    # for the attacker when they look the same: same group (the same wider areas) and the
    # same published values and markers. Proving one block safe proves them all.
    blocks: Sequence[tuple[str, np.ndarray]] = ()

    @property
    def values(self) -> np.ndarray:
        return np.asarray(self.sums @ self.atoms).ravel()


def protect_linked(
    linked: Linked, threshold: int = THRESHOLD, seed: int = 0, protection: int = PROTECTION
) -> tuple[np.ndarray, np.ndarray]:
    """Which quantities to hide: ``(hidden, small)``; ``small`` marks those hidden for being
    below the threshold ("<10"), the others hidden are there to protect them ("x")."""
    values = linked.values
    small = values < threshold
    hidden = small.copy()
    rng = np.random.default_rng(seed)
    members_of = _membership(linked)
    while hidden.any() and not hidden.all():
        _close_single_gaps(linked, values, hidden, small, threshold, protection)
        pinned = pinned_quantities(
            linked, hidden, small, threshold, rng, protection, defer=members_of
        )
        if not pinned:
            break
        # One partner per narrowed quantity, and none for a quantity that shares an
        # equation with a partner hidden this round: that partner may well be enough, and
        # the next round's audit tells. Hiding a partner for every one of them at once
        # cascaded until everything was hidden in a world with thousands of small counts.
        touched: set[int] = set()
        for index in sorted(pinned, key=lambda q: (values[q], q)):
            if touched & set(members_of.get(index, [])):
                continue
            before = hidden.copy()
            # Best: a published quantity the attacker's proof rests on; else a partner in
            # an equation; else anything that shares counts with it.
            if not _hide_best(linked, values, hidden, pinned[index]) and not _hide_partner(
                linked, values, hidden, members_of, index
            ):
                _hide_overlapping(linked, values, hidden, index)
            for q in np.flatnonzero(hidden & ~before):
                touched.update(members_of.get(int(q), []))
    return hidden, small


def pinned_quantities(
    linked: Linked,
    hidden: np.ndarray,
    small: np.ndarray,
    threshold: int = THRESHOLD,
    rng: np.random.Generator | None = None,
    protection: int = PROTECTION,
    defer: dict[int, list[int]] | None = None,
) -> dict[int, list[int]]:
    """The hidden counts of 1 to 9 an attacker may be able to narrow to a range of fewer
    than ``protection`` whole numbers above its lowest (every one the audit cannot prove safe
    with two consistent solutions that far apart in it), each with the published quantities
    its smallest and largest value depend on, where known. With ``protection=1``: the ones
    that may be pinned. With ``defer`` (each quantity's equations) a quantity that shares an
    equation with one found narrowed is left for the next round rather than solved for:
    the partner hidden for the first may protect it too. Then some, not all, narrowed
    quantities are returned, and none only when none is narrowed."""
    rng = rng or np.random.default_rng(0)
    problem = _Problem(linked, hidden, small, threshold, rng)
    values = linked.values
    need = hidden & sensitive(values, threshold)
    stand_in: dict[int, int] = {}  # quantity -> the same quantity of an identical block
    first: dict[tuple[Any, ...], np.ndarray] = {}
    for group, block in linked.blocks:
        shown = np.where(hidden[block], -1, values[block])
        key = (group, hidden[block].tobytes(), small[block].tobytes(), shown.tobytes())
        if key in first:
            stand_in.update(zip(block.tolist(), first[key].tolist(), strict=True))
        else:
            first[key] = block
    for q, other in stand_in.items():
        need[other] |= need[q]  # the block that stands in is checked for both
    targets = np.array([q for q in np.flatnonzero(need) if q not in stand_in], dtype=int)
    rows = linked.sums[targets]
    low = np.full(len(targets), np.inf)
    high = np.full(len(targets), -np.inf)

    def record(solution: np.ndarray) -> None:
        values = np.asarray(rows @ solution).ravel()
        np.minimum(low, values, out=low)
        np.maximum(high, values, out=high)

    def unproven() -> np.ndarray:
        return np.flatnonzero(~_wide_enough(low, high, protection))

    everything = np.asarray(rows.sum(axis=0)).ravel()
    for objective in (everything, -everything, rng.normal(size=problem.atoms)):
        record(problem.solve(objective))
    # Push every quantity not yet proven safe to the protection interval above the lowest
    # value seen so far, as many at once as the published figures allow, while that proves
    # more of them; then below the highest.
    left = unproven()
    pushes = 0
    for up in (True, False):
        while len(left) and pushes < MAX_PUSHES:
            pushes += 1
            seen = low[left] + (protection - 1) if up else high[left] - (protection - 1)
            record(problem.push(rows[left], seen, up))
            before, left = len(left), unproven()
            if before == len(left):
                break
    # The rest is decided: narrowed where propagated bounds (an outer bound of the
    # attacker's range) are already too close, else by its own smallest and largest value.
    # Never "narrowed" for want of a proof: that hid partners for safe counts, round after
    # round, until nothing was published.
    outer_low, outer_high = (
        propagated_bounds(linked, hidden, small, threshold) if len(left) else (low, high)
    )
    pinned: dict[int, list[int]] = {}
    deferred: set[int] = set()  # equations of the quantities found narrowed
    for k in sorted(left, key=lambda k: (values[targets[k]], targets[k])):
        if _wide_enough(low[k : k + 1], high[k : k + 1], protection)[0]:
            continue  # proven by a solution found for an earlier quantity
        q = int(targets[k])
        if defer is not None and deferred & set(defer.get(q, [])):
            continue
        if not _wide_enough(outer_low[q : q + 1], outer_high[q : q + 1], protection)[0]:
            pinned[q] = []
            deferred.update((defer or {}).get(q, []))
            continue
        binding: list[int] = []
        objective = np.asarray(rows[k].todense()).ravel()
        for direction in (objective, -objective):
            solution, depends_on = problem.solve_with_binding(direction)
            record(solution)
            binding += depends_on
        if not _wide_enough(low[k : k + 1], high[k : k + 1], protection)[0]:
            pinned[q] = binding
            deferred.update((defer or {}).get(q, []))
    # A quantity of a block that looks like another block is pinned when its stand-in is.
    for q, other in stand_in.items():
        if need[q] and other in pinned:
            pinned[q] = []
    return pinned


def propagated_bounds(
    linked: Linked, hidden: np.ndarray, small: np.ndarray, threshold: int = THRESHOLD
) -> tuple[np.ndarray, np.ndarray]:
    """Bounds on every quantity that hold in the attacker's whole polytope: each starts in
    its box (its value if published, 0 to threshold - 1 for "<10", at least the threshold
    for "x"), and each equation ``total = sum(members)`` narrows every one of its quantities
    to what the others' bounds leave, pass after pass. The attacker's true range lies
    inside, so bounds closer than the protection interval prove a quantity narrowed
    without a solver (the converse needs solutions)."""
    values = linked.values.astype(float)
    low = np.where(hidden, np.where(small, 0.0, float(threshold)), values)
    high = np.where(hidden, np.where(small, threshold - 1.0, np.inf), values)
    rows, columns, signs = [], [], []
    for e, (total, members) in enumerate(linked.equations):
        rows += [e] * (len(members) + 1)
        columns += [total, *members]
        signs += [-1.0] + [1.0] * len(members)
    # sum(members) - total = 0, one row per equation
    entry_row = np.asarray(rows)
    entry_column = np.asarray(columns)
    entry_sign = np.asarray(signs)
    count = len(linked.equations)
    for _ in range(_PROPAGATION_PASSES if count else 0):
        # The smallest and largest value each entry's term can add to its equation.
        term_low = np.where(entry_sign > 0, low[entry_column], -high[entry_column])
        term_high = np.where(entry_sign > 0, high[entry_column], -low[entry_column])
        finite_low = np.where(np.isinf(term_low), 0.0, term_low)
        finite_high = np.where(np.isinf(term_high), 0.0, term_high)
        sum_low = np.bincount(entry_row, finite_low, count)
        sum_high = np.bincount(entry_row, finite_high, count)
        infinite_low = np.bincount(entry_row, np.isinf(term_low), count)
        infinite_high = np.bincount(entry_row, np.isinf(term_high), count)
        # The others' terms, without this entry's; unbounded if another term is.
        others_low = np.where(
            infinite_low[entry_row] - np.isinf(term_low) > 0,
            -np.inf,
            sum_low[entry_row] - finite_low,
        )
        others_high = np.where(
            infinite_high[entry_row] - np.isinf(term_high) > 0,
            np.inf,
            sum_high[entry_row] - finite_high,
        )
        # term = -(others): a member (+1) lies in [-others_high, -others_low], a total
        # (-1) in [others_low, others_high].
        new_low = np.where(entry_sign > 0, -others_high, others_low)
        new_high = np.where(entry_sign > 0, -others_low, others_high)
        candidate_low = low.copy()
        candidate_high = high.copy()
        np.maximum.at(candidate_low, entry_column, new_low)
        np.minimum.at(candidate_high, entry_column, new_high)
        moved = np.any(candidate_low > low + _EPS) or np.any(candidate_high < high - _EPS)
        low, high = candidate_low, candidate_high
        if not moved:
            break
    return low, high


def sensitive(values: np.ndarray, threshold: int = THRESHOLD) -> np.ndarray:
    """The counts that could point at a person: 1 to 9."""
    return (values > 0) & (values < threshold)


def _wide_enough(low: np.ndarray, high: np.ndarray, protection: int) -> np.ndarray:
    """Whether each range holds whole numbers ``protection`` apart (``disclosure.wide_enough``
    for arrays)."""
    return np.floor(high + _EPS) - np.ceil(low - _EPS) >= protection


class _Problem:
    """The attacker's polytope over the atoms."""

    def __init__(
        self,
        linked: Linked,
        hidden: np.ndarray,
        small: np.ndarray,
        threshold: int,
        rng: np.random.Generator,
    ) -> None:
        values = linked.values
        self.rng = rng
        self.atoms = len(linked.atoms)
        # An upper bound only narrows the polytope, so a certificate found inside it holds;
        # it keeps objectives bounded when even the grand total is hidden.
        ceiling = float(max(values.max(initial=0), threshold) * 2 + threshold)
        lower = np.zeros(self.atoms)
        upper = np.full(self.atoms, ceiling)
        sums = linked.sums.tocsr()
        single = np.diff(sums.indptr) == 1
        eq_rows, ub_rows, lb_rows = [], [], []
        self.fixed_by = np.full(self.atoms, -1)  # the published quantity that is the atom
        for q in range(sums.shape[0]):
            if single[q]:
                atom = sums.indices[sums.indptr[q]]
                if not hidden[q]:
                    lower[atom] = upper[atom] = values[q]
                    self.fixed_by[atom] = q
                elif small[q]:
                    upper[atom] = min(upper[atom], threshold - 1)
                else:
                    lower[atom] = max(lower[atom], threshold)
            elif not hidden[q]:
                eq_rows.append(q)
            elif small[q]:
                ub_rows.append(q)
            else:
                lb_rows.append(q)
        self.bounds = np.column_stack([lower, upper])
        self.eq_rows = np.array(eq_rows, dtype=int)
        self.a_eq = sums[eq_rows] if eq_rows else None
        self.b_eq = values[eq_rows] if eq_rows else None
        a_ub = [sums[ub_rows], -sums[lb_rows]]
        b_ub = [np.full(len(ub_rows), threshold - 1.0), np.full(len(lb_rows), -float(threshold))]
        self.a_ub = sparse.vstack(a_ub).tocsr() if ub_rows or lb_rows else None
        self.b_ub = np.concatenate(b_ub) if ub_rows or lb_rows else None

    def solve(self, objective: np.ndarray) -> np.ndarray:
        return np.asarray(self._solve(objective).x)

    def solve_with_binding(self, objective: np.ndarray) -> tuple[np.ndarray, list[int]]:
        """A solution, and the published quantities whose values bound the objective (those
        with a non-zero dual value)."""
        result = self._solve(objective)
        binding = []
        if self.a_eq is not None:
            binding += self.eq_rows[np.abs(result.eqlin.marginals) > _EPS].tolist()
        fixed = (np.abs(result.lower.marginals) > _EPS) | (np.abs(result.upper.marginals) > _EPS)
        binding += [int(q) for q in self.fixed_by[fixed] if q >= 0]
        return np.asarray(result.x), binding

    def push(self, rows: sparse.csr_matrix, seen: np.ndarray, up: bool) -> np.ndarray:
        """A solution that moves as many of ``rows`` as it can at least one whole unit
        above (``up``) or below the values ``seen``: maximise the sum of
        ``s_q = min(1, sum_q - seen_q)`` (or ``seen_q - sum_q``), with ``s_q`` as extra
        variables."""
        count = rows.shape[0]
        sign = -1.0 if up else 1.0
        # s_q - (sum_q - seen_q) <= 0 (up) or s_q + sum_q - seen_q <= 0 (down)
        extra = sparse.hstack([sign * rows, sparse.identity(count)]).tocsr()
        a_ub = [extra]
        b_ub = [sign * seen]
        if self.a_ub is not None and self.b_ub is not None:
            a_ub.insert(
                0, sparse.hstack([self.a_ub, sparse.csr_matrix((self.a_ub.shape[0], count))])
            )
            b_ub.insert(0, self.b_ub)
        a_eq = None
        if self.a_eq is not None:
            a_eq = sparse.hstack(
                [self.a_eq, sparse.csr_matrix((self.a_eq.shape[0], count))]
            ).tocsr()
        bounds = np.vstack(
            [self.bounds, np.column_stack([np.full(count, -np.inf), np.ones(count)])]
        )
        # Distinct weights make the solver fill whole units (a vertex) rather than spread
        # fractions of one over many quantities, which proves nothing.
        weights = self.rng.uniform(0.5, 1.5, size=count)
        objective = np.concatenate([np.zeros(self.atoms), -weights])
        result = linprog(
            objective,
            A_ub=sparse.vstack(a_ub).tocsr(),
            b_ub=np.concatenate(b_ub),
            A_eq=a_eq,
            b_eq=self.b_eq,
            bounds=bounds,
            method="highs",
        )
        if result.status != 0:
            raise RuntimeError(f"the attacker's problem could not be solved: {result.message}")
        return np.asarray(result.x[: self.atoms])

    def _solve(self, objective: np.ndarray) -> Any:
        result = linprog(
            objective,
            A_ub=self.a_ub,
            b_ub=self.b_ub,
            A_eq=self.a_eq,
            b_eq=self.b_eq,
            bounds=self.bounds,
            method="highs",
        )
        if result.status != 0:  # the true counts are always a solution
            raise RuntimeError(f"the attacker's problem could not be solved: {result.message}")
        return result


def _membership(linked: Linked) -> dict[int, list[int]]:
    """For each quantity, the equations it appears in (as total or member)."""
    out: dict[int, list[int]] = {}
    for e, (total, members) in enumerate(linked.equations):
        for q in (total, *members):
            out.setdefault(q, []).append(e)
    return out


def _close_single_gaps(
    linked: Linked,
    values: np.ndarray,
    hidden: np.ndarray,
    small: np.ndarray,
    threshold: int,
    protection: int,
) -> None:
    """Checks on one equation at a time, without a solver: no equation with exactly one
    hidden member (it would be the difference, whatever its value), and none that alone
    narrows a hidden count of 1 to 9 below the protection interval (a published 18 made of
    two "<10"s: both are 9; a 17: both are 8 or 9)."""
    at_risk = sensitive(values, threshold)
    changed = True
    while changed:
        changed = False
        for total, members in linked.equations:
            everyone = [total, *members]
            gaps = [q for q in everyone if hidden[q]]
            if not gaps:
                continue
            if len(gaps) == 1 or (
                any(at_risk[q] for q in gaps)
                and _narrowed(values, hidden, small, threshold, protection, total, members)
            ):
                changed |= _hide_best(linked, values, hidden, everyone)


def _narrowed(
    values: np.ndarray,
    hidden: np.ndarray,
    small: np.ndarray,
    threshold: int,
    protection: int,
    total: int,
    members: Sequence[int],
) -> bool:
    """Whether this equation alone gives a hidden count of 1 to 9 in it a range narrower
    than ``protection``: each quantity lies in its box (its value if published, below the
    threshold for "<10", at least the threshold for "x") and the total is the members' sum."""
    everyone = np.array([total, *members])
    shown = ~hidden[everyone]
    low = np.where(shown, values[everyone], np.where(small[everyone], 0.0, float(threshold)))
    high = np.where(shown, values[everyone], np.where(small[everyone], threshold - 1.0, np.inf))
    member_low, member_high = low[1:].sum(), high[1:].sum()
    for k, q in enumerate(everyone):
        if shown[k] or not 0 < values[q] < threshold:
            continue
        if k == 0:
            lo, hi = max(low[0], member_low), min(high[0], member_high)
        else:
            others_high = member_high - high[k]  # finite: a count of 1 to 9 is a "<10"
            lo = max(low[k], low[0] - others_high)
            hi = min(high[k], high[0] - (member_low - low[k]))
        if np.floor(hi + _EPS) - np.ceil(lo - _EPS) < protection:
            return True
    return False


def _hide_partner(
    linked: Linked,
    values: np.ndarray,
    hidden: np.ndarray,
    members_of: dict[int, list[int]],
    index: int,
) -> bool:
    candidates = [
        q
        for e in members_of.get(index, [])
        for q in (linked.equations[e][0], *linked.equations[e][1])
    ]
    return _hide_best(linked, values, hidden, candidates)


def _hide_overlapping(linked: Linked, values: np.ndarray, hidden: np.ndarray, index: int) -> None:
    """No equation holds the pinned quantity with a published one: hide a published
    quantity that shares atoms with it."""
    atoms = linked.sums[index].indices
    overlapping = np.flatnonzero(np.asarray(linked.sums[:, atoms].sum(axis=1)).ravel())
    if not _hide_best(linked, values, hidden, list(overlapping)):
        hidden[np.flatnonzero(~hidden)] = True  # nothing else can protect it


def _hide_best(
    linked: Linked, values: np.ndarray, hidden: np.ndarray, candidates: Sequence[int]
) -> bool:
    published = [int(q) for q in candidates if not hidden[q]]
    if not published:
        return False
    choice = min(published, key=lambda q: (linked.preference[q], values[q], q))
    hidden[choice] = True
    return True
