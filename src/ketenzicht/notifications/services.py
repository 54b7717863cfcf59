"""Emitting events: inbox messages, e-mail and webhook deliveries.

``emit`` only inserts rows inside the caller's transaction; e-mail and webhook calls run in
the task worker after commit, so a slow or failing partner can never slow or fail the
request that caused the event. A delivery that fails is retried with exponential backoff by
the worker's scheduler (``deliveries_retry_due``) until it succeeds or runs out of attempts.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import Membership
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record, audited_get
from ketenzicht.common.context import Context

from . import access
from .destinations import destination_error
from .models import Channel, Delivery, DeliveryStatus, Message, Subscription
from .tasks import deliver_webhooks, send_emails

EVENT_PREFIX = "nl.ketenzicht."


@dataclass(frozen=True)
class Event:
    """Something happened that organisations must hear about.

    ``data`` and ``attributes`` travel to partner systems: ids, codes and statuses only,
    never names or narratives (a receiver fetches content through the API, under the
    sharing policy). ``attributes`` are what subscriptions filter on.
    """

    type: str  # e.g. "referral.sent"; sent as "nl.ketenzicht.referral.sent"
    channel: str
    organisations: tuple[int, ...]
    title: str
    body: str = ""
    link: str = ""
    subject: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    attributes: Mapping[str, str] = field(default_factory=dict)
    roles: tuple[str, ...] = ()  # empty: every member whose role handles referrals
    urgent: bool = False


def _recipients(event: Event) -> list[tuple[int, int]]:
    """(user id, organisation id) of active members who should see the message. An
    organisation without members in the chosen roles still hears it, through everyone who
    handles referrals there."""
    handlers = {role for role, rules in policy.POLICY_TABLE.items() if rules.referrals}
    wanted = set(event.roles) or handlers
    members = list(
        Membership.objects.filter(
            organisation_id__in=event.organisations,
            user__is_active=True,
            role__in=wanted | handlers,
        ).values_list("user_id", "organisation_id", "role")
    )
    chosen = {(user, org) for user, org, role in members if role in wanted}
    covered = {org for _user, org in chosen}
    chosen |= {
        (user, org) for user, org, role in members if role in handlers and org not in covered
    }
    return sorted(chosen)


def _matches(subscription: Subscription, event: Event) -> bool:
    if event.channel not in subscription.channels:
        return False
    return all(
        str(event.attributes.get(key, "")) == str(value)
        for key, value in (subscription.filters or {}).items()
    )


def cloud_event(event: Event, event_id: uuid.UUID, time: dt.datetime) -> dict[str, Any]:
    """The CloudEvents 1.0 attributes and data of one delivery (JSON event format)."""
    return {
        "specversion": "1.0",
        "id": str(event_id),
        "source": settings.SITE_URL.rstrip("/") + "/api/v1",
        "type": EVENT_PREFIX + event.type,
        "subject": event.subject,
        "time": time.isoformat().replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        # Extension attributes: lower-case alphanumeric names (CloudEvents 1.0, 3.1.1).
        "kzchannel": event.channel,
        "data": {**dict(event.data), "kenmerken": dict(event.attributes)},
    }


def emit(event: Event) -> None:
    """Record the event for every recipient; call inside the transaction that caused it."""
    now = timezone.now()
    messages = Message.objects.bulk_create(
        Message(
            user_id=user_id,
            organisation_id=organisation_id,
            channel=event.channel,
            event_type=event.type,
            title=event.title[:300],
            body=event.body,
            link=event.link,
            urgent=event.urgent,
            created_at=now,
        )
        for user_id, organisation_id in _recipients(event)
    )
    deliveries = [
        Delivery(subscription=s, event_type=event.type, created_at=now)
        for s in Subscription.objects.filter(organisation_id__in=event.organisations, active=True)
        if _matches(s, event)
    ]
    for delivery in deliveries:
        delivery.event = cloud_event(event, delivery.id, now)
    Delivery.objects.bulk_create(deliveries)
    # Both SQLite (3.35+) and PostgreSQL return the keys of bulk-created rows.
    message_ids = [m.pk for m in messages]
    delivery_ids = [str(d.pk) for d in deliveries]

    def enqueue() -> None:
        if message_ids:
            send_emails.enqueue(message_ids)
        if delivery_ids:
            deliver_webhooks.enqueue(delivery_ids)

    transaction.on_commit(enqueue)


# -- inbox -------------------------------------------------------------------------------


@transaction.atomic
def messages_mark_read(*, actor: Actor, message_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's own messages read (all of them when no ids are given)."""
    qs = Message.objects.filter(user_id=actor.user_id, read_at__isnull=True)
    if message_ids is not None:
        qs = qs.filter(pk__in=list(message_ids))
    return qs.update(read_at=timezone.now())


