"""A national capture-history table the estimator finds no finite hidden number for, for
the tests of what the page and the API say then. Such tables are rare since the extended
estimate (``estimation.hidden_limit``): the one used before, where IND and COA never meet,
now gives zero hidden. So the estimator's answer is the input replaced here, beside the
capture histories; what is under test is what the monitor publishes and shows."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from ketenzicht.monitor import estimation, tables

HISTORIES = (["ind", "coa", "avim"], [((0, 0, 1), 5), ((1, 0, 1), 5), ((0, 1, 1), 40)])


def without_a_finite_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fifty victims on three lists; the estimator answers "lists ind:coa share no case"."""
    monkeypatch.setattr(tables, "capture_histories", lambda today: HISTORIES)
    real_estimate = estimation.estimate

    def no_finite_estimate(table: estimation.Table, **options: Any) -> estimation.Estimate:
        reason = "lists ind:coa share no case"
        return dataclasses.replace(
            real_estimate(table, **options),
            estimate=None,
            ci_low=None,
            ci_high=None,
            infinite=True,
            reason=reason,
            why="lists_apart",
            apart=["ind:coa"],
            warnings=[f"no finite estimate: {reason}"],
        )

    monkeypatch.setattr(estimation, "estimate", no_finite_estimate)
