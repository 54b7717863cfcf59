"""Multiple systems estimation of a hidden number: how many victims no list recorded.

The method is that of Chan, Silverman & Vincent (JASA 2021), as the R package SparseMSE
implements it, so that the figures match the reference (``../shared/data/mse/README.md``):

- a Poisson log-linear model on the 2^k - 1 observable list histories (zero counts
  included), with every main effect and the two-list interactions chosen by forward stepwise
  selection: at each step, the pair whose observed overlap is least likely under the current
  fit (the smaller Poisson tail probability) is added while that probability is below the
  threshold (0.02) and the resulting model passes the checks below;
- a pair of lists without any case in common gets interaction minus infinity: the cells it
  forces to zero are removed and it gets no parameter;
- before a pair is accepted, a linear programme (Fienberg & Rinaldo 2012) tells whether the
  maximum likelihood estimate exists, and the rank of the design whether the model is
  identifiable;
- the hidden number is exp(intercept); intervals are Wald on its log scale (given the model)
  or a BCa bootstrap that reruns the whole selection on every resample and on every
  jackknife deletion, from a fixed default seed so that a rerun reproduces a published
  interval;
- when the chosen model's maximum likelihood estimate does not exist, the hidden number is
  finite only if the cells the extended estimate can fit still determine the intercept
  (Fienberg & Rinaldo 2012); otherwise, as when two lists share no case, there is no finite
  estimate and the answer says so instead of printing what the optimiser stopped at.

No maintained Python package does this (ADR 0012); the fits are statsmodels GLMs and the
linear programmes scipy's HiGHS. Pure module: no Django.
"""

from __future__ import annotations

import csv
import itertools
import math
import os
import warnings
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import statsmodels.api as sm
from scipy.optimize import linprog
from scipy.stats import norm, poisson
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

THRESHOLD = 0.02
# The bootstrap's default seed: a published interval must come out the same when rerun.
DEFAULT_SEED = 2026
# A standard error of the log hidden number above this means the optimiser walked off to
# infinity (an interval spanning a factor e^78): a backstop for what the facial-set test
# cannot see in floating point, not a statistical threshold.
DIVERGED_SE = 20.0
Pair = tuple[int, int]


class EstimationError(ValueError):
    """The table cannot be estimated from (too few lists, no cases, bad input)."""


@dataclass(frozen=True)
class Table:
    """A capture-history table: every non-empty history of the lists, with its count."""

    lists: tuple[str, ...]
    histories: np.ndarray  # cells x lists, 0/1
    counts: np.ndarray  # cells

    @property
    def observed(self) -> int:
        return int(self.counts.sum())

    def with_counts(self, counts: np.ndarray) -> Table:
        return Table(self.lists, self.histories, counts)

    def name(self, pair: Pair) -> str:
        return f"{self.lists[pair[0]]}:{self.lists[pair[1]]}"


def table(lists: Sequence[str], rows: Iterable[tuple[Sequence[int], int]]) -> Table:
    """A table from ``(history, count)`` rows; repeated histories add up, missing ones are
    zero, the all-zero history (the hidden number itself) may not appear."""
    k = len(lists)
    if k < 2:
        raise EstimationError("at least two lists are needed")
    if len(set(lists)) != k:
        raise EstimationError("list names must differ")
    histories = np.array(
        sorted(
            (h for h in itertools.product((0, 1), repeat=k) if any(h)),
            key=lambda h: (sum(h), [-v for v in h]),
        ),
        dtype=np.int8,
    )
    position = {tuple(int(v) for v in h): i for i, h in enumerate(histories)}
    counts = np.zeros(len(histories), dtype=np.int64)
    for history, count in rows:
        key = tuple(int(v) for v in history)
        if len(key) != k or any(v not in (0, 1) for v in key):
            raise EstimationError(f"a history needs one 0 or 1 per list: {key}")
        if not any(key):
            raise EstimationError("the all-zero history is what is estimated; leave it out")
        if count < 0:
            raise EstimationError(f"a count cannot be negative: {count}")
        counts[position[key]] += int(count)
    if counts.sum() == 0:
        raise EstimationError("the table holds no cases")
    return Table(tuple(lists), histories, counts)


