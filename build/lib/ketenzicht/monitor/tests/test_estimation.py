"""Multiple systems estimation against the R reference (SparseMSE, Chan, Silverman &
Vincent 2021): the tables and expected results of ``../shared/data/mse/README.md``."""

from __future__ import annotations

import io
import json
from pathlib import Path

from django.core.management import call_command

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketenzicht.monitor import estimation as mse

DATA = Path(__file__).resolve().parent / "data" / "mse"

# file: (estimate, selected pairs in order, Wald 95% or None) as the R packages give them.
REFERENCE = {
    "UKdat.csv": (
        11418,
        ["PF:NCA", "LA:NG", "NG:GP", "LA:PF", "PF:GP", "GO:GP", "NG:GO"],
        (9977, 13146),
    ),
    "UKdat_5.csv": (
        11313,
        ["LA:NG", "NG:GP", "PFNCA:GP", "LA:PFNCA", "GO:GP", "NG:GO"],
        (9884, 13027),
    ),
    "UKdat_4.csv": (11015, ["LA:NG", "LA:PFNCA", "NG:GO"], (9582, 12735)),
    "NewOrl_5.csv": (1034.2, [], None),
    "Korea.csv": (268.8, ["b:c"], (202.5, 390.2)),
    "Artificial_3.csv": (539.1, [], (278.7, 1170.9)),
    "HIV.csv": (11125, None, None),
    "lesbian.csv": (5351, None, None),
}


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_point_estimate_model_and_wald_interval_match_r(name: str) -> None:
    expected, pairs, interval = REFERENCE[name]
    result = mse.estimate(mse.read_csv(DATA / name))
    assert result.estimate == pytest.approx(expected, rel=1e-3)
    if pairs is not None:
        assert result.model == pairs
    if interval is not None:
        assert result.ci_low == pytest.approx(interval[0], rel=5e-3)
        assert result.ci_high == pytest.approx(interval[1], rel=5e-3)
    assert result.observed == sum(mse.read_csv(DATA / name).counts)


def test_existence_and_identifiability_checks_on_the_artificial_table() -> None:
    table = mse.read_csv(DATA / "Artificial_3.csv")
    a, b, c = 0, 1, 2
    assert mse.check(table, [(a, b)]) == 1  # no maximum likelihood estimate
    assert mse.check(table, [(a, b), (a, c), (b, c)]) == 2  # not identifiable
    assert mse.check(table, [(a, c), (b, c)]) == 0


def test_lists_without_overlap_get_an_interaction_of_minus_infinity() -> None:
    # A and B are large and never meet: under independence they would share many cases.
    table = mse.table(
        ["A", "B", "C"],
        [((1, 0, 0), 300), ((0, 1, 0), 300), ((0, 0, 1), 80), ((1, 0, 1), 40), ((0, 1, 1), 40)],
    )
    result = mse.estimate(table)
    assert result.model[0] == "A:B"
    assert result.infinite == ["A:B"]
    assert any("share no case" in w for w in result.warnings)
    chosen = mse.stepwise(table)
    both = (table.histories[:, 0] == 1) & (table.histories[:, 1] == 1)
    assert (chosen.fitted[both] == 0).all()
    assert chosen.estimate > table.observed


@pytest.mark.parametrize(
    ("name", "reference"),
    [("Korea.csv", (123, 432)), ("UKdat_4.csv", (9028, 13482))],
)
def test_bca_interval_lands_near_r(name: str, reference: tuple[float, float]) -> None:
    # R's limits come from its own random resamples (seed 1234): "within about 10%".
    result = mse.estimate(mse.read_csv(DATA / name), ci="bca", resamples=1000, seed=7)
    assert result.ci_low == pytest.approx(reference[0], rel=0.10)
    assert result.ci_high == pytest.approx(reference[1], rel=0.10)
    assert result.ci_low < result.estimate < result.ci_high


def test_bootstrap_reruns_the_selection_and_is_reproducible() -> None:
    table = mse.read_csv(DATA / "Korea.csv")
    first = mse.bca(table, resamples=200, seed=3, workers=1)
    again = mse.bca(table, resamples=200, seed=3, workers=2)
    assert (first.estimates == again.estimates).all()  # same draws, however many workers
    # Resamples choose their own models: not every one is the point estimate's model.
    assert len(set(first.estimates.round(6))) > 50


def test_cli_prints_the_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("estimate", str(DATA / "Korea.csv"), "--json")
    answer = json.loads(capsys.readouterr().out)
    assert set(answer) == {
        "observed",
        "estimate",
        "ci_low",
        "ci_high",
        "ci_method",
        "model",
        "infinite",
        "warnings",
    }
    assert answer["observed"] == 123 and answer["model"] == ["b:c"]
    assert answer["ci_method"] == "wald"


def test_cli_refuses_bad_tables_with_a_message(tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.csv"
    bad.write_text("A,B,count\n0,0,5\n", encoding="utf-8")
    with pytest.raises(CommandError, match="all-zero history"):
        call_command("estimate", str(bad))
    bad.write_text("A,B\n1,0\n", encoding="utf-8")
    with pytest.raises(CommandError, match="count"):
        call_command("estimate", str(bad))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="AB,count01\n -x", max_size=80))
def test_the_parser_reads_a_table_or_says_why(text: str) -> None:
    try:
        table = mse.read_csv(io.StringIO(text))
    except mse.EstimationError:
        return
    assert table.observed > 0
    assert len(table.counts) == 2 ** len(table.lists) - 1
