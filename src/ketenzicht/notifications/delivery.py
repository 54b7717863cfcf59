"""Sending one webhook delivery: a structured CloudEvent, signed, with an idempotency key."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

import requests
from cloudevents.core.bindings.http import to_structured_event
from cloudevents.core.v1.event import CloudEvent

from .destinations import DestinationRefusedError, destination_for_delivery
from .models import Delivery, DeliveryStatus
from .pinning import pinned_post

SIGNATURE_HEADER = "X-Ketenzicht-Signature"
LEASE_SECONDS = 120


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of the raw body>``; receivers compare in constant time."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def render(event: dict[str, object]) -> tuple[dict[str, str], bytes]:
    """Headers and body of the structured-mode HTTP message (CloudEvents JSON format)."""
    attributes = {k: v for k, v in event.items() if k != "data"}
    attributes["time"] = parse_datetime(str(event["time"]))
    message = to_structured_event(CloudEvent(attributes, data=event["data"]))  # type: ignore[arg-type]
    return dict(message.headers), bytes(message.body)


def _claim(delivery_id: str) -> Delivery | None:
    """Take the delivery for one attempt, so that two workers never send it at once."""
    with transaction.atomic():
        delivery = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).first()
        if delivery is None:
            return None
        now = timezone.now()
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return None
        claimed = Delivery.objects.filter(
            pk=delivery.pk, attempts=delivery.attempts, status=DeliveryStatus.PENDING
        ).update(
            attempts=delivery.attempts + 1,
            next_attempt_at=now + dt.timedelta(seconds=LEASE_SECONDS),
        )
        if not claimed:
            return None
        delivery.attempts += 1
        return delivery


def attempt(delivery_id: str) -> str:
    """One attempt; returns the delivery's status afterwards."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    subscription = delivery.subscription
    headers, body = render(delivery.event)
    headers.update(
        {
            "Idempotency-Key": str(delivery.pk),
            SIGNATURE_HEADER: signature(subscription.secret, body),
            "User-Agent": "Ketenzicht-Webhooks/1",
        }
    )
    status_code: int | None = None
    error = ""
    try:
        # Checked now, not only when subscribed: the rules or the host list may have changed
        # since, and so may what the name resolves to. The request goes to the address
        # checked here, never to a second DNS answer.
        destination = destination_for_delivery(subscription.callback_url)
        response = pinned_post(
            destination, data=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS
        )
        status_code = response.status_code
        ok = 200 <= response.status_code < 300
        if not ok:
            error = f"HTTP {response.status_code}"
    except DestinationRefusedError as exc:
        ok = False
        error = f"Refused: {exc}"[:500]
    except requests.RequestException as exc:
        ok = False
        error = f"{type(exc).__name__}: {exc}"[:500]
    now = timezone.now()
    if ok:
        fields = {"status": DeliveryStatus.DELIVERED, "delivered_at": now, "next_attempt_at": None}
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        fields = {"status": DeliveryStatus.FAILED, "next_attempt_at": None}
    else:
        fields = {"next_attempt_at": now + backoff(delivery.attempts)}
    Delivery.objects.filter(pk=delivery.pk).update(
        last_status_code=status_code, last_error=error, **fields
    )
    return str(fields.get("status", DeliveryStatus.PENDING))


def backoff(attempts: int) -> dt.timedelta:
    """Delay before the next attempt after ``attempts`` failed ones: base, 2x, 4x, ..."""
    return dt.timedelta(seconds=settings.WEBHOOK_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0))
