"""Writing the audit trail and linking it into the hash chain."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction

from ketenzicht.accounts.actor import Actor
from ketenzicht.common.context import Context

from .chain import GENESIS, chain_hash, object_ref, object_refs_of
from .models import AuditChainHead, AuditChainLink, AuditEvent, Purpose, Result

LINK_BATCH = 2000


# An explanation is free text from the user or the client (X-Audit-Toelichting). The trail
# holds no case content (ADR 0003), so what looks like an identifier is masked before it is
# stored (ASVS 16.2.5): V-numbers (ten digits), phone numbers (international, or Dutch
# starting with 0), e-mail addresses. References such as "AVG-2026-0042" and dates stay.
_IDENTIFIERS = (
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[e-mail]"),
    (re.compile(r"(?<![\w+])(?:\+|00)\d(?:[ .-]?\d){7,13}(?!\d)"), "[nummer]"),
    (re.compile(r"(?<![\w-])0\d(?:[ .-]?\d){8}(?!\d)"), "[nummer]"),
    (re.compile(r"(?<!\d)\d{10}(?!\d)"), "[nummer]"),
)


def scrub(text: str) -> str:
    for pattern, mask in _IDENTIFIERS:
        text = pattern.sub(mask, text)
    return text


def audit_record(
    *,
    actor: Actor,
    action: str,
    purpose: str,
    context: Context,
    object_type: str = "",
    object_id: object = None,
    result: str = Result.OK,
    detail: dict[str, Any] | None = None,
    shown: Iterable[tuple[str, object]] = (),
) -> AuditEvent:
    """Append one event. Call inside the transaction of the action it records.

    ``shown``: every (object type, id) a list, search or export put in front of the actor,
    so that each is on record as consulted (Wpg art. 32a, ASVS 16.3.2), not only a count.
    If this insert fails, the exception aborts the action's transaction too.
    """
    return AuditEvent.objects.create(
        occurred_at=dt.datetime.now(dt.UTC),
        actor_id=actor.user_id or None,
        actor=actor.username,
        organisation=actor.organisation_code,
        action=action,
        object_type=object_type,
        object_ref=object_ref(object_type, object_id),
        object_refs=object_refs_of(shown),
        purpose=purpose,
        explanation=scrub(context.explanation)[:500],
        result=result,
        channel=context.channel,
        origin=context.origin[:64],
        detail=detail or {},
    )


M = TypeVar("M", bound=models.Model)


def audited_get(
    qs: models.QuerySet[M],
    key: object,
    *,
    actor: Actor,
    context: Context,
    action: str,
    purpose: str,
    object_type: str,
    by: str = "pk",
    record_ok: bool = True,
    detail: Mapping[str, Any] | Callable[[M], Mapping[str, Any]] | None = None,
    shown: Callable[[M], Iterable[tuple[str, object]]] | None = None,
) -> M | None:
    """The one row of ``qs`` whose ``by`` is ``key``, or None, with the look-up on record.

    ``qs`` is already narrowed by the caller through the sharing policy (and locked with
    ``select_for_update`` for a write), so this module needs no knowledge of the policy.
    Nothing found records DENIED under the key asked for: forbidden and nonexistent are one
    answer, and a key that is not a valid id is the same answer. The row found is recorded
    under its primary key. Found records OK, unless ``record_ok`` is False: a
    write records its own event once it is done. A callable ``detail`` or ``shown`` is given
    the found row. Call inside the caller's transaction; a caller that raises on None should
    raise after that transaction commits, so that the denial stays on record.
    """
    try:
        found = qs.filter(**{by: key}).first()
    except (ValueError, ValidationError):
        found = None
    if found is not None and not record_ok:
        return found
    recorded = detail(found) if callable(detail) and found is not None else detail
    audit_record(
        actor=actor,
        action=action,
        purpose=purpose,
        context=context,
        object_type=object_type,
        object_id=found.pk if found is not None else key,
        result=Result.OK if found is not None else Result.DENIED,
        detail=dict(recorded) if recorded and not callable(recorded) else None,
        shown=shown(found) if shown is not None and found is not None else (),
    )
    return found


# A client hammering a control (guessing tokens, running into a rate limit, replaying a form
# without its CSRF token) must not fill the trail: per control, address and minute the first
# REFUSALS_RECORDED are recorded, then one event says the rest were not.
REFUSALS_RECORDED = 20


def _minute() -> int:
    return int(time.time() // 60)


def audit_refusal(
    *,
    actor: Actor,
    context: Context,
    control: str,
    action: str = "refused",
    result: str = Result.DENIED,
    detail: dict[str, Any] | None = None,
) -> None:
    """Record that a security control refused a request (ASVS 16.3.1, 16.3.3), capped."""
    window = f"kz:refused:{control}:{context.origin}:{_minute()}"
    cache.add(window, 0, timeout=120)
    seen = cache.incr(window)
    if seen > REFUSALS_RECORDED + 1:
        return
    recorded: dict[str, Any] = {"control": control, **(detail or {})}
    if seen == REFUSALS_RECORDED + 1:
        recorded = {"control": control, "more": "further refusals this minute not recorded"}
    audit_record(
        actor=actor,
        action=action,
        purpose=Purpose.ACCESS_CONTROL,
        context=context,
        result=result,
        detail=recorded,
    )


def audit_chain_link_pending() -> int:
    """Link every committed, unlinked event into the chain; returns how many were linked."""
    linked = 0
    while True:
        with transaction.atomic():
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(
                id=1, defaults={"seq": 0, "hash": GENESIS}
            )
            pending = list(AuditEvent.objects.filter(link__isnull=True).order_by("id")[:LINK_BATCH])
            if not pending:
                return linked
            links = []
            seq, prev = head.seq, head.hash
            for event in pending:
                seq += 1
                digest = chain_hash(prev, event)
                links.append(AuditChainLink(seq=seq, event=event, prev_hash=prev, hash=digest))
                prev = digest
            AuditChainLink.objects.bulk_create(links)
            AuditChainHead.objects.filter(id=1).update(seq=seq, hash=prev)
            linked += len(links)
