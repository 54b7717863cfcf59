"""Two V-numbers in one cluster are two people, unless one is a slip of the other."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ketenzicht.persons.linkage.batch import link
from ketenzicht.persons.linkage.clusters import Pair
from ketenzicht.persons.linkage.conflicts import conflicting_pairs, v_numbers_conflict

V_NUMBERS = st.text(alphabet="0123456789", min_size=10, max_size=10)


@given(V_NUMBERS)
def test_a_number_never_conflicts_with_itself_or_its_slips(v: str) -> None:
    assert not v_numbers_conflict(v, v)
    # A digit in the middle mistyped, a digit dropped, two neighbours transposed.
    mistyped = v[:3] + str((int(v[3]) + 5) % 10) + v[4:]
    assert not v_numbers_conflict(v, mistyped)
    assert not v_numbers_conflict(v, v[:5] + v[6:])
    if v[4] != v[5]:
        assert not v_numbers_conflict(v, v[:4] + v[5] + v[4] + v[6:])


@given(V_NUMBERS, st.integers(min_value=1, max_value=9))
def test_consecutive_numbers_are_a_household_not_a_slip(v: str, step: int) -> None:
    other = str(int(v) + step).zfill(10)
    if len(other) == 10:
        assert v_numbers_conflict(v, other)


def test_unrelated_numbers_conflict() -> None:
    assert v_numbers_conflict("1234567890", "9876543210")
    groups = [{"a", "b", "c"}, {"d"}]
    v = {"a": "1234567890", "b": None, "c": "9876543210", "d": "1111111111"}
    assert conflicting_pairs(groups, v) == [("a", "c")] or conflicting_pairs(groups, v) == [
        ("c", "a")
    ]


def _row(uid: str, v: str | None) -> dict[str, object]:
    return {"unique_id": uid, "v_number": v}


def test_clustering_keeps_two_numbers_apart_through_a_record_without_one() -> None:
    # b resembles both a and c (siblings); a and c carry different V-numbers.
    rows = [_row("a", "1234567890"), _row("b", None), _row("c", "1234567891")]
    pairs = [Pair("a", "b", 0.99, 9.0), Pair("b", "c", 0.98, 8.0)]
    from ketenzicht.persons.linkage import batch as link_module

    original = link_module.score
    link_module.score = lambda *args, **kwargs: pairs  # type: ignore[assignment]
    try:
        result = link(rows, {"comparisons": []})
        confirmed = link(rows, {"comparisons": []}, confirmed=[("a", "c")])
    finally:
        link_module.score = original  # type: ignore[assignment]
    # The stronger link wins; the weaker one would put two numbers in one person.
    assert result.clusters["a"] == result.clusters["b"] != result.clusters["c"]
    # A reviewer's confirmation wins over the rule.
    assert len(set(confirmed.clusters.values())) == 1
