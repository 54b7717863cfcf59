"""Reads of webhook subscriptions and their delivery log, for the subscribing organisation
only (audited)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Count, Max, Q

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.audit.models import Action, Purpose, Result
from ketenzicht.audit.services import audit_record, audited_get
from ketenzicht.common.context import Context

from . import access
from .models import Delivery, DeliveryStatus, Subscription

D = DeliveryStatus

LOG_SIZE = 200


@dataclass(frozen=True)
class SubscriptionRow:
    subscription: Subscription
    delivered: int
    pending: int
    failed: int
    last_delivered_at: object


def _audit(actor: Actor, context: Context, action: str, object_id: object, ok: bool) -> None:
    audit_record(
        actor=actor,
        action=action,
        purpose=Purpose.CHAIN_EXCHANGE,
        context=context,
        object_type="subscription",
        object_id=object_id,
        result=Result.OK if ok else Result.DENIED,
    )


def subscription_list(*, actor: Actor, context: Context) -> list[SubscriptionRow] | None:
    if not policy.may_manage_subscriptions(actor):
        _audit(actor, context, Action.LIST, None, ok=False)
        return None
    subscriptions = access.visible_subscriptions(actor).annotate(
        delivered=Count("deliveries", filter=Q(deliveries__status=D.DELIVERED)),
        pending=Count("deliveries", filter=Q(deliveries__status=D.PENDING)),
        failed=Count("deliveries", filter=Q(deliveries__status=D.FAILED)),
        last_delivered_at=Max("deliveries__delivered_at"),
    )
    rows = [
        SubscriptionRow(s, s.delivered, s.pending, s.failed, s.last_delivered_at)
        for s in subscriptions
    ]
    _audit(actor, context, Action.LIST, None, ok=True)
    return rows


def subscription_get(
    *, actor: Actor, context: Context, subscription_id: uuid.UUID | str
) -> Subscription | None:
    return audited_get(
        access.visible_subscriptions(actor),
        subscription_id,
        actor=actor,
        context=context,
        action=Action.VIEW,
        purpose=Purpose.CHAIN_EXCHANGE,
        object_type="subscription",
    )


def delivery_log(
    *, actor: Actor, context: Context, subscription_id: uuid.UUID | str, status: str = ""
) -> tuple[Subscription, list[Delivery]] | None:
    """The newest deliveries of one subscription, optionally of one status."""
    subscription = subscription_get(actor=actor, context=context, subscription_id=subscription_id)
    if subscription is None:
        return None
    deliveries = Delivery.objects.filter(subscription=subscription)
    if status in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status)
    return subscription, list(deliveries.order_by("-created_at")[:LOG_SIZE])
