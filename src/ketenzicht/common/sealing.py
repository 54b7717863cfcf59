"""Sealing columns in place: the data migrations that encrypt what was stored in the clear,
and ``rotate_field_key`` that seals everything again under the active key (ADR 0021).

Works on raw rows, not models, so that it runs the same inside a migration (historical
models) and outside, and so that it never decrypts what it does not have to.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from . import crypto
from .encrypted_fields import bytes_text

BATCH = 2000


def keyset_batches(
    connection: BaseDatabaseWrapper, table: str, pk: str, columns: list[str]
) -> Iterator[list[tuple[Any, ...]]]:
    # Table and column names come from model metadata, never from input; values are bound.
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in [pk, *columns])
    last: Any = None
    with connection.cursor() as cursor:
        while True:
            where = f"WHERE {quote(pk)} > %s " if last is not None else ""
            cursor.execute(
                f"SELECT {names} FROM {quote(table)} {where}"  # noqa: S608  # nosec B608
                f"ORDER BY {quote(pk)} LIMIT {BATCH}",
                [last] if last is not None else [],
            )
            batch = cursor.fetchall()
            if not batch:
                return
            yield batch
            last = batch[-1][0]


def write_rows(
    connection: BaseDatabaseWrapper,
    table: str,
    pk: str,
    columns: list[str],
    updates: list[tuple[Any, ...]],
) -> None:
    if not updates:
        return
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(c)} = %s" for c in columns)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(table)} SET {sets} WHERE {quote(pk)} = %s",  # noqa: S608  # nosec B608
            [(*values, key) for key, *values in updates],
        )


def plain_text(value: Any) -> str:
    """A value as stored before sealing: text, JSON (a string on SQLite, already parsed by
    some drivers) or bytes (bytea cast to text shows as ``\\x..`` hex on PostgreSQL)."""
    if value is None:
        return ""
    if isinstance(value, memoryview | bytes):
        return bytes_text(bytes(value))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def binary_text(value: Any) -> str:
    """A former BinaryField's value as the base64 text ``EncryptedBinaryField`` seals."""
    if isinstance(value, str) and value.startswith("\\x"):
        return bytes_text(bytes.fromhex(value[2:]))
    return plain_text(value)


def seal_columns(
    connection: BaseDatabaseWrapper,
    table: str,
    columns: list[str],
    pk: str = "id",
    convert: Callable[[Any], str] = plain_text,
    derived: dict[str, Callable[[dict[str, Any]], Any]] | None = None,
    extra: tuple[str, ...] = (),
) -> int:
    """Seal every value of ``columns`` still in the clear; ``derived`` columns (blind
    indexes) are computed from the row's plaintext and the ``extra`` columns read with it.
    Rows already sealed are left alone, so running it twice changes nothing. Returns the
    rows written."""
    derived = derived or {}
    written = 0
    for batch in keyset_batches(connection, table, pk, [*columns, *extra]):
        updates = []
        for key, *read in batch:
            values, others = read[: len(columns)], read[len(columns) :]
            if any(_sealed(v) for v in values):
                continue
            plain = {c: convert(v) for c, v in zip(columns, values, strict=True)}
            plain.update(zip(extra, others, strict=True))
            sealed = [crypto.seal(plain[c], f"{table}.{c}") for c in columns]
            updates.append((key, *sealed, *(f(plain) for f in derived.values())))
        write_rows(connection, table, pk, [*columns, *derived], updates)
        written += len(updates)
    return written


def reseal_columns(connection: BaseDatabaseWrapper, table: str, columns: list[str], pk: str) -> int:
    """Seal again under the active key what another key sealed; returns values resealed."""
    active = crypto.ring().active
    resealed = 0
    for batch in keyset_batches(connection, table, pk, columns):
        updates = []
        for key, *values in batch:
            if all(crypto.key_id_of(str(v or "")) in (None, active) for v in values):
                continue
            labels = [f"{table}.{c}" for c in columns]
            plain = [
                crypto.open_sealed(str(v or ""), lb) for v, lb in zip(values, labels, strict=True)
            ]
            updates.append(
                (key, *(crypto.seal(p, lb) for p, lb in zip(plain, labels, strict=True)))
            )
        write_rows(connection, table, pk, columns, updates)
        resealed += len(updates)
    return resealed


def _sealed(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(f"{crypto.PREFIX}:")
