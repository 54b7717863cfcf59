"""Reads of the privacy-preserving hit/no-hit index (ADR 0010): which other organisations
sent a token equal to one of the partner's. Only organisations and token kinds leave here,
never another partner's tokens or references."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import Organisation
from ketenzicht.audit.models import Action, Purpose, Result
from ketenzicht.audit.services import audit_record, audited_get
from ketenzicht.common.context import Context

from .models import PartnerToken, TokenRecord

CHUNK = 1000


@dataclass
class TokenHit:
    organisation: Organisation
    kinds: set[str] = field(default_factory=set)
    since: dt.datetime | None = None  # when that organisation first sent a matching token


@dataclass(frozen=True)
class TokenRecordHits:
    record: TokenRecord
    hits: list[TokenHit]


def _hits(records: list[TokenRecord]) -> dict[int, list[TokenHit]]:
    """Per token record: the other organisations with an equal token under the same key."""
    mine: dict[tuple[str, str, str], list[TokenRecord]] = defaultdict(list)
    for token in PartnerToken.objects.filter(record__in=records).select_related("record"):
        mine[(token.kind, token.value, token.record.key_id)].append(token.record)
    found: dict[int, dict[int, TokenHit]] = defaultdict(dict)
    values = sorted({value for _kind, value, _key in mine})
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        others = PartnerToken.objects.filter(value__in=chunk).select_related("record__organisation")
        for token in others:
            other = token.record
            for record in mine.get((token.kind, token.value, other.key_id), []):
                if other.organisation_id == record.organisation_id:
                    continue  # an organisation's own records are not a hit
                hit = found[record.pk].setdefault(
                    other.organisation_id, TokenHit(other.organisation)
                )
                hit.kinds.add(token.kind)
                if hit.since is None or other.created_at < hit.since:
                    hit.since = other.created_at
    return {
        pk: sorted(hits.values(), key=lambda h: h.organisation.name) for pk, hits in found.items()
    }


@transaction.atomic
def token_record_hits(*, actor: Actor, context: Context, reference: str) -> TokenRecordHits | None:
    record = audited_get(
        policy.visible_token_records(actor),
        reference,
        by="reference",
        actor=actor,
        context=context,
        action=Action.VIEW,
        purpose=Purpose.CHAIN_EXCHANGE,
        object_type="token_record",
    )
    if record is None:
        return None
    return TokenRecordHits(record, _hits([record]).get(record.pk, []))


@transaction.atomic
def token_hit_list(
    *, actor: Actor, context: Context, since: dt.datetime | None = None, size: int = 500
) -> list[TokenRecordHits] | None:
    """The partner's records that have hits; with ``since``, only those whose record or a
    matching record of another organisation arrived or changed since then (for polling)."""
    if not policy.may_exchange_tokens(actor):
        audit_record(
            actor=actor,
            action=Action.LIST,
            purpose=Purpose.CHAIN_EXCHANGE,
            context=context,
            object_type="token_record",
            result=Result.DENIED,
        )
        return None
    records = policy.visible_token_records(actor)
    if since is not None:
        fresh_values = (
            PartnerToken.objects.filter(record__updated_at__gte=since)
            .exclude(record__organisation_id=actor.organisation_id or 0)
            .values("value")
        )
        records = records.filter(Q(updated_at__gte=since) | Q(tokens__value__in=fresh_values))
    candidates = list(records.distinct().order_by("-updated_at", "-id")[: size * 4])
    hits = _hits(candidates)
    rows = [TokenRecordHits(r, hits[r.pk]) for r in candidates if hits.get(r.pk)][:size]
    audit_record(
        actor=actor,
        action=Action.LIST,
        purpose=Purpose.CHAIN_EXCHANGE,
        context=context,
        object_type="token_record",
        detail={"rows": len(rows)},
    )
    return rows
