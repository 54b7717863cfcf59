"""``Idempotency-Key`` on creates (draft-ietf-httpapi-idempotency-key-header): the first
request with a key creates, a retry with the same key and body gets what was created, the
same key with another body is refused. The key row is written in the transaction of the
create, so a crash leaves either both or neither."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from rest_framework import exceptions

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
_SHAPE = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as the draft's examples


class KeyReused(exceptions.APIException):
    status_code = 422
    default_detail = "Idempotency-Key already used for another request."
    default_code = "idempotency_key_reused"


def request_digest(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def parse_key(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().strip('"')  # the draft sends it as a quoted string
    if not _SHAPE.fullmatch(value):
        raise exceptions.ValidationError(
            {HEADER: [_("Send 1 to 255 visible characters, for example a UUID.")]}
        )
    return value


def once(
    *, organisation_id: int, key: str, digest: str, create: Callable[[], Any]
) -> tuple[Any, bool]:
    """Run ``create`` once per (organisation, key); returns (signal id, replayed)."""
    for _attempt in range(2):
        existing = IdempotencyKey.objects.filter(organisation_id=organisation_id, key=key).first()
        if existing is not None:
            if existing.request_digest != digest:
                raise KeyReused(_("Idempotency-Key already used for another request."))
            return existing.signal_id, True
        try:
            with transaction.atomic():
                signal = create()
                IdempotencyKey.objects.create(
                    organisation_id=organisation_id,
                    key=key,
                    request_digest=digest,
                    signal=signal,
                )
            return signal.pk, False
        except IntegrityError:
            continue  # a concurrent request with the same key won; read what it made
    raise KeyReused(_("Idempotency-Key already used for another request."))
