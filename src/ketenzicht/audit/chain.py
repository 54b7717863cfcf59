"""Hashing of audit events; the one definition the linker and the verifier share."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings

GENESIS = "0" * 64


def canonical(event: Any) -> bytes:
    data = {
        "id": event.id,
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor": event.actor,
        "organisation": event.organisation,
        "action": event.action,
        "object_type": event.object_type,
        "object_ref": event.object_ref,
        "purpose": event.purpose,
        "explanation": event.explanation,
        "result": event.result,
        "channel": event.channel,
        "origin": event.origin,
        "detail": event.detail,
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(prev_hash: str, event: Any) -> str:
    return hashlib.sha256(prev_hash.encode() + b"|" + canonical(event)).hexdigest()


def object_ref(object_type: str, object_id: object) -> str:
    if object_id in (None, ""):
        return ""
    message = f"{object_type}:{object_id}".encode()
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), message, hashlib.sha256).hexdigest()
