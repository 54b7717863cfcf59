"""Webhook subscriptions and their delivery log through the web pages."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.factories import OrganisationFactory, make_actor
from ketenzicht.accounts.models import Role, User
from ketenzicht.audit.models import AuditEvent
from ketenzicht.notifications.models import Delivery, DeliveryStatus, Subscription

pytestmark = pytest.mark.django_db


def _client(actor: Actor) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=actor.user_id))
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def coordinator() -> Actor:
    return make_actor(Role.COORDINATOR, OrganisationFactory(code="coa"), username="coa.co")


def test_a_subscription_is_created_with_its_secret_shown_once(coordinator: Actor) -> None:
    client = _client(coordinator)
    created = client.post(
        "/webhooks/nieuw",
        {
            "callback_url": "https://partner.example/hooks",
            "channels": ["referrals", "victims"],
            "filters": "kind = minor\n",
            "active": "on",
        },
    )
    subscription = Subscription.objects.get()
    assert created.status_code == 302
    assert subscription.secret in client.get(created["Location"]).content.decode()
    assert subscription.filters == {"kind": "minor"}
    assert subscription.channels == ["referrals", "victims"]
    # Afterwards the secret is never shown again.
    listing = client.get("/webhooks").content.decode()
    edit = client.get(f"/webhooks/{subscription.pk}").content.decode()
    assert "https://partner.example/hooks" in listing
    assert subscription.secret not in listing and subscription.secret not in edit
    assert AuditEvent.objects.filter(action="create", object_type="subscription").count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"callback_url": "ftp://partner.example", "channels": ["referrals"]}, "callback_url"),
        ({"callback_url": "http://partner.example", "channels": ["referrals"]}, "callback_url"),
        ({"callback_url": "https://partner.example", "channels": []}, "channels"),
        ({"callback_url": "https://partner.example", "channels": ["nope"]}, "channels"),
        (
            {"callback_url": "https://partner.example", "channels": ["hits"], "filters": "x"},
            "filters",
        ),
    ],
)
def test_bad_subscriptions_get_a_field_error_and_nothing_is_saved(
    coordinator: Actor, data: dict[str, object], field: str
) -> None:
    response = _client(coordinator).post("/webhooks/nieuw", data)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Subscription.objects.exists()


def test_the_delivery_log_shows_what_failed(coordinator: Actor) -> None:
    subscription = Subscription.objects.create(
        organisation_id=coordinator.organisation_id,
        callback_url="https://partner.example/hooks",
        secret="s",
        channels=["referrals"],
    )
    failed = Delivery.objects.create(
        subscription=subscription,
        event_type="referral.sent",
        event={},
        status=DeliveryStatus.FAILED,
        attempts=8,
        last_status_code=500,
        last_error="HTTP 500",
    )
    delivered = Delivery.objects.create(
        subscription=subscription,
        event_type="referral.closed",
        event={},
        status=DeliveryStatus.DELIVERED,
        attempts=1,
        delivered_at=timezone.now(),
    )
    client = _client(coordinator)
    listing = client.get("/webhooks").content.decode()
    assert f"/webhooks/{subscription.pk}/afleveringen" in listing
    only_failed = client.get(f"/webhooks/{subscription.pk}/afleveringen?status=failed")
    text = only_failed.content.decode()
    assert str(failed.pk) in text and "HTTP 500" in text and str(delivered.pk) not in text
    everything = client.get(f"/webhooks/{subscription.pk}/afleveringen").content.decode()
    assert str(failed.pk) in everything and str(delivered.pk) in everything
    # Another organisation's coordinator, and frontline staff, see nothing of it.
    other = make_actor(Role.COORDINATOR, OrganisationFactory(code="ind"), username="ind.co")
    assert _client(other).get(f"/webhooks/{subscription.pk}/afleveringen").status_code == 404
    assert (
        _client(other).post(f"/webhooks/{subscription.pk}", {"action": "delete"}).status_code == 404
    )
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    frontline = make_actor(Role.FRONTLINE, username="fl")
    assert _client(frontline).get("/webhooks").status_code == 404


def test_a_subscription_is_changed_and_deleted(coordinator: Actor) -> None:
    subscription = Subscription.objects.create(
        organisation_id=coordinator.organisation_id,
        callback_url="https://partner.example/hooks",
        secret="s",
        channels=["referrals"],
    )
    client = _client(coordinator)
    changed = client.post(
        f"/webhooks/{subscription.pk}",
        {"callback_url": "https://partner.example/v2", "channels": ["hits"]},
    )
    assert changed.status_code == 302
    subscription.refresh_from_db()
    assert subscription.callback_url == "https://partner.example/v2"
    assert subscription.channels == ["hits"] and not subscription.active
    assert client.post(f"/webhooks/{subscription.pk}", {"action": "delete"}).status_code == 302
    assert not Subscription.objects.exists()


def test_the_secret_page_survives_no_reload(coordinator: Actor) -> None:
    client = _client(coordinator)
    created = client.post(
        "/webhooks/nieuw",
        {"callback_url": "https://partner.example/hooks", "channels": ["referrals"]},
    )
    subscription = Subscription.objects.get()
    assert created.status_code == 302
    assert created["Location"] == f"/webhooks/{subscription.pk}/aangemaakt"
    assert subscription.secret in client.get(created["Location"]).content.decode()
    reloaded = client.get(created["Location"]).content.decode()
    assert subscription.secret not in reloaded and Subscription.objects.count() == 1
