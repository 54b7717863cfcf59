"""How long a receiving body keeps access through a referral (issue 19, ADR 0022):
forwarded away, gone at once; closed, for REFERRAL_ACCESS_AFTER_CLOSE_DAYS, then gone;
reopened, back. Gone looks exactly like never there."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import User
from ketenzicht.api.authentication import token_create
from ketenzicht.audit.models import AuditEvent
from ketenzicht.followup.models import Referral, ReferralStatus
from ketenzicht.followup.selectors import referral_get
from ketenzicht.followup.services import referral_add_information, referral_transition, signal_route
from ketenzicht.followup.workflow import Step
from ketenzicht.persons.selectors import person_get
from ketenzicht.signals.factories import TEST_CONTEXT, register
from ketenzicht.signals.models import Signal
from ketenzicht.signals.selectors import signal_get

from .conftest import Chain

pytestmark = pytest.mark.django_db
S = ReferralStatus


@contextmanager
def _clock_at(moment: dt.datetime) -> Iterator[None]:
    """Time travel: the product reads the time through ``timezone.now``."""
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


def _routed(chain: Chain) -> tuple[Signal, Referral]:
    signal = register(
        chain.coa_frontline,
        kind="hard",
        exploitation_type_codes=("sexual",),
        location_id=chain.ter_apel.pk,
    )
    referral = signal_route(signal_id=signal.pk)
    assert referral is not None and referral.to_organisation == chain.avim
    _step(chain.avim_investigator, referral, Step(to=S.ACKNOWLEDGED))
    return signal, referral


def _step(actor: Actor, referral: Referral, step: Step) -> Referral:
    return referral_transition(
        actor=actor, context=TEST_CONTEXT, referral_id=referral.pk, step=step
    )


def _sees(actor: Actor, signal: Signal, referral: Referral) -> tuple[bool, bool, bool]:
    """Whether the actor reads the signal, the person on it, the referral."""
    record_id = signal.subjects.get().record_id
    return (
        signal_get(actor=actor, context=TEST_CONTEXT, signal_id=signal.pk) is not None,
        person_get(actor=actor, context=TEST_CONTEXT, person_id=record_id) is not None,
        referral_get(actor=actor, context=TEST_CONTEXT, referral_id=referral.pk) is not None,
    )


def _api(actor: Actor) -> Client:
    token = token_create(user=User.objects.get(pk=actor.user_id))
    return Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")


def _answers_like_unknown(client: Client, paths: list[str]) -> None:
    for path in paths:
        real = client.get(path)
        unknown_path = path.rsplit("/", 1)[0] + f"/{uuid.uuid4()}"
        unknown = client.get(unknown_path)
        assert real.status_code == unknown.status_code == 404, path
        assert real.content.replace(path.encode(), b"P") == unknown.content.replace(
            unknown_path.encode(), b"P"
        )


def _forward(chain: Chain, referral: Referral) -> Referral:
    return _step(
        chain.avim_investigator,
        referral,
        Step(
            to=S.CLOSED,
            outcome="forwarded",
            outcome_reason="Arbeidsuitbuiting",
            feedback="Doorgestuurd naar de Arbeidsinspectie.",
            forward_to=chain.nla.pk,
        ),
    )


def test_forwarding_ends_the_old_bodys_access_at_once(chain: Chain) -> None:
    signal, referral = _routed(chain)
    avim = chain.avim_investigator
    assert _sees(avim, signal, referral) == (True, True, True)
    _forward(chain, referral)

    assert _sees(avim, signal, referral) == (False, False, False)
    forwarded = Referral.objects.get(forwarded_from=referral)
    assert referral_get(actor=avim, context=TEST_CONTEXT, referral_id=forwarded.pk) is None
    # Over the API exactly as an id that never existed.
    record_id = signal.subjects.get().record_id
    _answers_like_unknown(
        _api(avim),
        [
            f"/api/v1/signals/{signal.pk}",
            f"/api/v1/persons/{record_id}",
            f"/api/v1/referrals/{referral.pk}",
        ],
    )
    # The new body reads it; the reporter still follows both referrals.
    nla = chain.nla
    from ketenzicht.accounts.factories import make_actor
    from ketenzicht.accounts.models import Role

    inspector = make_actor(Role.INVESTIGATOR, nla, username="nla.in")
    assert _sees(inspector, signal, forwarded)[0]
    assert _sees(chain.coa_frontline, signal, forwarded) == (True, True, True)
    # The end is on record, with the organisation and the reason.
    revoked = AuditEvent.objects.get(action="revoke")
    assert revoked.detail["organisation"] == chain.avim.pk
    assert revoked.detail["reason"] == "forwarded"


def test_forwarding_is_a_closing_step(chain: Chain) -> None:
    _signal, referral = _routed(chain)
    with pytest.raises(ValidationError) as error:
        _step(
            chain.avim_investigator,
            referral,
            Step(to=S.OUTCOME, outcome="forwarded", forward_to=chain.nla.pk),
        )
    assert "to" in error.value.message_dict
    assert not Referral.objects.filter(forwarded_from=referral).exists()


def test_a_closed_referral_keeps_access_for_its_period_then_not(chain: Chain) -> None:
    signal, referral = _routed(chain)
    avim = chain.avim_investigator
    closed = _step(
        avim,
        referral,
        Step(to=S.CLOSED, outcome="investigation_started", feedback="Onderzoek gestart."),
    )
    assert closed.closed_at is not None
    period = dt.timedelta(days=settings.REFERRAL_ACCESS_AFTER_CLOSE_DAYS)
    revoked = AuditEvent.objects.get(action="revoke")
    assert revoked.detail["reason"] == "closed"
    assert revoked.detail["ends_at"] == (closed.closed_at + period).isoformat(timespec="seconds")

    assert _sees(avim, signal, referral) == (True, True, True)
    with _clock_at(closed.closed_at + period - dt.timedelta(minutes=1)):
        assert _sees(avim, signal, referral) == (True, True, True)
    with _clock_at(closed.closed_at + period + dt.timedelta(minutes=1)):
        assert _sees(avim, signal, referral) == (False, False, False)
        # The reporter still reads its signal and the feedback.
        assert _sees(chain.coa_frontline, signal, referral) == (True, True, True)
        # New information from the reporter reopens it: access is back, on record.
        referral_add_information(
            actor=chain.coa_frontline,
            context=TEST_CONTEXT,
            referral_id=referral.pk,
            note="Nieuwe verklaring van de bewoner.",
        )
        assert _sees(avim, signal, referral) == (True, True, True)
    assert AuditEvent.objects.filter(action="grant", detail__reason="reopened").count() == 1


def test_the_inbox_says_what_can_no_longer_be_seen(chain: Chain) -> None:
    signal, referral = _routed(chain)
    _forward(chain, referral)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=chain.avim_investigator.user_id))
    page = client.get("/postvak", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    start = page.index('<h2 class="utrecht-heading-2">Toegang beëindigd</h2>')
    ended = page[start : page.index("<h2", start + 1)]
    assert referral.reference in ended
    assert "doorgestuurd naar een andere instantie" in ended
    # Only that it ended: no link to it, no reason text, no narrative.
    assert "/doorverwijzingen/" not in ended
    assert signal.narrative not in page
    assert referral.reason not in ended
    # It left the list of received referrals.
    assert page.count(referral.reference) == ended.count(referral.reference) + page.count(
        f"Nieuwe doorverwijzing {referral.reference}"
    )


def test_grants_of_referrals_ended_before_the_rule_get_their_end(chain: Chain) -> None:
    """An installation upgraded with referrals already forwarded or closed: migration
    sharing 0004 gives their grants the end the services would have given."""
    import importlib

    from django.apps import apps

    from ketenzicht.sharing.models import AccessGrant

    migration = importlib.import_module(
        "ketenzicht.sharing.migrations.0004_end_existing_referral_access"
    )
    forwarded_signal, forwarded = _routed(chain)
    _forward(chain, forwarded)
    closed_signal, closed = _routed(chain)
    _step(
        chain.avim_investigator,
        closed,
        Step(to=S.CLOSED, outcome="investigation_started", feedback="Onderzoek gestart."),
    )
    open_signal, _open = _routed(chain)
    # As before the rule: no grant had an end.
    AccessGrant.objects.update(ends_at=None, end_reason="")
    avim = chain.avim_investigator
    assert _sees(avim, forwarded_signal, forwarded)[0]

    migration.end_access(apps, None)

    ends = {
        g.signal_id: (g.ends_at, g.end_reason)
        for g in AccessGrant.objects.filter(organisation=chain.avim)
    }
    closed.refresh_from_db()
    assert ends[closed_signal.pk] == (
        closed.closed_at + dt.timedelta(days=settings.REFERRAL_ACCESS_AFTER_CLOSE_DAYS),
        "closed",
    )
    assert ends[forwarded_signal.pk][1] == "forwarded"
    assert ends[open_signal.pk] == (None, "")
    assert not _sees(avim, forwarded_signal, forwarded)[0]
    assert _sees(avim, closed_signal, closed)[0]
