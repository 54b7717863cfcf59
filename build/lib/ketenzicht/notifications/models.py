"""Notifications: the in-app inbox, webhook subscriptions of partner systems and the
delivery log. E-mail has no table: it is sent by a task from the inbox message."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ketenzicht.common.encrypted_fields import EncryptedCharField


class Channel(models.TextChoices):
    """What a message is about; subscriptions filter on it (a kanaal in the Dutch
    Notificaties API)."""

    REFERRALS = "referrals", _("referrals")
    VICTIMS = "victims", _("victim track")
    HITS = "hits", _("hit notices")


class Message(models.Model):
    """One inbox message for one user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    event_type = models.CharField(max_length=80)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="message_inbox")]


class Subscription(models.Model):
    """A partner system's webhook: events of the chosen channels that concern the
    subscribing organisation, filtered on attributes, as signed CloudEvents."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="subscriptions"
    )
    callback_url = models.URLField(_("callback URL"), max_length=500)
    # HMAC key for the signature header; sealed at rest like case content (ADR 0021).
    secret = EncryptedCharField(max_length=128)
    channels = models.JSONField(default=list)
    filters = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


class Delivery(models.Model):
    """One event for one subscription. The id is the CloudEvent id and the idempotency
    key: retries send the same id, so a receiver can drop what it already has."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_type = models.CharField(max_length=80)
    event = models.JSONField()  # the CloudEvent attributes and data, as sent
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["subscription", "-created_at"], name="delivery_log")]