def read_csv(source: str | Path | Iterable[str]) -> Table:
    """One 0/1 column per list and a ``count`` column (the CLI's input format)."""
    if isinstance(source, str | Path):
        with open(source, newline="", encoding="utf-8") as handle:
            return _read(handle)
    return _read(source)


def _read(handle: Iterable[str]) -> Table:
    reader = csv.reader(handle)
    header = [h.strip() for h in next(reader, [])]
    if "count" not in header:
        raise EstimationError("the table needs a 'count' column")
    at = header.index("count")
    lists = [h for i, h in enumerate(header) if i != at]
    rows = []
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        try:
            numbers = [int(v) for v in values]
        except ValueError as error:
            raise EstimationError(f"line {line}: only whole numbers, {values}") from error
        if len(numbers) != len(header):
            raise EstimationError(f"line {line}: {len(header)} values expected")
        rows.append(([n for i, n in enumerate(numbers) if i != at], numbers[at]))
    return table(lists, rows)


# -- one model ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Design:
    """The cells a model is fitted on and its design matrix."""

    x: np.ndarray  # cells x (1 + lists + finite pairs)
    y: np.ndarray
    cells: np.ndarray  # indices into the table's cells
    finite: tuple[Pair, ...]
    infinite: tuple[Pair, ...]


def design(t: Table, pairs: Sequence[Pair]) -> Design:
    """Main effects plus ``pairs``; a pair without overlap removes its cells instead."""
    keep = np.ones(len(t.counts), dtype=bool)
    finite: list[Pair] = []
    infinite: list[Pair] = []
    for i, j in pairs:
        both = (t.histories[:, i] == 1) & (t.histories[:, j] == 1)
        if t.counts[keep & both].sum() == 0:
            infinite.append((i, j))
            keep &= ~both
        else:
            finite.append((i, j))
    h = t.histories[keep].astype(float)
    columns = [np.ones(len(h)), *h.T, *(h[:, i] * h[:, j] for i, j in finite)]
    return Design(
        np.column_stack(columns),
        t.counts[keep].astype(float),
        np.flatnonzero(keep),
        tuple(finite),
        tuple(infinite),
    )


def check(t: Table, pairs: Sequence[Pair]) -> int:
    """0 when the model is fine; +1 when its maximum likelihood estimate does not exist
    (the linear programme of Fienberg & Rinaldo finds no strictly positive table with the
    same sufficient statistics); +2 when it is not identifiable (rank-deficient design)."""
    d = design(t, pairs)
    a = d.x.T
    cells = a.shape[1]
    # Variables: a table x (one value per cell) and s; maximise s subject to A x = A y and
    # x >= s in every cell. The MLE exists iff the optimum is positive.
    objective = np.zeros(cells + 1)
    objective[-1] = -1.0
    result = linprog(
        objective,
        A_ub=np.hstack([-np.eye(cells), np.ones((cells, 1))]),
        b_ub=np.zeros(cells),
        A_eq=np.hstack([a, np.zeros((a.shape[0], 1))]),
        b_eq=a @ d.y,
        bounds=[(0, None)] * (cells + 1),
        method="highs",
    )
    exists = result.status == 0 and -result.fun > 1e-9
    identifiable = np.linalg.matrix_rank(d.x) == d.x.shape[1]
    return (0 if exists else 1) + (0 if identifiable else 2)


def _facial_cells(d: Design) -> np.ndarray:
    """Cells the extended maximum likelihood estimate fits with a positive mean: those
    some non-negative table with the observed sufficient statistics fills (Fienberg &
    Rinaldo 2012). Each linear programme maximises the capped mass of the zero cells not
    yet known to be fillable; at least one joins per round until none can."""
    a = d.x.T
    target = a @ d.y
    found = d.y > 0
    while not found.all():
        open_cells = np.flatnonzero(~found)
        cells, extra = len(d.y), len(open_cells)
        # Variables: the table x, then s (one per open cell) with s <= x and s <= 1.
        objective = np.concatenate([np.zeros(cells), -np.ones(extra)])
        link = np.zeros((extra, cells + extra))
        link[np.arange(extra), open_cells] = -1.0
        link[np.arange(extra), cells + np.arange(extra)] = 1.0
        result = linprog(
            objective,
            A_ub=link,
            b_ub=np.zeros(extra),
            A_eq=np.hstack([a, np.zeros((a.shape[0], extra))]),
            b_eq=target,
            bounds=[(0, None)] * cells + [(0, 1)] * extra,
            method="highs",
        )
        if result.status != 0:
            break
        filled = open_cells[result.x[cells:] > 1e-9]
        if not len(filled):
            break
        found[filled] = True
    return np.flatnonzero(found)


