"""Keyed match tokens: partners with the shared key find each other; the index, without
it, cannot test guesses; tokens of different keys never match."""

from __future__ import annotations

import csv
import secrets
from pathlib import Path

from django.core.management import CommandError, call_command

import pytest

from ketenzicht.persons.linkage.tokens import hits, tokens

KEY = secrets.token_bytes(32)
IND = {
    "record_id": "ind-1",
    "given_name": "Yusuf",
    "family_name": "Al-Masri",
    "date_of_birth": "1990-06-12",
    "v_number": "1234567890",
    "phone": "+31 6 1234 5678",
}
COA = {  # the same person, written down differently
    "record_id": "coa-7",
    "given_name": "Masri",
    "family_name": "Joesoef",
    "date_of_birth": "1990-06-12",
    "v_number": "",
    "phone": "0612345678",
}
OTHER = {
    "record_id": "coa-8",
    "given_name": "Yusuf",
    "family_name": "Ali",
    "date_of_birth": "1990-01-01",
}


def _tokens(record: dict, key: bytes = KEY, key_id: str = "k1") -> list:
    return list(tokens(record, key=key, key_id=key_id))


def test_the_same_person_shares_tokens_and_a_namesake_does_not() -> None:
    found = hits({"ind-1": _tokens(IND)}, {"coa-7": _tokens(COA), "coa-8": _tokens(OTHER)})
    assert found == {("ind-1", "coa-7"): {"phone", "key_dob"}}


def test_names_with_a_placeholder_date_give_no_name_token() -> None:
    assert {t.kind for t in _tokens(OTHER)} == set()


def test_tokens_reveal_nothing_without_the_key() -> None:
    ours = _tokens(IND)
    assert all(IND["v_number"] not in t.value and len(t.value) == 32 for t in ours)
    # Another key (a rotated one, or a guess) matches nothing.
    other_key = _tokens(COA, key=secrets.token_bytes(32), key_id="k2")
    assert hits({"ind-1": ours}, {"coa-7": other_key}) == {}
    with pytest.raises(ValueError, match="32 random bytes"):
        _tokens(IND, key=b"short")


def test_the_partner_command_writes_tokens(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text(secrets.token_hex(32))
    source = tmp_path / "in.csv"
    with source.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(IND))
        writer.writeheader()
        writer.writerow(IND)
    out = tmp_path / "tokens.csv"
    call_command("tokens", str(source), key_file=str(key_file), out=str(out))
    rows = list(csv.DictReader(out.open()))
    assert {r["kind"] for r in rows} == {"v_number", "phone", "name_dob", "key_dob"}
    assert all(r["record_id"] == "ind-1" and r["key_id"] == "k1" for r in rows)
    key_file.write_text("too short")
    with pytest.raises(CommandError, match="random bytes"):
        call_command("tokens", str(source), key_file=str(key_file), out=str(out))
