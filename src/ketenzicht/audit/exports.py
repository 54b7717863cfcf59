"""The audit trail for a log processor (ASVS 16.2.4, 16.4.3): one JSON object per line, the
event exactly as it was hashed plus its place in the chain, so the receiver can check the
chain itself and continue where it stopped (``--after-seq``)."""

from __future__ import annotations

import json
from typing import Protocol

from django.db import transaction

from ketenzicht.accounts.actor import SYSTEM
from ketenzicht.common.context import Context

from .chain import FIELDS, canonical_values
from .models import Action, AuditChainLink, Purpose
from .services import audit_record


class Writer(Protocol):
    def write(self, text: str) -> object: ...


def audit_export_lines(out: Writer, *, after_seq: int, explanation: str) -> int:
    rows = (
        AuditChainLink.objects.filter(seq__gt=after_seq)
        .order_by("seq")
        .values_list("seq", "prev_hash", "hash", *(f"event__{name}" for name in FIELDS))
        .iterator(chunk_size=10_000)
    )
    count, last = 0, after_seq
    for seq, prev_hash, digest, *event in rows:
        record = json.loads(canonical_values(tuple(event)))
        out.write(
            json.dumps(
                {"seq": seq, "prev_hash": prev_hash, "hash": digest, "event": record},
                ensure_ascii=False,
                separators=(",", ":"),
            )
            + "\n"
        )
        count, last = count + 1, seq
    with transaction.atomic():
        audit_record(
            actor=SYSTEM,
            action=Action.EXPORT,
            purpose=Purpose.AUDIT,
            context=Context(channel="cli", explanation=explanation),
            object_type="audit_event",
            detail={"after_seq": after_seq, "last_seq": last, "events": count},
        )
    return count
