"""Writes about person records that are not the index: reception registers its residents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import Location
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import Context

from .models import PersonIdentifier, PersonRecord
from .tasks import index_after_commit


@transaction.atomic
def resident_register(
    *,
    actor: Actor,
    context: Context,
    location_id: int,
    given_name: str,
    family_name: str,
    v_number: str = "",
    date_of_birth: dt.date | None = None,
    dob_precision: str = "unknown",
    sex: str = "unknown",
    nationality: str = "",
    phones: Iterable[str] = (),
    index: bool = True,
) -> PersonRecord:
    """Register a resident of one of the organisation's reception locations.

    In production COA's resident administration feeds these records; they are what the
    attention list is made of. Indexing for hits happens after commit (bulk loads pass
    ``index=False`` and index in bulk).
    """
    if not policy.may_register(actor) or actor.organisation_id is None:
        raise PermissionDenied
    if not Location.objects.filter(pk=location_id, organisation_id=actor.organisation_id).exists():
        raise ValidationError({"location": [_("Choose a location of your organisation.")]})
    record = PersonRecord.objects.create(
        organisation_id=actor.organisation_id,
        location_id=location_id,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        v_number=v_number,
        date_of_birth=date_of_birth,
        dob_precision=dob_precision,
        sex=sex,
        nationality=nationality,
    )
    PersonIdentifier.objects.bulk_create(
        PersonIdentifier(record=record, kind="phone", value=p) for p in dict.fromkeys(phones)
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        purpose=Purpose.REGISTRATION,
        context=context,
        object_type="person",
        object_id=record.pk,
        detail={"resident_of": location_id},
    )
    if index:
        index_after_commit([record.pk])
    return record