def hidden_limit(t: Table, pairs: Sequence[Pair]) -> str:
    """Where the model's hidden number goes: ``"finite"``, ``"face"`` (finite, fitted on
    the face alone), ``"zero"`` or ``"none"`` (no finite value). When the maximum
    likelihood estimate exists, it is finite (if the model is identifiable). When it does
    not, the likelihood keeps rising along directions that
    hold the means of the cells the estimate still fits (the face, Fienberg & Rinaldo
    2012) and drive the other cells to zero; the hidden number moves as exp(intercept)
    along them. With two lists and no case on both, the intercept rises with every such
    direction: n10 * n01 / n11 has no finite value. With cases on both but none on list
    A alone, it falls: A lies inside B and the hidden number is zero. When some
    directions raise it and others lower it, the data do not determine it."""
    d = design(t, pairs)
    if np.linalg.matrix_rank(d.x) < d.x.shape[1]:
        return "none"
    if check(t, pairs) == 0:
        return "finite"
    on_face = np.zeros(len(d.y), dtype=bool)
    on_face[_facial_cells(d)] = True
    face, off = d.x[on_face], d.x[~on_face]
    params = d.x.shape[1]

    def extreme(sign: float) -> float | None:
        # The directions form a cone; scaled so that the other cells fall by at least one
        # unit, they form a polyhedron on which the intercept component, capped at one
        # unit on the side sought, attains its extreme (None: no direction reaches the cap).
        objective = np.zeros(params)
        objective[0] = -sign
        result = linprog(
            objective,
            A_ub=off if len(off) else None,
            b_ub=-np.ones(len(off)) if len(off) else None,
            A_eq=face if len(face) else None,
            b_eq=np.zeros(len(face)) if len(face) else None,
            bounds=[(None, 1.0) if sign > 0 else (-1.0, None)] + [(None, None)] * (params - 1),
            method="highs",
        )
        return float(result.x[0]) if result.status == 0 else None

    highest = extreme(1.0)
    if highest is None:
        return "none"
    if highest < -1e-9:
        return "zero"
    lowest = extreme(-1.0)
    if lowest is not None and abs(highest) <= 1e-9 and abs(lowest) <= 1e-9:
        return "face"
    return "none"


@dataclass(frozen=True)
class Fit:
    table: Table
    pairs: tuple[Pair, ...]  # in the order they were chosen
    infinite: tuple[Pair, ...]
    log_hidden: float  # the intercept
    se_log_hidden: float
    fitted: np.ndarray  # per table cell (zero where a pair forces it)
    converged: bool = True

    @property
    def diverged(self) -> bool:
        """The optimiser did not settle on a finite hidden number (see ``DIVERGED_SE``)."""
        return (
            not self.converged
            or not math.isfinite(self.log_hidden)
            or not math.isfinite(self.se_log_hidden)
            or self.se_log_hidden > DIVERGED_SE
            or self.log_hidden > 700  # exp() would overflow
        )

    @property
    def hidden(self) -> float:
        return math.exp(self.log_hidden)

    @property
    def estimate(self) -> float:
        return self.table.observed + self.hidden


def fit(t: Table, pairs: Sequence[Pair] = ()) -> Fit:
    """Maximum likelihood fit of the Poisson log-linear model with ``pairs``."""
    d = design(t, pairs)
    with warnings.catch_warnings():
        # A list that captured nobody (possible in a resample) drives its main effect to
        # minus infinity; the fit still gives the right hidden number, as R's glm does.
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        result = sm.GLM(d.y, d.x, family=sm.families.Poisson()).fit(tol=1e-12, maxiter=100)
    params = np.asarray(result.params)
    fitted = np.zeros(len(t.counts))
    fitted[d.cells] = np.exp(d.x @ params)
    cov = np.asarray(result.cov_params())
    return Fit(
        t,
        tuple(pairs),
        d.infinite,
        float(params[0]),
        float(math.sqrt(max(cov[0, 0], 0.0))),
        fitted,
        bool(result.converged),
    )


