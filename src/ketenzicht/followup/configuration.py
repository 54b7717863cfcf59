"""Writes of the follow-up configuration by an administrator: routing rules, combination
rules and deadline policies. The form has validated the fields (and the model's ``clean``
the combinations); this saves it in one transaction and puts the change on record."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.forms import ModelForm

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import Context

OBJECT_TYPES = {
    "RoutingRule": "routing_rule",
    "CombinationRule": "combination_rule",
    "DeadlinePolicy": "deadline_policy",
}


def configuration_save(*, actor: Actor, context: Context, form: ModelForm) -> models.Model:
    """Save a valid configuration form; only administrators may."""
    if not policy.may_administer(actor):
        raise PermissionDenied
    created = form.instance._state.adding
    with transaction.atomic():
        instance: models.Model = form.save()
        name = type(instance).__name__
        audit_record(
            actor=actor,
            action=Action.CONFIGURE,
            purpose=Purpose.ADMINISTRATION,
            context=context,
            object_type=OBJECT_TYPES[name],
            object_id=instance.pk,
            detail={"model": name, "created": created, "fields": sorted(form.changed_data)},
        )
    return instance
