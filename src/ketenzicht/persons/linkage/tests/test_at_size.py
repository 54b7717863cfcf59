"""A model applied to a register larger than it was trained on starts less sure."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from ketenzicht.persons.linkage import model
from ketenzicht.persons.linkage.batch import prior_weight


@given(st.integers(min_value=2, max_value=10**8))
def test_the_prior_falls_with_the_register_and_never_rises(records: int) -> None:
    shipped = model.default_model()
    trained = shipped["ketenzicht_trained_records"]
    prior = shipped["probability_two_random_records_match"]
    scaled = model.at_size(shipped, records)
    expected = prior * trained / records if records > trained else prior
    assert math.isclose(scaled["probability_two_random_records_match"], expected)
    # Applying it again to the same size changes nothing.
    assert model.at_size(scaled, records) == scaled


def test_fifty_times_the_records_costs_about_five_and_a_half_bits() -> None:
    shipped = model.default_model()
    big = model.at_size(shipped, shipped["ketenzicht_trained_records"] * 50)
    assert 5.5 < prior_weight(shipped) - prior_weight(big) < 5.7
