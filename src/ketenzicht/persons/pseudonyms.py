"""Keyed pseudonyms of identifying features, for the hit/no-hit index.

A feature is normalised (so that registrations that mean the same value compare equal) and
then passed through HMAC-SHA-256 under the deployment's index key. A plain hash would not
do: a V-number has ten digits, so all 10^10 hashes can be computed in hours (ENISA 2019);
without the key, the tokens cannot be tested against guesses. The threat model is ADR 0007.

This module holds no database code. Names are folded by ``common.names``, as everywhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings

from ketenzicht.common.names import sorted_words

TOKEN_CHARS = 32  # 128 bits of the HMAC: collisions are out of reach at any realistic size


@dataclass(frozen=True)
class Feature:
    key: str  # persons.models.MatchKey
    token: str


def normalise_name(*parts: str) -> str:
    """Case, accents, punctuation and order of name parts do not matter: the folded words
    (``common.names``, as blind indexes and linkage fold them), sorted."""
    return sorted_words(*parts)


def pseudonym(key: str, value: str, *, secret: str | None = None) -> str:
    secret_bytes = (secret or settings.INDEX_HMAC_KEY).encode()
    message = f"{key}\x1f{value}".encode()
    return hmac.new(secret_bytes, message, hashlib.sha256).hexdigest()[:TOKEN_CHARS]


def features(
    *,
    v_number: str,
    phones: Iterable[str],
    given_name: str,
    family_name: str,
    date_of_birth: dt.date | None,
    dob_precision: str,
) -> Iterator[Feature]:
    """The exact-match features of one person record (inputs are already validated).

    Name plus date of birth counts only with a full name and an exact date: a year, an
    unknown date or the 1-January placeholder would make namesakes collide.
    """
    if v_number:
        yield Feature("v_number", pseudonym("v_number", v_number))
    for phone in sorted(set(phones)):
        yield Feature("phone", pseudonym("phone", phone))
    name = normalise_name(given_name, family_name)
    if given_name and family_name and date_of_birth and dob_precision == "exact":
        yield Feature("name_dob", pseudonym("name_dob", f"{name}|{date_of_birth.isoformat()}"))
