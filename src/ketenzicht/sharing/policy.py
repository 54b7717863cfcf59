"""THE sharing policy: which signals and person records an actor may see.

Every selector that reads case data filters through these functions, so the rule is applied
in SQL and holds at a million signals. Deny by default: an actor without an organisation or
without a content role sees nothing.

Policy v1 (issue 2): members of an organisation with a content role see the signals their
own organisation registered, and the person records it holds. Later issues add chain-wide
distribution, sharing groups and the hit/no-hit index.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import Role
from ketenzicht.persons.models import PersonRecord
from ketenzicht.signals.models import Signal

# Roles whose task involves reading case content (need-to-know). The national monitor,
# auditors and administrators see aggregates, the audit trail or accounts, never cases.
CONTENT_ROLES = frozenset(
    {Role.FRONTLINE, Role.COORDINATOR, Role.INVESTIGATOR, Role.MUNICIPAL_ANALYST}
)
# Roles that may register and edit signals for their organisation.
WRITE_ROLES = frozenset({Role.FRONTLINE, Role.COORDINATOR, Role.INVESTIGATOR})


def _has_content_role(actor: Actor) -> bool:
    return actor.organisation_id is not None and bool(actor.roles & CONTENT_ROLES)


def signal_filter(actor: Actor) -> Q:
    """The WHERE clause for signals this actor may see."""
    if actor.organisation_id is None or not _has_content_role(actor):
        return Q(pk__in=[])
    return Q(organisation_id=actor.organisation_id)


def visible_signals(actor: Actor) -> QuerySet[Signal]:
    return Signal.objects.filter(signal_filter(actor))


def visible_person_records(actor: Actor) -> QuerySet[PersonRecord]:
    if actor.organisation_id is None or not _has_content_role(actor):
        return PersonRecord.objects.none()
    return PersonRecord.objects.filter(organisation_id=actor.organisation_id)


def may_read_signals(actor: Actor) -> bool:
    """Whether the actor's task involves reading any signal at all."""
    return _has_content_role(actor)


def may_view_signal(actor: Actor, signal: Signal) -> bool:
    return _has_content_role(actor) and signal.organisation_id == actor.organisation_id


def may_register(actor: Actor) -> bool:
    return actor.organisation_id is not None and bool(actor.roles & WRITE_ROLES)


def may_edit_signal(actor: Actor, signal: Signal) -> bool:
    return may_register(actor) and signal.organisation_id == actor.organisation_id


def may_read_audit(actor: Actor) -> bool:
    return Role.AUDITOR in actor.roles
