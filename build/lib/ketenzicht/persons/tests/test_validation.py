from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketenzicht.persons.validation import (
    check_date_of_birth,
    parse_nationality,
    parse_phone,
    parse_v_number,
)


@given(st.integers(min_value=0, max_value=9_999_999_999))
def test_any_ten_digit_v_number_is_accepted_with_separators(number: int) -> None:
    digits = f"{number:010d}"
    dotted = f"{digits[:2]}.{digits[2:5]}.{digits[5:8]}.{digits[8:]}"
    assert parse_v_number(digits) == digits
    assert parse_v_number(dotted) == digits
    assert parse_v_number(f" {digits[:5]} {digits[5:]} ") == digits


@given(st.text(max_size=30))
def test_v_number_parser_accepts_only_ten_digits(text: str) -> None:
    cleaned = "".join(c for c in text if c not in " \t\n\r\x0b\x0c.-")
    try:
        value = parse_v_number(text)
    except ValidationError as exc:
        assert exc.code == "v_number"
        assert not (len(cleaned) == 10 and cleaned.isascii() and cleaned.isdigit())
    else:
        assert value == cleaned and len(value) == 10 and value.isdigit()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0612345678", "+31612345678"),
        ("+31 6 1234 5678", "+31612345678"),
        ("+32 470 12 34 56", "+32470123456"),
        ("020-5551234", "+31205551234"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(raw: str, expected: str) -> None:
    assert parse_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "12", "not a number", "+31 6 123", "06123456789012"])
def test_malformed_phone_numbers_are_refused(raw: str) -> None:
    with pytest.raises(ValidationError):
        parse_phone(raw)


@given(st.text(max_size=40))
def test_phone_parser_never_crashes(text: str) -> None:
    try:
        value = parse_phone(text)
    except ValidationError:
        return
    assert value.startswith("+")


@pytest.mark.parametrize("code", ["NLD", "eri", "SYR", "XXA", "XXX"])
def test_nationality_accepts_alpha3_and_icao_specials(code: str) -> None:
    assert parse_nationality(code) == code.upper()


@pytest.mark.parametrize("code", ["NL", "NLDX", "ZZZ", "123", ""])
def test_nationality_refuses_unknown_codes(code: str) -> None:
    with pytest.raises(ValidationError):
        parse_nationality(code)


def test_date_of_birth_precision_rules() -> None:
    assert check_date_of_birth(dt.date(1990, 7, 3), "year") == dt.date(1990, 1, 1)
    assert check_date_of_birth(dt.date(1990, 1, 1), "placeholder_jan1") == dt.date(1990, 1, 1)
    assert check_date_of_birth(None, "unknown") is None
    with pytest.raises(ValidationError, match="1 January"):
        check_date_of_birth(dt.date(1990, 7, 3), "placeholder_jan1")
    with pytest.raises(ValidationError, match="future"):
        check_date_of_birth(dt.date.today() + dt.timedelta(days=1), "exact")
    with pytest.raises(ValidationError):
        check_date_of_birth(dt.date(1850, 1, 1), "exact")
    with pytest.raises(ValidationError):
        check_date_of_birth(None, "exact")
    with pytest.raises(ValidationError):
        check_date_of_birth(dt.date(1990, 1, 1), "unknown")
