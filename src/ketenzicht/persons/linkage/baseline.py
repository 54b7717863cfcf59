"""A default Splink configuration, as its tutorials set one up, for comparison only: raw
columns, the library's name and date-of-birth comparisons, exact matches elsewhere, and
unsupervised training (u by random sampling, m by expectation maximisation)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import splink.comparison_library as cl
from splink import SettingsCreator, block_on

from . import model as linkage_model
from .clusters import Pair, cluster


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("family_name"),
            cl.DateOfBirthComparison("raw_dob", input_is_string=True),
            cl.ExactMatch("raw_nationality"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("raw_v_number"),
            cl.ExactMatch("raw_phone"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "family_name"),
            block_on("raw_dob"),
            block_on("raw_v_number"),
            block_on("raw_phone"),
        ],
    )


def rows(records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Records as the tutorials feed them: trimmed and lower-cased, nothing more."""

    def clean(value: Any) -> str | None:
        text = str(value or "").strip().lower()
        return text or None

    return [
        {
            "unique_id": str(r["record_id"]),
            "given_name": clean(r.get("given_name")),
            "family_name": clean(r.get("family_name")),
            "raw_dob": clean(r.get("date_of_birth")),
            "raw_nationality": clean(r.get("nationality")),
            "sex": clean(r.get("sex")),
            "raw_v_number": clean(r.get("v_number")),
            "raw_phone": clean(r.get("phone")),
        }
        for r in records
    ]


def link(
    records: Sequence[Mapping[str, Any]], *, threshold: float = 0.95, seed: int = 42
) -> dict[str, int]:
    data = rows(records)
    linker = linkage_model.linker_for(data, settings())
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "raw_dob")], recall=0.7
    )
    training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    training.estimate_parameters_using_expectation_maximisation(block_on("raw_dob"))
    training.estimate_parameters_using_expectation_maximisation(block_on("family_name"))
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    table = predictions.as_pyarrow_table()

    pairs = [
        Pair(str(a), str(b), float(p), float(w))
        for a, b, p, w in zip(
            table.column("unique_id_l").to_pylist(),
            table.column("unique_id_r").to_pylist(),
            table.column("match_probability").to_pylist(),
            table.column("match_weight").to_pylist(),
            strict=True,
        )
    ]
    groups = cluster([d["unique_id"] for d in data], pairs, link_threshold=threshold)
    return {member: number for number, group in enumerate(groups) for member in group}
