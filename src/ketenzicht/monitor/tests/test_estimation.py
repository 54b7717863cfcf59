"""Multiple systems estimation against the R reference (SparseMSE, Chan, Silverman &
Vincent 2021): the tables and expected results of ``../shared/data/mse/README.md``."""

from __future__ import annotations

import io
import itertools
import json
import math
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
    assert result.minus_infinity == ["A:B"]
    assert not result.infinite
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
        "seed",
        "model",
        "minus_infinity",
        "infinite",
        "warnings",
    }
    assert answer["observed"] == 123 and answer["model"] == ["b:c"]
    assert answer["ci_method"] == "wald" and answer["infinite"] is False


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


# -- no finite estimate ---------------------------------------------------------------------


def test_lists_that_share_no_case_give_no_finite_estimate_not_a_crash(tmp_path: Path) -> None:
    # Two lists, nobody on both: n10 * n01 / n11 has no finite value. The Wald path used to
    # end in an OverflowError, BCa in an estimate of trillions.
    apart = tmp_path / "apart.csv"
    apart.write_text("A,B,count\n1,0,30\n0,1,40\n", encoding="utf-8")
    for ci in ("wald", "bca"):
        out = io.StringIO()
        with pytest.raises(SystemExit) as exit_:
            call_command(
                "estimate", str(apart), "--json", "--ci", ci, "--bootstrap", "100", stdout=out
            )
        assert exit_.value.code == 3
        answer = json.loads(out.getvalue())
        assert answer["infinite"] is True
        assert answer["estimate"] is None and answer["ci_low"] is None and answer["ci_high"] is None
        assert any(
            "no finite estimate" in w and "more than one list" in w for w in answer["warnings"]
        )
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("estimate", str(apart), stdout=out)
    assert "not estimable: no case is on more than one list" in out.getvalue()


def test_a_list_that_holds_every_case_leaves_nobody_hidden() -> None:
    # Every case is on C, and A and B never meet. Under the model chosen, C catches
    # everybody: the hidden number tends to zero, so the estimate is the observed 50 and
    # not "infinite because A and B share no case".
    table = mse.table(["A", "B", "C"], [((0, 0, 1), 5), ((1, 0, 1), 5), ((0, 1, 1), 40)])
    result = mse.estimate(table)
    assert not result.infinite and result.estimate == 50
    assert mse.hidden_limit(table, mse.stepwise(table).pairs) == "zero"


def test_a_list_without_cases_still_gives_a_finite_estimate() -> None:
    # Its main effect runs to minus infinity, but the other lists still fix the intercept.
    table = mse.table(["A", "B", "C"], [((1, 0, 0), 30), ((0, 1, 0), 40), ((1, 1, 0), 10)])
    result = mse.estimate(table)
    assert not result.infinite
    assert result.estimate == pytest.approx(70 + 10 + 30 * 40 / 10)


def test_a_list_inside_another_gives_zero_hidden_not_infinity() -> None:
    # Every case on A is also on B: Lincoln-Petersen gives 0 * 40 / 10 = 0 hidden. The
    # log-linear fit runs its intercept to minus infinity; the limit is zero, not "no estimate".
    table = mse.table(["A", "B"], [((0, 1), 40), ((1, 1), 10)])
    assert mse.hidden_limit(table, ()) == "zero"
    result = mse.estimate(table)
    assert not result.infinite and result.estimate == 50
    assert result.ci_low == 50 and result.ci_high is None
    assert any("estimated at zero" in w for w in result.warnings)
    boot = mse.estimate(table, ci="bca", resamples=200, workers=1)
    assert boot.estimate == 50 and boot.ci_low is not None and boot.ci_low >= 50


histories2 = st.tuples(*(st.integers(0, 60) for _ in range(3))).filter(any)


@settings(max_examples=60, deadline=None)
@given(histories2)
def test_two_lists_are_infinite_exactly_when_no_case_is_on_both(counts: tuple[int, ...]) -> None:
    a_only, b_only, both = counts
    table = mse.table(["A", "B"], [((1, 0), a_only), ((0, 1), b_only), ((1, 1), both)])
    result = mse.estimate(table)
    assert result.infinite == (both == 0)
    if both:  # Lincoln-Petersen, zero hidden when one list lies inside the other
        assert result.estimate == pytest.approx(
            a_only + b_only + both + a_only * b_only / both, rel=1e-6, abs=1e-6
        )


@st.composite
def capture_histories(draw: st.DrawFn) -> mse.Table:
    k = draw(st.integers(2, 4))
    cells = 2**k - 1
    counts = draw(
        st.lists(
            st.one_of(st.just(0), st.integers(1, 5), st.integers(6, 200)),
            min_size=cells,
            max_size=cells,
        ).filter(any)
    )
    lists = [chr(ord("A") + i) for i in range(k)]
    histories = sorted(
        (h for h in itertools.product((0, 1), repeat=k) if any(h)),
        key=lambda h: (sum(h), [-v for v in h]),
    )
    return mse.table(lists, list(zip(histories, counts, strict=True)))


@settings(max_examples=60, deadline=None)
@given(capture_histories())
def test_every_table_gives_a_finite_estimate_or_says_why(table: mse.Table) -> None:
    result = mse.estimate(table)  # never OverflowError or any other crash
    if result.infinite:
        assert result.estimate is None and result.ci_low is None and result.ci_high is None
        assert result.reason and any("no finite estimate" in w for w in result.warnings)
        assert result.why in ("no_overlap", "lists_apart", "not_identified")
    else:
        assert result.estimate is not None and math.isfinite(result.estimate)
        assert result.estimate >= table.observed
        assert result.ci_low is not None and result.ci_low <= result.estimate
        if result.ci_high is None:  # only at zero hidden, where Wald has no upper limit
            assert result.estimate == table.observed
            assert any("estimated at zero" in w for w in result.warnings)
        else:
            assert result.estimate <= result.ci_high
    overlap = table.counts[table.histories.sum(axis=1) >= 2].sum()
    if overlap == 0:
        assert result.infinite and result.why == "no_overlap"


# -- reproducible bootstrap -----------------------------------------------------------------


def test_bca_without_a_seed_gives_the_same_interval_on_every_run() -> None:
    def run() -> str:
        out = io.StringIO()
        call_command(
            "estimate",
            str(DATA / "Korea.csv"),
            "--ci",
            "bca",
            "--bootstrap",
            "100",
            "--json",
            stdout=out,
        )
        return out.getvalue()

    first = run()
    assert run() == first
    assert json.loads(first)["seed"] == mse.DEFAULT_SEED
