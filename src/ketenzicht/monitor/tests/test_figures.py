"""Exact small counts outside the monitor (issue 19, item 11): the deadline page and the
sharing health page show counts of referrals and signals, which are about people. A role
that may not read signals (the national monitor) sees them as the monitor shows its
tables; a coordinator, who works on cases, sees them exactly."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.factories import OrganisationFactory, make_actor
from ketenzicht.accounts.models import Role, User
from ketenzicht.followup.models import Referral, ReferralKind, ReferralStatus
from ketenzicht.signals.factories import register

pytestmark = pytest.mark.django_db


def _page(actor: Actor, path: str) -> str:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=actor.user_id))
    client.cookies["django_language"] = "en"
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_deadline_page_shows_small_counts_as_the_monitor_does() -> None:
    reporter = make_actor(Role.FRONTLINE)
    inspectorate = OrganisationFactory(code="nla-x", name="Arbeidsinspectie")
    now = timezone.now() - dt.timedelta(days=30)
    for i in range(2):  # one open and overdue, one closed in time
        Referral.objects.create(
            kind=ReferralKind.ROUTED,
            signal=register(reporter, kind="hard"),
            from_organisation_id=reporter.organisation_id,
            to_organisation=inspectorate,
            reason="test",
            status=ReferralStatus.SENT if i else ReferralStatus.OUTCOME,
            sent_at=now,
            acknowledge_due=(now + dt.timedelta(days=3)).date(),
            outcome_due=(now + dt.timedelta(days=10)).date(),
            acknowledged_at=None if i else now + dt.timedelta(days=1),
            outcome_at=None if i else now + dt.timedelta(days=2),
        )
    monitor = _page(make_actor(Role.NATIONAL_MONITOR), "/doorverwijzingen/termijnen")
    cells = monitor.split("Arbeidsinspectie", 1)[1].split("</tr>", 1)[0]
    assert cells.count("&lt;10") == 4  # received, open and both overdue counts
    # No share or median of two referrals: 100% of them in time is "both".
    assert "%" not in cells and ">1<" not in cells and ">2<" not in cells
    coordinator = _page(make_actor(Role.COORDINATOR), "/doorverwijzingen/termijnen")
    cells = coordinator.split("Arbeidsinspectie", 1)[1].split("</tr>", 1)[0]
    assert ">2</td>" in cells and "100%" in cells and "&lt;10" not in cells


def test_the_sharing_health_page_shows_small_counts_as_the_monitor_does() -> None:
    reporter = make_actor(Role.FRONTLINE)
    register(reporter, distribution="chain", legal_basis="avg-6-1-e")
    register(reporter, distribution="organisation")
    monitor = _page(make_actor(Role.NATIONAL_MONITOR), "/delen/gezondheid")
    # Issue 19: the page showed "50% 1/2" (and "1/1" where one was shared).
    assert "1/2" not in monitor and "50%" not in monitor
    assert "&lt;10/&lt;10" in monitor
    coordinator = _page(make_actor(Role.COORDINATOR), "/delen/gezondheid")
    assert "1/2" in coordinator and "50%" in coordinator
