"""Reads of person records, through the sharing policy and audited."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import Prefetch, Q

from ketenzicht.accounts.actor import Actor
from ketenzicht.audit.models import Action, Purpose, Result
from ketenzicht.audit.services import Context, audit_record
from ketenzicht.common.keyset import Page, paginate
from ketenzicht.sharing import policy
from ketenzicht.signals.models import Subject

from .models import PersonRecord


@transaction.atomic
def person_list(
    *,
    actor: Actor,
    context: Context,
    name: str = "",
    v_number: str = "",
    cursor: str | None = None,
    size: int = 25,
    purpose: str = Purpose.WORK_LIST,
) -> Page[PersonRecord]:
    qs = policy.visible_person_records(actor).prefetch_related("identifiers")
    if name:
        qs = qs.filter(Q(family_name__icontains=name) | Q(given_name__icontains=name))
    if v_number:
        qs = qs.filter(v_number=v_number)
    page = paginate(qs, stamp_field="created_at", cursor=cursor, size=size)
    audit_record(
        actor=actor,
        action=Action.LIST,
        purpose=purpose,
        context=context,
        object_type="person",
        detail={"rows": len(page.items), "search": bool(name or v_number)},
    )
    return page


@transaction.atomic
def person_get(
    *,
    actor: Actor,
    context: Context,
    person_id: uuid.UUID | str,
    purpose: str = Purpose.FOLLOW_UP,
) -> PersonRecord | None:
    record = (
        policy.visible_person_records(actor)
        .select_related("organisation", "location")
        .prefetch_related(
            "identifiers",
            Prefetch(
                "subjects",
                queryset=Subject.objects.filter(
                    signal__in=policy.visible_signals(actor).values("pk")
                ).select_related("signal"),
            ),
        )
        .filter(pk=person_id)
        .first()
    )
    audit_record(
        actor=actor,
        action=Action.VIEW,
        purpose=purpose,
        context=context,
        object_type="person",
        object_id=person_id,
        result=Result.OK if record else Result.DENIED,
    )
    return record
