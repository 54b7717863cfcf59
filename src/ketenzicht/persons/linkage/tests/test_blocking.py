"""Capped blocking keys: what the model scores at all, computed alike in Python and SQL."""

from __future__ import annotations

import random
from typing import Any

import duckdb
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from ketenzicht.persons.linkage import model
from ketenzicht.persons.linkage.batch import link
from ketenzicht.persons.linkage.features import record_features, year_spans

FIELDS = sorted({f for key in model.BLOCKING_KEYS for f in key})


def _values(field: str) -> st.SearchStrategy[Any]:
    if field in ("dob_year", "dob_span", "dob_span_shifted"):
        return st.none() | st.integers(495, 497)
    return st.none() | st.sampled_from(["a", "b", "ab"])


rows_strategy = st.lists(st.fixed_dictionaries({f: _values(f) for f in FIELDS}), max_size=12)


@settings(max_examples=60, deadline=None)
@given(rows=rows_strategy, cap=st.integers(1, 4))
def test_python_and_sql_block_columns_agree(rows: list[dict[str, Any]], cap: int) -> None:
    in_python = model.with_block_columns(rows, cap)
    columns = [model.block_column(i) for i in range(len(model.BLOCKING_KEYS))]
    if not rows:
        assert in_python == []
        return
    frame = pa.Table.from_pylist([{"n": n, **row} for n, row in enumerate(rows)])  # noqa: F841
    con = duckdb.connect()
    in_sql = con.execute(
        f"SELECT n, {', '.join(model.block_columns_sql(cap))} FROM frame ORDER BY n"  # noqa: S608
    ).fetchall()
    assert [tuple(r[c] for c in columns) for r in in_python] == [tuple(r[1:]) for r in in_sql]


@settings(max_examples=60, deadline=None)
@given(rows=rows_strategy, cap=st.integers(1, 4))
def test_a_block_holds_at_most_cap_records(rows: list[dict[str, Any]], cap: int) -> None:
    out = model.with_block_columns(rows, cap)
    for index, fields in enumerate(model.BLOCKING_KEYS):
        column = model.block_column(index)
        values = [r[column] for r in out if r[column] is not None]
        assert all(values.count(v) <= cap for v in values)
        for row, kept in zip(rows, out, strict=True):
            complete = all(row[f] is not None for f in fields)
            # Absent when a field is absent; present when few records share the key.
            if not complete:
                assert kept[column] is None
            shared = sum(all(o[f] == row[f] for f in fields) for o in rows) if complete else 0
            assert (kept[column] is not None) == (complete and shared <= cap)


def test_a_placeholder_shared_by_many_records_does_not_block() -> None:
    """A shelter's phone on 400 records of 400 people: no pair through the phone, while two
    records of one person still meet through their V-number."""
    rng = random.Random(5)  # nosec B311
    names = set()
    while len(names) < model.BLOCK_CAP + 100:
        names.add("".join(rng.choices("bdfgklmnprstvz", k=5)))
    records = [
        {"record_id": f"r{n}", "given_name": name, "family_name": "", "phone": "+31 20 555 0100"}
        for n, name in enumerate(sorted(names))
    ]
    records += [
        {
            "record_id": "x1",
            "given_name": "Yonas",
            "family_name": "Tesfay",
            "v_number": "1234567890",
        },
        {
            "record_id": "x2",
            "given_name": "Yonas",
            "family_name": "Tesfai",
            "v_number": "1234567890",
        },
    ]
    rows = [record_features(r) for r in records]
    result = link(rows, model.default_model())
    pairs = {frozenset((p.left, p.right)) for p in result.pairs}
    assert frozenset(("x1", "x2")) in pairs
    assert not any(p <= {f"r{n}" for n in range(len(records))} for p in pairs)


@given(year=st.integers(1900, 2030), apart=st.integers(0, 2))
def test_birth_years_at_most_two_apart_share_a_span(year: int, apart: int) -> None:
    first, other = year_spans(year), year_spans(year + apart)
    assert first[0] == other[0] or first[1] == other[1]


def test_father_and_grandfather_names_with_estimated_years_two_apart_meet() -> None:
    # One person, written by two organisations: the given name is the same, the surname is
    # the father's in one and the grandfather's in the other, the year estimated twice.
    coa = record_features(
        {"record_id": "1", "given_name": "Tesfaye", "family_name": "Yohannes",
         "date_of_birth": "1990-01-01", "sex": "M"}
    )  # fmt: skip
    gemeente = record_features(
        {"record_id": "2", "given_name": "Tesfaye", "family_name": "Mulugeta",
         "date_of_birth": "1992-01-01", "sex": "M"}
    )  # fmt: skip
    shared = [
        key
        for key in model.BLOCKING_KEYS
        if all(coa[f] is not None and coa[f] == gemeente[f] for f in key)
    ]
    assert ("key_given", "dob_span") in shared or ("key_given", "dob_span_shifted") in shared