# -- model choice ----------------------------------------------------------------------------


def stepwise(t: Table, threshold: float = THRESHOLD) -> Fit:
    """Forward selection of two-list interactions (Chan, Silverman & Vincent 2021)."""
    k = len(t.lists)
    candidates = [(i, j) for i in range(k - 1) for j in range(i + 1, k)]
    both = {p: (t.histories[:, p[0]] == 1) & (t.histories[:, p[1]] == 1) for p in candidates}
    overlap = {p: int(t.counts[both[p]].sum()) for p in candidates}
    chosen: list[Pair] = []
    current = fit(t)
    for _step in candidates:
        scored = []
        for index, pair in enumerate(candidates):
            if pair in chosen:
                continue
            expected = float(current.fitted[both[pair]].sum())
            n = overlap[pair]
            p = min(poisson.cdf(n, expected), poisson.sf(n - 1, expected))
            scored.append((float(p), index, pair))
        # The best candidate that passes the checks: checking in order of p-value gives
        # the same choice as checking all (ties go to the first pair, as in SparseMSE).
        best = None
        for p, _index, pair in sorted(scored):
            if p >= threshold:
                break
            if check(t, [*chosen, pair]) == 0:
                best = pair
                break
        if best is None:
            break
        chosen.append(best)
        current = fit(t, chosen)
    return current


def wald(f: Fit, level: float = 0.95) -> tuple[float, float]:
    """Interval on the log scale of the hidden number, given the chosen model."""
    z = norm.ppf(0.5 + level / 2)
    n = f.table.observed
    return (
        n + _exp(f.log_hidden - z * f.se_log_hidden),
        n + _exp(f.log_hidden + z * f.se_log_hidden),
    )


def _exp(x: float) -> float:
    return math.exp(x) if x < 709 else math.inf


# -- bootstrap ---------------------------------------------------------------------------------


def settle(f: Fit) -> tuple[Fit, str]:
    """The fit to report and where its hidden number goes (see ``hidden_limit``). When the
    maximum likelihood estimate does not exist but the face fixes the intercept (two lists
    without any case, say), the optimiser on the whole table may not settle; the extended
    estimate is the fit on the face cells alone, where it exists."""
    limit = hidden_limit(f.table, f.pairs)
    if limit != "face":
        return f, limit
    d = design(f.table, f.pairs)
    face = _facial_cells(d)
    x = d.x[face]
    # Columns the face does not reach (an empty list's main effect) or repeats add nothing
    # there: keep the intercept and a basis of the rest. The column space, and so the fit
    # and the estimable intercept with its standard error, stay the same.
    basis = [0]
    for column in range(1, x.shape[1]):
        if np.linalg.matrix_rank(x[:, [*basis, column]]) > len(basis):
            basis.append(column)
    with warnings.catch_warnings():
        # A face with as many cells as parameters is fitted exactly: "perfect prediction".
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        result = sm.GLM(d.y[face], x[:, basis], family=sm.families.Poisson()).fit(
            tol=1e-12, maxiter=100
        )
    params = np.asarray(result.params)
    fitted = np.zeros(len(f.table.counts))
    fitted[d.cells[face]] = np.exp(x[:, basis] @ params)
    cov = np.asarray(result.cov_params())
    settled = Fit(
        f.table,
        f.pairs,
        f.infinite,
        float(params[0]),
        float(math.sqrt(max(cov[0, 0], 0.0))),
        fitted,
        bool(result.converged),
    )
    return settled, "finite"


def finite_estimate(f: Fit) -> float:
    """The fit's estimated total, or infinity when the model gives no finite hidden number."""
    settled, limit = settle(f)
    if limit == "zero":
        return float(f.table.observed)
    if settled.diverged or limit == "none":
        return math.inf
    return settled.estimate


def _estimates(t: Table, count_sets: Sequence[np.ndarray], threshold: float) -> list[float]:
    return [finite_estimate(stepwise(t.with_counts(c), threshold)) for c in count_sets]


