"""Webhooks against a real receiver on loopback: signed CloudEvents, retries with backoff
after failures, every event delivered exactly once, and intake never waits for a partner."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.test.utils import override_settings

import pytest

from ketenzicht.accounts.factories import OrganisationFactory, make_actor
from ketenzicht.accounts.models import Role
from ketenzicht.notifications.delivery import attempt
from ketenzicht.notifications.models import Delivery, Message
from ketenzicht.notifications.services import (
    Event,
    SubscriptionInput,
    deliveries_due,
    emit,
    subscription_create,
)
from ketenzicht.signals.factories import TEST_CONTEXT

pytestmark = pytest.mark.django_db


class Receiver:
    """A partner endpoint that answers 500 to the first ``fail`` requests, then 200, and keeps
    each event id it accepted once (deduplicating on the idempotency key)."""

    def __init__(self, fail: int) -> None:
        self.fail = fail
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.accepted: dict[str, int] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                if receiver.fail > 0:
                    receiver.fail -= 1
                    self.send_response(500)
                else:
                    key = self.headers["idempotency-key"]
                    receiver.accepted[key] = receiver.accepted.get(key, 0) + 1
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(fail=3)
    yield r
    r.server.shutdown()


def _event(organisation_id: int, n: int) -> Event:
    return Event(
        type="referral.sent",
        channel="referrals",
        organisations=(organisation_id,),
        title=f"Event {n}",
        subject=f"ref-{n}",
        data={"n": n},
        attributes={"status": "sent"},
    )


@override_settings(WEBHOOK_BACKOFF_SECONDS=0, WEBHOOK_MAX_ATTEMPTS=6)
def test_failing_then_recovering_receiver_gets_every_event_exactly_once(
    receiver: Receiver, django_capture_on_commit_callbacks: object
) -> None:
    organisation = OrganisationFactory()
    coordinator = make_actor(Role.COORDINATOR, organisation)
    subscription, secret = subscription_create(
        actor=coordinator,
        context=TEST_CONTEXT,
        data=SubscriptionInput(callback_url=receiver.url, channels=("referrals",)),
    )
    for n in range(5):
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            emit(_event(organisation.pk, n))
    # The immediate task backend made the first attempts; the scheduler retries the rest.
    for _round in range(10):
        for delivery_id in deliveries_due():
            Delivery.objects.filter(pk=delivery_id).update(next_attempt_at=None)
            attempt(delivery_id)
    deliveries = list(Delivery.objects.all())
    assert {d.status for d in deliveries} == {"delivered"}
    assert receiver.accepted == {str(d.pk): 1 for d in deliveries}
    assert len(receiver.requests) == 5 + 3  # three failures were retried
    headers, body = receiver.requests[-1]
    assert headers["content-type"].startswith("application/cloudevents+json")
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-ketenzicht-signature"], expected)
    event = json.loads(body)
    assert event["specversion"] == "1.0" and event["type"] == "nl.ketenzicht.referral.sent"
    assert event["id"] == headers["idempotency-key"]
    assert event["data"]["kenmerken"] == {"status": "sent"}
    # Retries send the same id: a receiver that saw it before can drop it.
    failed_ids = {h["idempotency-key"] for h, _b in receiver.requests[:3]}
    assert failed_ids <= set(receiver.accepted)
    assert subscription.deliveries.count() == 5


@override_settings(WEBHOOK_BACKOFF_SECONDS=0, WEBHOOK_MAX_ATTEMPTS=3)
def test_an_endpoint_that_stays_down_ends_as_failed_in_the_log(
    django_capture_on_commit_callbacks: object,
) -> None:
    organisation = OrganisationFactory()
    coordinator = make_actor(Role.COORDINATOR, organisation)
    subscription_create(
        actor=coordinator,
        context=TEST_CONTEXT,
        data=SubscriptionInput(callback_url="http://127.0.0.1:9/nobody", channels=("referrals",)),
    )
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        emit(_event(organisation.pk, 1))
    for _round in range(5):
        for delivery_id in deliveries_due():
            Delivery.objects.filter(pk=delivery_id).update(next_attempt_at=None)
            attempt(delivery_id)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert "ConnectionError" in delivery.last_error


def test_filters_and_channels_decide_who_gets_what() -> None:
    organisation, other = OrganisationFactory(), OrganisationFactory()
    coordinator = make_actor(Role.COORDINATOR, organisation)
    for channels, filters in ((("referrals",), {"status": "closed"}), (("victims",), {})):
        subscription_create(
            actor=coordinator,
            context=TEST_CONTEXT,
            data=SubscriptionInput(
                callback_url="https://partner.example/hook", channels=channels, filters=filters
            ),
        )
    emit(_event(organisation.pk, 1))  # status "sent": the closed-only filter drops it
    emit(_event(other.pk, 2))  # another organisation's event never reaches this one
    assert Delivery.objects.count() == 0
    assert Message.objects.filter(user_id=coordinator.user_id).count() == 1


def test_intake_never_waits_for_a_partner(django_capture_on_commit_callbacks: object) -> None:
    from ketenzicht.accounts.models import OrganisationType
    from ketenzicht.followup.seed import follow_up_rules_seed
    from ketenzicht.signals.factories import register

    OrganisationFactory(code="emm", type=OrganisationType.EMM)
    police = OrganisationFactory(code="avim-nn", type=OrganisationType.AVIM, police_unit_code="PO1")
    follow_up_rules_seed()
    subscription_create(
        actor=make_actor(Role.COORDINATOR, police),
        context=TEST_CONTEXT,
        data=SubscriptionInput(callback_url="http://127.0.0.1:9/down", channels=("referrals",)),
    )
    reporter = make_actor(Role.FRONTLINE)
    with django_capture_on_commit_callbacks() as callbacks:  # type: ignore[operator]
        register(reporter, kind="hard", exploitation_type_codes=("sexual",))
    # The request is done: nothing was sent, routing and delivery wait for the worker.
    assert Delivery.objects.count() == 0
    assert callbacks  # index, route
