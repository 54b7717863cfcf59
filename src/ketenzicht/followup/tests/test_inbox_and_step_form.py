"""The Postvak's filters (open, overdue, closed, with counts, in the address) and the
referral's step form, which shows only the fields the chosen next step takes."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.utils import timezone

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import User
from ketenzicht.followup.models import Referral
from ketenzicht.followup.services import referral_transition, signal_route
from ketenzicht.followup.workflow import Step
from ketenzicht.signals.factories import TEST_CONTEXT, register

from .conftest import Chain

pytestmark = pytest.mark.django_db


def _client(actor: Actor, language: str = "nl") -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=actor.user_id))
    client.cookies["django_language"] = language
    return client


def _referral(chain: Chain, *steps: Step) -> Referral:
    signal = register(chain.coa_frontline, kind="hard", exploitation_type_codes=("sexual",))
    referral = signal_route(signal_id=signal.pk)
    assert referral is not None
    for step in steps:
        referral_transition(
            actor=chain.avim_investigator,
            context=TEST_CONTEXT,
            referral_id=referral.pk,
            step=step,
        )
    referral.refresh_from_db()
    return referral


ACK = Step(to="acknowledged")
CLOSE = Step(to="closed", outcome="no_further_action", feedback="Geen aanknopingspunten.")


def _rows(html: str) -> set[str]:
    """References in the referral tables (messages below them name referrals too)."""
    return set(re.findall(r">([A-Z]-[0-9A-F]{8})</a></th>", html))


def test_the_inbox_filters_open_overdue_and_closed_with_counts(chain: Chain) -> None:
    fresh = _referral(chain)
    late = _referral(chain, ACK)
    Referral.objects.filter(pk=late.pk).update(
        outcome_due=timezone.localdate() - dt.timedelta(days=1)
    )
    closed = _referral(chain, ACK, CLOSE)
    police = _client(chain.avim_investigator)

    page = police.get("/postvak").content.decode()  # open is the default: the work list
    assert _rows(page) == {fresh.reference, late.reference}
    assert 'href="?toon=open" aria-current="page">Open (2)' in page
    assert 'href="?toon=te-laat">Te laat (1)' in page
    assert 'href="?toon=gesloten">Gesloten (1)' in page

    page = police.get("/postvak?toon=te-laat").content.decode()
    assert _rows(page) == {late.reference}

    page = police.get("/postvak?toon=gesloten").content.decode()
    assert _rows(page) == {closed.reference}
    assert 'aria-current="page">Gesloten (1)' in page

    # The reporter's side: the same filters over the referrals of its signals.
    reporter = _client(chain.coa_frontline)
    assert _rows(reporter.get("/postvak?toon=gesloten").content.decode()) == {closed.reference}
    # An unknown filter is the default, not an error.
    assert police.get("/postvak?toon=alles").status_code == 200


def _fields(html: str) -> set[str]:
    names = ("outcome", "outcome_reason", "forward_to", "feedback", "note")
    return {n for n in names if f'name="{n}"' in html}


def test_the_step_form_shows_only_what_the_next_step_takes(chain: Chain) -> None:
    police = _client(chain.avim_investigator)
    sent = _referral(chain)
    page = police.get(f"/doorverwijzingen/{sent.pk}").content.decode()
    # One possible step: no choice to make, the form is that step's.
    assert 'name="stap"' not in page and 'name="to" value="acknowledged"' in page
    assert _fields(page) == {"note"}

    # Posting that form takes the step (a form without the other steps' fields).
    response = police.post(
        f"/doorverwijzingen/{sent.pk}", {"to": "acknowledged", "version": sent.version}
    )
    assert response.status_code == 302
    assert Referral.objects.get(pk=sent.pk).status == "acknowledged"

    acknowledged = _referral(chain, ACK)
    url = f"/doorverwijzingen/{acknowledged.pk}"
    page = police.get(url).content.decode()
    assert page.count('name="stap"') == 3  # in assessment, outcome, closed
    assert _fields(page) == {"note"}  # the first step, in assessment
    page = police.get(url + "?stap=outcome").content.decode()
    assert _fields(page) == {"outcome", "outcome_reason", "note"}
    assert 'value="forwarded"' not in page  # forwarding closes (ADR 0022)
    page = police.get(url + "?stap=closed").content.decode()
    assert _fields(page) == {"outcome", "outcome_reason", "forward_to", "feedback", "note"}
    assert 'value="forwarded"' in page
    feedback = re.search(r"<textarea[^>]*name=\"feedback\"[^>]*>", page)
    assert feedback is not None and 'aria-required="true"' in feedback.group(0)


def test_the_step_form_is_still_validated_on_the_server(chain: Chain) -> None:
    police = _client(chain.avim_investigator)
    referral = _referral(chain, ACK)
    url = f"/doorverwijzingen/{referral.pk}"
    # Closing without feedback: the workflow's message, nothing changes, the closing fields
    # stay on screen.
    response = police.post(
        url, {"to": "closed", "outcome": "investigation_started", "version": referral.version}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Afsluiten kan alleen met terugkoppeling aan de melder." in page
    assert _fields(page) == {"outcome", "outcome_reason", "forward_to", "feedback", "note"}
    assert Referral.objects.get(pk=referral.pk).status == "acknowledged"
    # Forwarding with an outcome step is refused: it is not one of that step's outcomes.
    response = police.post(
        url, {"to": "outcome", "outcome": "forwarded", "version": referral.version}
    )
    assert response.status_code == 400
    assert Referral.objects.get(pk=referral.pk).status == "acknowledged"
    response = police.post(
        url,
        {
            "to": "closed",
            "outcome": "investigation_started",
            "feedback": "Onderzoek gestart.",
            "version": referral.version,
        },
    )
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == "closed"
