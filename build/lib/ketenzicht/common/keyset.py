"""Keyset (seek) pagination: pages stay fast at any depth because no OFFSET is scanned.

A cursor is the sort key of the last row shown, ``(timestamp, id)``, encoded as URL-safe
base64. Rows are ordered newest first; the next page holds the rows strictly below it.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import F, Model, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleLessThan
from django.utils.translation import gettext as _

T = TypeVar("T")
M = TypeVar("M", bound=Model)


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(stamp: dt.datetime, pk: object) -> str:
    raw = f"{stamp.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, uuid_pk: bool = True) -> tuple[dt.datetime, object]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        stamp_text, pk_text = base64.urlsafe_b64decode(padded).decode().split("|", 1)
        stamp = dt.datetime.fromisoformat(stamp_text)
        pk: object = uuid.UUID(pk_text) if uuid_pk else int(pk_text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError({"cursor": [_("This page link is not valid.")]}) from exc
    if stamp.tzinfo is None:
        raise ValidationError({"cursor": [_("This page link is not valid.")]})
    return stamp, pk


def paginate(qs: QuerySet[M], *, stamp_field: str, cursor: str | None, size: int) -> Page[M]:
    qs = qs.order_by(f"-{stamp_field}", "-pk")
    if cursor:
        stamp, pk = decode_cursor(cursor)
        qs = qs.filter(TupleLessThan(Tuple(F(stamp_field), F("pk")), (stamp, pk)))
    rows = list(qs[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = encode_cursor(getattr(last, stamp_field), last.pk)
    return Page(rows, next_cursor)
