"""Reads of the audit trail, for auditors only; reading it is itself audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.permissions import has_capability
from ketenzicht.common.context import Context

from .chain import object_refs, refs_q
from .models import Action, AuditEvent, ObjectType, Purpose
from .services import audit_record


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    organisation: str = ""
    action: str = ""
    result: str = ""
    object_type: str = ""
    object_id: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


@transaction.atomic
def audit_event_list(
    *,
    actor: Actor,
    context: Context,
    filters: AuditFilters,
    before_id: int | None = None,
    size: int = 50,
) -> tuple[list[AuditEvent], int | None]:
    """A page of events, newest first, and the id to continue below (keyset on id)."""
    if not has_capability(actor, "audit_trail"):
        return [], None
    qs: QuerySet[AuditEvent] = AuditEvent.objects.select_related("link").order_by("-id")
    if filters.actor:
        # Auditors look for a person, not for an exact username.
        qs = qs.filter(actor__icontains=filters.actor)
    if filters.organisation:
        qs = qs.filter(organisation=filters.organisation)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.result:
        qs = qs.filter(result=filters.result)
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.object_id:
        # The reference is keyed with the object's type; without a type, the events about
        # an object of any type with this id (ids are UUIDs or numbers, rarely shared).
        kinds = [filters.object_type] if filters.object_type else ObjectType.values
        qs = qs.filter(
            refs_q(ref for kind in kinds for ref in object_refs(kind, filters.object_id))
        )
    if filters.since:
        qs = qs.filter(occurred_at__date__gte=filters.since)
    if filters.until:
        qs = qs.filter(occurred_at__date__lte=filters.until)
    if before_id:
        qs = qs.filter(id__lt=before_id)
    rows = list(qs[: size + 1])
    next_id = rows[size - 1].id if len(rows) > size else None
    audit_record(
        actor=actor,
        action=Action.LIST,
        purpose=Purpose.AUDIT,
        context=context,
        object_type="audit_event",
        detail={k: str(v) for k, v in filters.__dict__.items() if v},
    )
    return rows[:size], next_id
