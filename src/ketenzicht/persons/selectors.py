"""Reads of person records, through the sharing policy and audited."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import Prefetch

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import Organisation
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record, audited_get
from ketenzicht.common.context import Context
from ketenzicht.common.crypto import blind_index
from ketenzicht.common.encrypted_fields import tokens_match
from ketenzicht.common.keyset import Page, paginate

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
    qs = (
        policy.visible_person_records(actor)
        .select_related("organisation")
        .prefetch_related("identifiers")
    )
    # Names are sealed (ADR 0021): a search matches whole words of the names, any order,
    # any case or accents; the V-number matches exactly.
    if name:
        qs = qs.filter(tokens_match("name_digests", "name", name))
    if v_number:
        qs = qs.filter(v_number_digest=blind_index("v_number", v_number))
    page = paginate(qs, stamp_field="created_at", cursor=cursor, size=size)
    audit_record(
        actor=actor,
        action=Action.LIST,
        purpose=purpose,
        context=context,
        object_type="person",
        detail={"rows": len(page.items), "search": bool(name or v_number)},
        shown=[("person", r.pk) for r in page.items],
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
    return audited_get(
        policy.visible_person_records(actor)
        .select_related("organisation", "location")
        .prefetch_related(
            "identifiers",
            Prefetch(
                "subjects",
                queryset=policy.visible_subjects(actor).select_related("signal"),
            ),
        ),
        person_id,
        actor=actor,
        context=context,
        action=Action.VIEW,
        purpose=purpose,
        object_type="person",
        # The signals that name the person are listed with it.
        shown=lambda record: [("signal", subject.signal_id) for subject in record.subjects.all()],
    )


# -- hit/no-hit notices ------------------------------------------------------------------


# -- attention list for reception ----------------------------------------------------------


# -- match reviews -----------------------------------------------------------------------


def linked_organisations(actor: Actor, record: PersonRecord) -> list[Organisation] | None:
    """For a coordinator's own record: the other organisations in its person cluster (what
    its hit notices already say); None when the actor may not split this record."""
    if not policy.splittable_records(actor).filter(pk=record.pk).exists():
        return None
    if record.cluster_id is None:
        return []
    others = (
        PersonRecord.objects.filter(cluster_id=record.cluster_id)
        .exclude(pk=record.pk)
        .values("organisation_id")
    )
    return list(Organisation.objects.filter(pk__in=others).order_by("name"))
