"""Sealing columns in place: the data migrations that encrypt what was stored in the clear,
and ``rotate_field_key`` that seals everything again under the active key (ADR 0021).
Values are bound to their row (``table.column.<row key>``): ``reseal_columns`` also binds
what older migrations sealed for the column only.

Works on raw rows, not models, so that it runs the same inside a migration (historical
models) and outside, and so that it never decrypts what it does not have to.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from . import crypto
from .encrypted_fields import bytes_text, row_key_text

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
    row_key: str | None = None,
) -> int:
    """Seal every value of ``columns`` still in the clear; ``derived`` columns (blind
    indexes) are computed from the row's plaintext and the ``extra`` columns read with it.
    With ``row_key`` (the column holding the row's UUID) values are bound to their row; the
    migrations before the row binding sealed for the column only. Rows already sealed are
    left alone, so running it twice changes nothing. Returns the rows written."""
    derived = derived or {}
    extra = (*extra, row_key) if row_key and row_key not in extra else extra
    written = 0
    for batch in keyset_batches(connection, table, pk, [*columns, *extra]):
        updates = []
        for key, *read in batch:
            values, others = read[: len(columns)], read[len(columns) :]
            if any(_sealed(v) for v in values):
                continue
            plain = {c: convert(v) for c, v in zip(columns, values, strict=True)}
            plain.update(zip(extra, others, strict=True))
            row = row_key_text(plain[row_key]) if row_key else None
            sealed = [crypto.seal(plain[c], f"{table}.{c}", row) for c in columns]
            updates.append((key, *sealed, *(f(plain) for f in derived.values())))
        write_rows(connection, table, pk, [*columns, *derived], updates)
        written += len(updates)
    return written


def reseal_columns(
    connection: BaseDatabaseWrapper, table: str, columns: list[str], pk: str, row_key: str
) -> int:
    """Seal again, under the active key and bound to the row whose UUID is in ``row_key``,
    what another key sealed or what was bound to its column only; returns rows resealed.
    A value that does not open stops it (``FieldDecryptError``): nothing is dropped."""
    active = crypto.ring().active
    labels = [f"{table}.{c}" for c in columns]
    resealed = 0
    read = columns if row_key == pk else [*columns, row_key]
    for batch in keyset_batches(connection, table, pk, read):
        updates = []
        for key, *got in batch:
            values = got[: len(columns)]
            row = row_key_text(key if row_key == pk else got[-1])
            if all(_current(str(v or ""), active) for v in values):
                continue
            plain = [_open(str(v or ""), lb, row) for v, lb in zip(values, labels, strict=True)]
            updates.append(
                (key, *(crypto.seal(p, lb, row) for p, lb in zip(plain, labels, strict=True)))
            )
        write_rows(connection, table, pk, columns, updates)
        resealed += len(updates)
    return resealed


def _sealed(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(tuple(f"{p}:" for p in crypto.PREFIXES))


def _current(stored: str, active: str) -> bool:
    """Empty, or sealed under the active key for its row: nothing to do."""
    return stored == "" or (crypto.row_bound(stored) and crypto.key_id_of(stored) == active)


def _open(stored: str, label: str, row: str) -> str:
    return crypto.open_sealed(stored, label, row if crypto.row_bound(stored) else None)


def fill_seal_keys(connection: BaseDatabaseWrapper, table: str, pk: str = "id") -> int:
    """Give every row of ``table`` without one a fresh ``seal_key`` (the migration that adds
    the column, before it becomes unique); returns rows written."""
    field = models.UUIDField()
    written = 0
    for batch in keyset_batches(connection, table, pk, ["seal_key"]):
        updates = [
            (key, field.get_db_prep_value(uuid.uuid4(), connection))
            for key, current in batch
            if current is None
        ]
        write_rows(connection, table, pk, ["seal_key"], updates)
        written += len(updates)
    return written
