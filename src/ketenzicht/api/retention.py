"""What of the API's own rows is due for deletion (``privacy.retention``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from ketenzicht.privacy.retention import Category, register_due

from .models import IdempotencyKey


def due_idempotency_keys(before: dt.datetime) -> QuerySet[IdempotencyKey]:
    return IdempotencyKey.objects.filter(created_at__lt=before)


def register() -> None:
    register_due(Category.IDEMPOTENCY_KEYS, due_idempotency_keys)
