"""Parsers and validators for person details: V-number, phone, nationality, date of birth.

Each parser returns the normalised value or raises ``ValidationError`` with a message in
the user's language. They hold no Django model code so the API, forms and import share them.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

import phonenumbers
import pycountry

# ICAO 9303 codes for people without a (known) nationality, on top of ISO 3166 alpha-3.
SPECIAL_NATIONALITIES = {
    "XXA": "Stateless person",
    "XXB": "Refugee",
    "XXC": "Refugee (other)",
    "XXX": "Unspecified nationality",
}
_V_NUMBER_SEPARATORS = re.compile(r"[\s.\-]")
EARLIEST_BIRTH_YEAR = 1900


def parse_v_number(raw: str) -> str:
    """A V-number (vreemdelingennummer) is ten digits; dots, spaces and dashes are ignored."""
    value = _V_NUMBER_SEPARATORS.sub("", raw or "")
    if not re.fullmatch(r"\d{10}", value):
        raise ValidationError(
            _("A V-number has exactly 10 digits, for example 1234567890."), code="v_number"
        )
    return value


def parse_phone(raw: str) -> str:
    """Parse a phone number (Dutch numbers may omit +31) to E.164."""
    text = (raw or "").strip()
    try:
        number = phonenumbers.parse(text, "NL")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("'%(value)s' is not a phone number.") % {"value": text[:40]}, code="phone"
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("'%(value)s' is not a valid phone number.") % {"value": text[:40]}, code="phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_nationality(raw: str) -> str:
    code = (raw or "").strip().upper()
    if code in SPECIAL_NATIONALITIES or (
        len(code) == 3 and pycountry.countries.get(alpha_3=code) is not None
    ):
        return code
    raise ValidationError(
        _("'%(value)s' is not an ISO 3166 alpha-3 country code (such as NLD, ERI or SYR).")
        % {"value": code[:10]},
        code="nationality",
    )


def nationality_choices() -> list[tuple[str, str]]:
    countries = sorted(((c.alpha_3, c.name) for c in pycountry.countries), key=lambda item: item[1])
    return countries + sorted(SPECIAL_NATIONALITIES.items())


class DobPrecision:
    EXACT = "exact"
    YEAR = "year"
    UNKNOWN = "unknown"
    PLACEHOLDER = "placeholder_jan1"
    ALL = (EXACT, YEAR, UNKNOWN, PLACEHOLDER)


def check_date_of_birth(value: dt.date | None, precision: str) -> dt.date | None:
    """Check a date of birth against its precision; return what is stored.

    ``year`` keeps only the year (stored as 1 January); ``placeholder_jan1`` is a 1 January
    recorded in documents when the real date is unknown, which linkage must not trust.
    """
    if precision not in DobPrecision.ALL:
        raise ValidationError(_("Unknown date-of-birth precision."), code="dob_precision")
    if precision == DobPrecision.UNKNOWN:
        if value is not None:
            raise ValidationError(
                _("Leave the date of birth empty when it is unknown."), code="dob_unknown"
            )
        return None
    if value is None:
        raise ValidationError(_("Enter the date of birth."), code="dob_required")
    today = timezone.localdate()
    if value > today:
        raise ValidationError(_("The date of birth lies in the future."), code="dob_future")
    if value.year < EARLIEST_BIRTH_YEAR:
        raise ValidationError(
            _("The date of birth lies before %(year)s.") % {"year": EARLIEST_BIRTH_YEAR},
            code="dob_past",
        )
    if precision == DobPrecision.YEAR:
        return dt.date(value.year, 1, 1)
    if precision == DobPrecision.PLACEHOLDER and (value.month, value.day) != (1, 1):
        raise ValidationError(
            _("A placeholder date of birth is 1 January of the year."), code="dob_placeholder"
        )
    return value
