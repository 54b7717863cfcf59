"""Encryption of fields at rest and keyed blind indexes (ADR 0021).

A value is sealed with AES-256-GCM under the active key of a key ring, with a fresh 96-bit
nonce and, as associated data, the column's name and the key of its row, so a ciphertext
copied into another column or another row does not open. The stored text says which key
sealed it and how it is bound::

    kz2:<key id>:<base64url(nonce || ciphertext || tag)>    bound to table.column.<row key>
    kz1:<key id>:<...>                                      bound to table.column only

``kz1`` is what the migrations before the row binding wrote; ``followup/0005`` sealed every
such value again as ``kz2``, and the model fields open only ``kz2`` (ADR 0021).

Old keys stay in the ring to open what they sealed until ``ketenzicht rotate_field_key``
has sealed everything again under the active key. Opening fails loudly (``FieldDecryptError``):
a wrong or missing key must never show ciphertext as if it were data, nor let a form save it
back. The empty string is stored as itself, so required-but-blank columns keep working; that
a field is empty is not secret.

Lookups go through blind indexes: HMAC-SHA256 under a separate key over a purpose and the
normalised value, so equal values are findable and nothing else is.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .names import fold

PREFIX = "kz2"  # bound to its row
COLUMN_PREFIX = "kz1"  # bound to its column only: written by migrations before the row binding
PREFIXES = (PREFIX, COLUMN_PREFIX)
NONCE_BYTES = 12


class FieldDecryptError(Exception):
    """A stored value could not be opened: unknown key id, damaged or moved ciphertext."""


@dataclass(frozen=True)
class KeyRing:
    active: str
    keys: dict[str, AESGCM]


def parse_keys(text: str) -> dict[str, bytes]:
    """``"k2:<base64 32 bytes>,k1:<...>"`` (first = active) into ids and keys."""
    keys: dict[str, bytes] = {}
    for part in text.split(","):
        key_id, _, encoded = part.strip().partition(":")
        if not key_id or not key_id.isalnum() or len(key_id) > 16:
            raise ValueError(f"field key id {key_id!r}: 1-16 letters or digits")
        try:
            raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except ValueError as exc:
            raise ValueError(f"field key {key_id}: not base64") from exc
        if len(raw) != 32:
            raise ValueError(f"field key {key_id}: {len(raw)} bytes, AES-256 needs 32")
        if key_id in keys:
            raise ValueError(f"field key id {key_id} given twice")
        keys[key_id] = raw
    if not keys:
        raise ValueError("no field encryption key")
    return keys


def new_key_text(key_id: str) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip('=')}"


@lru_cache(maxsize=4)
def _ring(config: str) -> KeyRing:
    keys = parse_keys(config)
    return KeyRing(active=next(iter(keys)), keys={k: AESGCM(v) for k, v in keys.items()})


def ring() -> KeyRing:
    # Keyed by the setting's text, so a test that swaps keys gets its own ring.
    return _ring(settings.FIELD_ENCRYPTION_KEYS)


def associated_data(column: str, row: str | None) -> bytes:
    """What a value is bound to: ``table.column``, and with a row key ``table.column.<row>``
    (a UUID's 32 hex digits: no dot, so the text cannot be read two ways)."""
    return (column if row is None else f"{column}.{row}").encode()


def seal(plaintext: str, column: str, row: str | None = None) -> str:
    """Seal a value of ``column`` (``table.column``) for the row whose key is ``row``; without
    a row only the column binds it, as the migrations before the row binding did."""
    if plaintext == "":
        return ""
    keys = ring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = keys.keys[keys.active].encrypt(nonce, plaintext.encode(), associated_data(column, row))
    prefix = COLUMN_PREFIX if row is None else PREFIX
    return f"{prefix}:{keys.active}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def key_id_of(stored: str) -> str | None:
    """Which key sealed a stored value (None for the empty string)."""
    if stored == "":
        return None
    prefix, key_id, _ = stored.split(":", 2)
    return key_id if prefix in PREFIXES else None


def row_bound(stored: str) -> bool:
    return stored.startswith(f"{PREFIX}:")


def open_sealed(stored: str, column: str, row: str | None = None) -> str:
    """The plaintext of a stored value of ``column`` in the row whose key is ``row``. A value
    bound to its column only opens only without a row, and one bound to a row only with that
    row: an older value put back in a row does not open as if it belonged there."""
    if stored == "":
        return ""
    try:
        prefix, key_id, body = stored.split(":", 2)
        if prefix != (COLUMN_PREFIX if row is None else PREFIX):
            raise ValueError(prefix)
        aead = ring().keys[key_id]
        raw = base64.urlsafe_b64decode(body)
        plain = aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated_data(column, row))
        return plain.decode()
    except (ValueError, KeyError, InvalidTag, UnicodeDecodeError) as exc:
        raise FieldDecryptError(f"cannot open a value of {column}") from exc


def normalise(value: str) -> str:
    """Case, accents, spacing and punctuation do not make two names different for lookup.
    The one folding of names (``common.names``), so a name found by its blind index is the
    name the hit index and linkage compare."""
    return fold(value)


def blind_index(purpose: str, value: str) -> str:
    """The keyed digest of a normalised value ("" for an empty one): 32 hex characters, so
    128 bits, collision-free in practice and short in an index."""
    normal = normalise(value)
    if not normal:
        return ""
    message = f"{purpose}\x00{normal}".encode()
    return hmac.new(_blind_key(), message, hashlib.sha256).hexdigest()[:32]


def keyed_digest(purpose: str, value: str) -> str:
    """The blind index of a value taken exactly as given (already normalised features)."""
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(_blind_key(), message, hashlib.sha256).hexdigest()[:32]


def blind_tokens(purpose: str, *values: str) -> set[str]:
    """Digests of every word in the values: a name is found by any of its words."""
    # normalise() leaves no empty words, and blind_index gives "" only for those.
    return {blind_index(purpose, word) for value in values for word in normalise(value).split()}


def _blind_key() -> bytes:
    return str(settings.BLIND_INDEX_KEY).encode()
