"""Whose webhook subscriptions an actor may read and change: the own organisation's, for the
roles with that capability (ADR 0029)."""

from __future__ import annotations

from django.db.models import QuerySet

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor

from .models import Subscription


def visible_subscriptions(actor: Actor) -> QuerySet[Subscription]:
    if not policy.may_manage_subscriptions(actor):
        return Subscription.objects.none()
    return Subscription.objects.filter(organisation_id=actor.organisation_id or 0)
