"""Another organisation's webhook subscription, through the API: it answers as if it did not
exist, changes nothing, and every attempt is on record as denied; the owner's reads are on
record too (issue 23: one audited look-up closed these gaps)."""

from __future__ import annotations

from django.test import Client

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.factories import OrganisationFactory, make_actor
from ketenzicht.accounts.models import Role, User
from ketenzicht.api.authentication import token_create
from ketenzicht.audit.chain import object_ref
from ketenzicht.audit.models import AuditEvent, Result
from ketenzicht.notifications.models import Subscription

pytestmark = pytest.mark.django_db

CHANGE = {"callbackUrl": "https://hooks.example.org/other", "channels": ["referrals"]}


def _api(actor: Actor) -> Client:
    token = token_create(user=User.objects.get(pk=actor.user_id))
    return Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")


@pytest.fixture
def subscription() -> Subscription:
    owner = make_actor(Role.COORDINATOR, OrganisationFactory(code="coa"), username="coa.co")
    return Subscription.objects.create(
        organisation_id=owner.organisation_id,
        callback_url="https://hooks.example.org/coa",
        secret="s" * 32,
        channels=["victims"],
        created_by_id=owner.user_id,
    )


def _events(subscription: Subscription) -> list[tuple[str, str]]:
    ref = object_ref("subscription", subscription.pk)
    return list(
        AuditEvent.objects.filter(object_ref=ref).order_by("id").values_list("action", "result")
    )


def test_another_organisations_subscription_is_not_found_and_every_try_is_recorded(
    subscription: Subscription,
) -> None:
    other = make_actor(Role.COORDINATOR, OrganisationFactory(code="kmar"), username="kmar.co")
    api = _api(other)
    path = f"/api/v1/subscriptions/{subscription.pk}"

    assert api.get(path).status_code == 404
    assert api.put(path, CHANGE, content_type="application/json").status_code == 404
    assert api.delete(path).status_code == 404

    subscription.refresh_from_db()
    assert subscription.callback_url == "https://hooks.example.org/coa"
    assert _events(subscription) == [
        ("view", Result.DENIED),
        ("update", Result.DENIED),
        ("delete", Result.DENIED),
    ]


def test_the_owners_read_and_delete_are_on_record(subscription: Subscription) -> None:
    owner = make_actor(Role.COORDINATOR, subscription.organisation, username="coa.co2")
    api = _api(owner)
    path = f"/api/v1/subscriptions/{subscription.pk}"

    assert api.get(path).json()["callbackUrl"] == "https://hooks.example.org/coa"
    assert api.delete(path).status_code == 204

    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    assert _events(subscription) == [("view", Result.OK), ("delete", Result.OK)]
