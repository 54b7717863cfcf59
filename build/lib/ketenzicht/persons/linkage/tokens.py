"""Keyed match tokens for partners that may not share plaintext identities (ADR 0010).

A partner computes, on its own systems, an HMAC-SHA-256 of each normalised identifying
feature under a key that the partners share and the index never holds; the index receives
only tokens and tells which tokens of one partner equal tokens of another. Equality is all it
learns: without the key it cannot test a guess ("is Mohammed Ali, born 1990, in there?"),
which a plain hash would allow by hashing every common name and date.

The features are the same normalisation the probabilistic model uses, combined so that one
token is specific enough to mean "probably the same person": the V-number alone, the phone
alone (a household may share one: a weak hit), the sorted name with the exact date of
birth, and the transliteration key with the exact date of birth. No Bloom-filter encodings:
they leak letter statistics and have published re-identification attacks.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .features import record_features

TOKEN_BYTES = 16  # 128 bits: collisions out of reach at any realistic size
KINDS = ("v_number", "phone", "name_dob", "key_dob")
MIN_KEY_BYTES = 32


@dataclass(frozen=True)
class Token:
    kind: str
    key_id: str  # which key made it, for rotation
    value: str  # hex


def _mac(key: bytes, kind: str, value: str) -> str:
    message = f"ketenzicht-token-v1\x1f{kind}\x1f{value}".encode()
    return hmac.new(key, message, hashlib.sha256).digest()[:TOKEN_BYTES].hex()


def tokens(record: Mapping[str, Any], *, key: bytes, key_id: str) -> Iterator[Token]:
    """The tokens of one record (input columns of ``ketenzicht link``). Name tokens need an
    exact date of birth: a name with only a year or a placeholder is shared by too many."""
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"a token key needs at least {MIN_KEY_BYTES} random bytes")
    features = record_features(record)
    if features["v_number"]:
        yield Token("v_number", key_id, _mac(key, "v_number", features["v_number"]))
    if features["phone"]:
        yield Token("phone", key_id, _mac(key, "phone", features["phone"]))
    if features["dob"] and features["dob_exact"]:
        if features["name_sorted"]:
            value = f"{features['name_sorted']}|{features['dob']}"
            yield Token("name_dob", key_id, _mac(key, "name_dob", value))
        if features["name_key"]:
            value = f"{features['name_key']}|{features['dob']}"
            yield Token("key_dob", key_id, _mac(key, "key_dob", value))


def hits(
    ours: Mapping[str, list[Token]], theirs: Mapping[str, list[Token]]
) -> dict[tuple[str, str], set[str]]:
    """Pairs (our record, their record) with the token kinds they share: all the index
    learns. Tokens of different keys never match."""
    index: dict[tuple[str, str, str], list[str]] = {}
    for record_id, record_tokens in theirs.items():
        for token in record_tokens:
            index.setdefault((token.kind, token.key_id, token.value), []).append(record_id)
    found: dict[tuple[str, str], set[str]] = {}
    for record_id, record_tokens in ours.items():
        for token in record_tokens:
            for other in index.get((token.kind, token.key_id, token.value), []):
                found.setdefault((record_id, other), set()).add(token.kind)
    return found