# -- subscriptions -----------------------------------------------------------------------


@dataclass(frozen=True)
class SubscriptionInput:
    callback_url: str
    channels: tuple[str, ...]
    filters: Mapping[str, str] = field(default_factory=dict)
    active: bool = True


def _check_subscription(data: SubscriptionInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if problem := destination_error(data.callback_url):
        errors["callback_url"] = [problem]
    unknown = [c for c in data.channels if c not in Channel.values]
    if not data.channels or unknown:
        errors["channels"] = [
            _("Choose one or more of: %(channels)s.") % {"channels": ", ".join(Channel.values)}
        ]
    if any(not isinstance(v, str) for v in data.filters.values()):
        errors["filters"] = [_("Filter values must be text.")]
    return errors


@transaction.atomic
def subscription_create(
    *, actor: Actor, context: Context, data: SubscriptionInput
) -> tuple[Subscription, str]:
    """Create a webhook subscription for the actor's organisation. Returns it with its
    signing secret, which is shown this once."""
    if not policy.may_manage_subscriptions(actor) or actor.organisation_id is None:
        raise PermissionDenied
    errors = _check_subscription(data)
    if errors:
        raise ValidationError(errors)
    secret = secrets.token_urlsafe(32)
    subscription = Subscription.objects.create(
        organisation_id=actor.organisation_id,
        callback_url=data.callback_url,
        secret=secret,
        channels=list(dict.fromkeys(data.channels)),
        filters=dict(data.filters),
        active=data.active,
        created_by_id=actor.user_id,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        purpose=Purpose.CHAIN_EXCHANGE,
        context=context,
        object_type="subscription",
        object_id=subscription.pk,
        detail={"channels": subscription.channels},
    )
    return subscription, secret


@transaction.atomic
def subscription_update(
    *, actor: Actor, context: Context, subscription_id: uuid.UUID | str, data: SubscriptionInput
) -> Subscription | None:
    subscription = audited_get(
        access.visible_subscriptions(actor).select_for_update(),
        subscription_id,
        actor=actor,
        context=context,
        action=Action.UPDATE,
        purpose=Purpose.CHAIN_EXCHANGE,
        object_type="subscription",
        record_ok=False,  # recorded below once the change is valid
    )
    if subscription is None:
        return None
    errors = _check_subscription(data)
    if errors:
        raise ValidationError(errors)
    subscription.callback_url = data.callback_url
    subscription.channels = list(dict.fromkeys(data.channels))
    subscription.filters = dict(data.filters)
    subscription.active = data.active
    subscription.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        purpose=Purpose.CHAIN_EXCHANGE,
        context=context,
        object_type="subscription",
        object_id=subscription.pk,
    )
    return subscription


@transaction.atomic
def subscription_delete(
    *, actor: Actor, context: Context, subscription_id: uuid.UUID | str
) -> bool:
    subscription = audited_get(
        access.visible_subscriptions(actor).select_for_update(),
        subscription_id,
        actor=actor,
        context=context,
        action=Action.DELETE,
        purpose=Purpose.CHAIN_EXCHANGE,
        object_type="subscription",
        record_ok=False,
    )
    if subscription is None:
        return False
    audit_record(
        actor=actor,
        action=Action.DELETE,
        purpose=Purpose.CHAIN_EXCHANGE,
        context=context,
        object_type="subscription",
        object_id=subscription.pk,
    )
    subscription.delete()
    return True


# -- delivery ------------------------------------------------------------------------------


def deliveries_due(now: dt.datetime | None = None) -> list[str]:
    """Pending deliveries whose retry time has come (the scheduler's sweep)."""
    now = now or timezone.now()
    return [
        str(pk)
        for pk in Delivery.objects.filter(
            Q(next_attempt_at__lte=now), status=DeliveryStatus.PENDING, attempts__gt=0
        ).values_list("pk", flat=True)[:500]
    ]
