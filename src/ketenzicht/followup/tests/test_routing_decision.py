"""The routing decision stays visible on the signal, also when no referral follows, and
generated reasons read in the reader's language (issue 20, items 3 and 17)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils.translation import override

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import User
from ketenzicht.followup.models import Referral
from ketenzicht.followup.services import signal_route
from ketenzicht.signals.factories import register
from ketenzicht.signals.models import Signal

from .conftest import Chain

pytestmark = pytest.mark.django_db


def _page(actor: Actor, signal: Signal, language: str) -> str:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=actor.user_id))
    client.cookies["django_language"] = language
    response = client.get(f"/signalen/{signal.pk}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_hard_signal_that_stays_with_kmar_says_so_with_its_rule(chain: Chain) -> None:
    border = chain.kmar.locations.get()
    signal = register(
        chain.kmar_frontline,
        kind="hard",
        exploitation_type_codes=("sexual",),
        municipality_code="GM0394",
        location_id=border.pk,
    )
    assert signal_route(signal_id=signal.pk) is None
    signal.refresh_from_db()
    assert signal.routed_at is not None
    assert (signal.routing_rule_code, signal.routing_target) == ("R1", chain.kmar)
    assert not Referral.objects.exists()

    dutch = _page(chain.kmar_frontline, signal, "nl")
    assert "Nog niet doorverwezen" not in dutch
    assert "regel R1: seksuele uitbuiting in Haarlemmermeer -&gt; KMar" in dutch
    english = _page(chain.kmar_frontline, signal, "en")
    assert "rule R1: sexual exploitation in Haarlemmermeer -&gt; KMar" in english
    assert "no referral is made" in english


def test_a_signal_no_rule_applies_to_says_so(chain: Chain) -> None:
    from ketenzicht.followup.models import RoutingRule

    RoutingRule.objects.update(active=False)
    signal = register(chain.coa_frontline, kind="hard", exploitation_type_codes=("sexual",))
    assert signal_route(signal_id=signal.pk) is None
    signal.refresh_from_db()
    assert signal.routed_at is not None and signal.routing_rule_code == ""
    assert "no routing rule applies" in _page(chain.coa_frontline, signal, "en")


def test_a_reason_stored_in_dutch_reads_in_english(chain: Chain) -> None:
    signal = register(
        chain.coa_frontline,
        kind="hard",
        exploitation_type_codes=("sexual",),
        location_id=chain.ter_apel.pk,
    )
    with override("nl"):  # the worker's language when it routed
        referral = signal_route(signal_id=signal.pk)
    assert referral is not None and referral.reason.startswith("regel R2: seksuele")
    english = _page(chain.coa_frontline, signal, "en")
    assert "rule R2: sexual exploitation in Westerwolde -&gt; AVIM Noord-Nederland" in english
    assert "regel R2" not in english
    # The reporter's page and the API both list the referral itself (composed by the
    # interfaces with followup.selectors.attach_referrals).
    assert referral.reference in english and f"/doorverwijzingen/{referral.pk}" in english
    from ketenzicht.api.tests.test_api import client_for

    listed = client_for(chain.coa_frontline).get(f"/api/v1/signals/{signal.pk}").json()
    assert [r["reference"] for r in listed["referrals"]] == [referral.reference]
    assert "regel R2: seksuele uitbuiting" in _page(chain.coa_frontline, signal, "nl")


def test_the_referral_page_gives_the_reason_in_the_readers_language(chain: Chain) -> None:
    signal = register(chain.coa_frontline, kind="hard", exploitation_type_codes=("sexual",))
    referral = signal_route(signal_id=signal.pk)
    assert referral is not None
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=chain.coa_frontline.user_id))
    client.cookies["django_language"] = "en"
    english = client.get(f"/doorverwijzingen/{referral.pk}").content.decode()
    assert "rule R2: sexual exploitation in Westerwolde -&gt; AVIM Noord-Nederland" in english
    assert "regel R2" not in english


def test_follow_up_listens_to_what_the_apps_below_announce() -> None:
    # Routing and the combination rules hang on these; a Django signal without a receiver
    # does nothing, silently, so the connection itself is checked.
    from ketenzicht.persons.events import records_indexed
    from ketenzicht.signals.events import hard_signals_registered

    def uids(signal: Any) -> set[str]:
        return {entry[0][0] for entry in signal.receivers}

    assert "followup.route" in uids(hard_signals_registered)
    assert "followup.combinations" in uids(records_indexed)