def _parallel(
    t: Table, count_sets: list[np.ndarray], threshold: float, workers: int
) -> list[float]:
    if workers <= 1 or len(count_sets) < 2 * workers:
        return _estimates(t, count_sets, threshold)
    chunks = [count_sets[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(_estimates, [t] * workers, chunks, [threshold] * workers))
    # Put the results back in the order of the count sets.
    out: list[float] = [0.0] * len(count_sets)
    for w, part in enumerate(parts):
        for position, value in enumerate(part):
            out[w + position * workers] = value
    return out


@dataclass(frozen=True)
class Bootstrap:
    low: float  # infinity when too many resamples have no finite estimate
    high: float
    estimates: np.ndarray = field(repr=False)
    acceleration: float
    bias: float  # z0


def bca(
    t: Table,
    *,
    resamples: int = 1000,
    seed: int | None = DEFAULT_SEED,
    level: float = 0.95,
    threshold: float = THRESHOLD,
    workers: int | None = None,
) -> Bootstrap:
    """BCa bootstrap interval: multinomial resamples of the observed cases, the whole
    stepwise selection rerun on each; acceleration from a count-weighted jackknife that
    deletes one case of each observed history and reruns the selection too. ``seed=None``
    draws fresh resamples (a different interval every run). A resample or deletion without
    a finite estimate counts as infinity: a limit that falls on one is infinite."""
    workers = workers or min(os.cpu_count() or 1, 8)
    point = stepwise(t, threshold).estimate
    rng = np.random.default_rng(seed)
    n = t.observed
    draws = rng.multinomial(n, t.counts / n, size=resamples)
    boot = np.array(_parallel(t, list(draws), threshold, workers))
    occupied = np.flatnonzero(t.counts > 0)
    deletions = []
    for cell in occupied:
        counts = t.counts.copy()
        counts[cell] -= 1
        deletions.append(counts)
    jack = np.array(_parallel(t, deletions, threshold, workers))
    if not np.isfinite(jack).all():
        # The estimate hinges on single cases: without them it is infinite, and so is the
        # acceleration; no interval can be corrected for it.
        return Bootstrap(math.inf, math.inf, boot, math.nan, math.nan)
    weights = t.counts[occupied].astype(float)
    centred = (weights @ jack) / n - jack
    spread = float(weights @ centred**2)
    acceleration = float(weights @ centred**3) / (6 * spread**1.5) if spread > 0 else 0.0
    below = float(np.mean(boot < point))
    # All resamples on one side: the bias correction is infinite; clamp to half a resample.
    below = min(max(below, 0.5 / resamples), 1 - 0.5 / resamples)
    z0 = float(norm.ppf(below))
    limits = []
    for alpha in (0.5 - level / 2, 0.5 + level / 2):
        za = norm.ppf(alpha) + z0
        q = float(norm.cdf(z0 + za / (1 - acceleration * za)))
        with np.errstate(invalid="ignore"):
            limit = float(np.quantile(boot, q, method="median_unbiased"))
        limits.append(limit if math.isfinite(limit) else math.inf)
    return Bootstrap(limits[0], limits[1], boot, acceleration, z0)


# -- the answer --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    observed: int
    estimate: float | None  # None when no finite estimate exists (``infinite``)
    ci_low: float | None  # None when that limit is not finite
    ci_high: float | None
    ci_method: str
    model: list[str]
    minus_infinity: list[str]  # pairs of lists that share no case, cells removed
    warnings: list[str]
    infinite: bool = False
    reason: str = ""  # why there is no finite estimate, for the reader
    why: str = ""  # the same as a code: "no_overlap", "lists_apart" or "not_identified"
    apart: list[str] = field(default_factory=list)  # with "lists_apart": the pairs
    seed: int | None = None  # of the BCa resamples

    def as_dict(self) -> dict[str, object]:
        return {
            "observed": self.observed,
            "estimate": self.estimate,
            "infinite": self.infinite,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "ci_method": self.ci_method,
            "seed": self.seed,
            "model": self.model,
            "minus_infinity": self.minus_infinity,
            "warnings": self.warnings,
        }


def _why_infinite(t: Table, chosen: Fit) -> tuple[str, str, list[str]]:
    """The reason a reader can act on (code, text, pairs): usually lists that share no
    case."""
    k = len(t.lists)
    apart = [
        t.name((i, j))
        for i in range(k - 1)
        for j in range(i + 1, k)
        if t.counts[(t.histories[:, i] == 1) & (t.histories[:, j] == 1)].sum() == 0
        and (i, j) not in chosen.infinite
    ]
    if apart and len(apart) == k * (k - 1) // 2:
        return (
            "no_overlap",
            "no case is on more than one list: the overlap between lists is what the "
            "hidden number is estimated from",
            apart,
        )
    if apart:
        return (
            "lists_apart",
            f"lists {', '.join(apart)} share no case, and no model that the data identify "
            "accounts for it: the maximum likelihood estimate of the hidden number is infinite",
            apart,
        )
    return (
        "not_identified",
        "the histories with cases do not determine the hidden number: the maximum likelihood "
        "estimate does not exist and the fit does not settle on a finite value",
        [],
    )


def estimate(
    t: Table,
    *,
    ci: str = "wald",
    resamples: int = 1000,
    seed: int | None = DEFAULT_SEED,
    threshold: float = THRESHOLD,
    workers: int | None = None,
) -> Estimate:
    """Observed cases, the estimated total with an interval, the chosen model, and what a
    reader must know before using the number; ``infinite`` with the reason when the data
    give no finite estimate."""
    if ci not in ("wald", "bca"):
        raise EstimationError("the interval is 'wald' or 'bca'")
    chosen, limit = settle(stepwise(t, threshold))
    notes = []
    pairs = [t.name(p) for p in chosen.pairs]
    minus_infinity = [t.name(p) for p in chosen.infinite]
    used_seed = seed if ci == "bca" else None
    if limit == "zero":
        total = float(t.observed)
    elif limit == "none" or chosen.diverged:
        total = math.inf
    else:
        total = chosen.estimate
    if math.isinf(total):
        why, reason, apart = _why_infinite(t, chosen)
        return Estimate(
            t.observed,
            None,
            None,
            None,
            ci,
            pairs,
            minus_infinity,
            [f"no finite estimate: {reason}"],
            infinite=True,
            reason=reason,
            why=why,
            apart=apart,
            seed=used_seed,
        )
    at_zero = limit == "zero"
    if at_zero:
        notes.append(
            "the hidden number is estimated at zero: every case of some list is also on "
            "another, so the data see nobody outside the lists; a limit, not a fitted value"
        )
    elif check(t, chosen.pairs):
        notes.append(
            "the maximum likelihood estimate does not exist for the chosen model: the hidden "
            "number comes from the extended estimate, fitted on the histories it still fits"
        )
    empty_lists = [
        name for i, name in enumerate(t.lists) if t.counts[t.histories[:, i] == 1].sum() == 0
    ]
    if empty_lists:
        notes.append(f"lists without any case: {', '.join(empty_lists)}")
    if t.observed < 50:
        notes.append("fewer than 50 observed cases: the estimate is very uncertain")
    if total - t.observed > 5 * t.observed:
        notes.append(
            "the hidden number is more than five times the observed: read it as an order of "
            "magnitude"
        )
    low: float
    high: float
    if ci == "wald" and at_zero:
        # The Wald interval rests on a finite standard error of log(hidden), which a limit
        # at log(0) does not have; the bootstrap interval does not need one.
        low, high = float(t.observed), math.inf
        notes.append(
            "at zero the Wald interval has no upper limit: use the bootstrap interval (bca)"
        )
    elif ci == "wald":
        low, high = wald(chosen)
    else:
        boot = bca(t, resamples=resamples, seed=seed, threshold=threshold, workers=workers)
        low, high = boot.low, boot.high
    if not at_zero and not (math.isfinite(low) and math.isfinite(high)):
        notes.append(
            "the interval has no finite upper limit: resamples or single cases without which "
            "no finite estimate exists"
        )
    for name in minus_infinity:
        notes.append(f"lists {name} share no case: their interaction is minus infinity")
    return Estimate(
        t.observed,
        total,
        low if math.isfinite(low) else None,
        high if math.isfinite(high) else None,
        ci,
        pairs,
        minus_infinity,
        notes,
        seed=used_seed,
    )
