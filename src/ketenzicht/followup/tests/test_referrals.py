"""Routing hard signals, the referral workflow through the service, feedback to the reporter,
escalation of overdue referrals."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketenzicht import policy
from ketenzicht.audit.models import AuditEvent
from ketenzicht.followup import workflow
from ketenzicht.followup.models import Referral, ReferralEvent, ReferralStatus
from ketenzicht.followup.services import (
    referral_transition,
    referrals_escalate_overdue,
    signal_route,
)
from ketenzicht.followup.workflow import Step
from ketenzicht.notifications.models import Message
from ketenzicht.signals.factories import TEST_CONTEXT, register, signal_input
from ketenzicht.signals.selectors import signal_get

from .conftest import Chain

pytestmark = pytest.mark.django_db
S = ReferralStatus


def _hard(chain: Chain, **overrides: object) -> Referral:
    values: dict[str, object] = {
        "kind": "hard",
        "exploitation_type_codes": ("sexual",),
        "location_id": chain.ter_apel.pk,
    }
    values.update(overrides)
    signal = register(chain.coa_frontline, **values)
    referral = signal_route(signal_id=signal.pk)
    assert referral is not None
    return referral


def test_hard_signal_goes_to_the_competent_body_and_says_why(chain: Chain) -> None:
    referral = _hard(chain)
    assert referral.to_organisation == chain.avim
    assert referral.reason == (
        "rule R2: sexual exploitation in Westerwolde -> AVIM Noord-Nederland"
    )
    # The receiving body now sees the signal in full; routing again changes nothing.
    seen = signal_get(
        actor=chain.avim_investigator, context=TEST_CONTEXT, signal_id=referral.signal_id
    )
    assert seen is not None and seen.projection == policy.Projection.FULL
    assert signal_route(signal_id=referral.signal_id) is None
    assert Referral.objects.count() == 1
    assert Message.objects.filter(user_id=chain.avim_investigator.user_id).count() == 1


@pytest.mark.parametrize(
    ("overrides", "target"),
    [
        ({"exploitation_type_codes": ("labour",)}, "nla"),
        (
            {
                "exploitation_type_codes": ("labour",),
                "location_id": None,
                "municipality_code": "GM0394",
            },
            "nla",
        ),
        ({"exploitation_type_codes": ("other",)}, "avim-noord-nederland"),
    ],
)
def test_routing_by_content(chain: Chain, overrides: dict[str, object], target: str) -> None:
    assert _hard(chain, **overrides).to_organisation.code == target


def test_border_post_goes_to_kmar_and_soft_signals_are_not_routed(chain: Chain) -> None:
    border = chain.kmar.locations.get()
    signal = register(
        chain.ind_frontline, kind="hard", location_id=None, municipality_code="GM0394"
    )
    type(signal).objects.filter(pk=signal.pk).update(location=border)
    referral = signal_route(signal_id=signal.pk)
    assert referral is not None and referral.to_organisation == chain.kmar
    assert "KMar" in referral.reason
    soft = register(chain.coa_frontline, kind="soft")
    assert signal_route(signal_id=soft.pk) is None


def test_registration_routes_after_commit(
    chain: Chain, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        signal = register(chain.coa_frontline, kind="hard", exploitation_type_codes=("sexual",))
    assert Referral.objects.get().signal_id == signal.pk


def test_the_journey_to_feedback(chain: Chain) -> None:
    referral = _hard(chain)
    act = chain.avim_investigator
    referral_transition(
        actor=act, context=TEST_CONTEXT, referral_id=referral.pk, step=Step(to=S.ACKNOWLEDGED)
    )
    with pytest.raises(ValidationError) as error:
        referral_transition(
            actor=act,
            context=TEST_CONTEXT,
            referral_id=referral.pk,
            step=Step(to=S.CLOSED, outcome="investigation_started"),
        )
    assert "feedback" in error.value.message_dict
    closed = referral_transition(
        actor=act,
        context=TEST_CONTEXT,
        referral_id=referral.pk,
        step=Step(
            to=S.CLOSED, outcome="investigation_started", feedback="Onderzoek gestart, dank."
        ),
    )
    assert closed.status == S.CLOSED and closed.feedback == "Onderzoek gestart, dank."
    feedback = Message.objects.filter(
        user_id=chain.coa_frontline.user_id, event_type="referral.closed"
    )
    assert feedback.count() == 1
    assert "Onderzoek gestart" in feedback.get().body
    # The reporter cannot move it; that is audited as denied and looks like "not found".
    with pytest.raises(Referral.DoesNotExist):
        referral_transition(
            actor=chain.coa_frontline,
            context=TEST_CONTEXT,
            referral_id=referral.pk,
            step=Step(to=S.IN_ASSESSMENT, note="x"),
        )
    assert AuditEvent.objects.filter(action="transition", result="denied").count() == 1
    assert [e.to_status for e in ReferralEvent.objects.filter(referral=referral)] == [
        "sent",
        "acknowledged",
        "closed",
    ]


def test_forwarding_opens_a_referral_at_the_other_body(chain: Chain) -> None:
    referral = _hard(chain)
    act = chain.avim_investigator
    referral_transition(
        actor=act, context=TEST_CONTEXT, referral_id=referral.pk, step=Step(to=S.ACKNOWLEDGED)
    )
    referral_transition(
        actor=act,
        context=TEST_CONTEXT,
        referral_id=referral.pk,
        step=Step(
            to=S.CLOSED,
            outcome="forwarded",
            outcome_reason="Arbeid",
            feedback="Doorgestuurd.",
            forward_to=chain.nla.pk,
        ),
    )
    forwarded = Referral.objects.get(forwarded_from=referral)
    assert forwarded.to_organisation == chain.nla and forwarded.kind == "forwarded"


STEPS = st.builds(
    Step,
    to=st.sampled_from(S.values),
    outcome=st.sampled_from(
        ["", "investigation_started", "victim_care_started", "no_further_action"]
    ),
    outcome_reason=st.sampled_from(["", "Geen aanknopingspunten"]),
    feedback=st.sampled_from(["", "Terugkoppeling"]),
    note=st.sampled_from(["", "Nieuwe informatie"]),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(STEPS, min_size=1, max_size=8))
def test_every_transition_follows_the_table(chain: Chain, steps: list[Step]) -> None:
    referral = _hard(chain)
    for step in steps:
        before = Referral.objects.get(pk=referral.pk)
        events = ReferralEvent.objects.filter(referral=referral).count()
        expect_ok = not workflow.check(before, step)
        legal = step.to in workflow.TRANSITIONS[before.status]
        try:
            after = referral_transition(
                actor=chain.avim_investigator,
                context=TEST_CONTEXT,
                referral_id=referral.pk,
                step=step,
            )
        except ValidationError:
            assert not expect_ok
            unchanged = Referral.objects.get(pk=referral.pk)
            assert (unchanged.status, unchanged.version) == (before.status, before.version)
            assert ReferralEvent.objects.filter(referral=referral).count() == events
            continue
        assert expect_ok and legal
        assert after.status == step.to and after.version == before.version + 1
        if step.to == S.CLOSED:
            assert after.feedback and after.outcome
    Referral.objects.all().delete()


def test_overdue_referrals_escalate_once_to_the_coordinators(chain: Chain) -> None:
    referral = _hard(chain)
    # Sent on the Thursday before Easter: acknowledge by Wednesday 8 April (2 working days).
    sent = dt.datetime(2026, 4, 2, 10, tzinfo=dt.UTC)
    from ketenzicht.followup.services import due_dates

    ack, outcome = due_dates(chain.avim.pk, sent)
    assert ack == dt.date(2026, 4, 8)
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=sent, acknowledge_due=ack, outcome_due=outcome
    )
    assert referrals_escalate_overdue(today=dt.date(2026, 4, 8)) == 0  # due today: not late
    assert referrals_escalate_overdue(today=dt.date(2026, 4, 9)) == 1
    assert referrals_escalate_overdue(today=dt.date(2026, 4, 10)) == 0  # once
    late = Message.objects.get(event_type="referral.overdue")
    assert late.urgent and late.user_id == chain.avim_investigator.user_id  # no coordinator there
    assert timezone.now() >= Referral.objects.get().acknowledge_escalated_at  # type: ignore[operator]


def test_illegal_step_over_the_api_is_a_clear_error_and_changes_nothing(chain: Chain) -> None:
    from django.test import Client

    from ketenzicht.accounts.models import User

    referral = _hard(chain)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=chain.avim_investigator.user_id))
    url = f"/api/v1/referrals/{referral.pk}/transitions"
    bad = client.post(url, {"to": "closed"}, content_type="application/json")
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    assert "to" in bad.json()["invalidParams"][0]["name"]
    assert Referral.objects.get().status == "sent"
    ok = client.post(url, {"to": "acknowledged"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "acknowledged"
    closed = client.post(
        url,
        {"to": "closed", "outcome": "no_further_action", "feedback": "Geen strafbare feiten."},
        content_type="application/json",
    )
    assert closed.json()["status"] == "closed"
    reporter = Client(HTTP_HOST="127.0.0.1")
    reporter.force_login(User.objects.get(pk=chain.coa_frontline.user_id))
    listed = reporter.get(f"/api/v1/referrals?signal={referral.signal_id}").json()["results"]
    assert [r["feedback"] for r in listed] == ["Geen strafbare feiten."]
    detail = reporter.get(f"/api/v1/signals/{referral.signal_id}").json()
    assert detail["referrals"][0]["outcome"] == "no_further_action"
    forbidden = reporter.post(url, {"to": "acknowledged"}, content_type="application/json")
    missing = reporter.post(
        "/api/v1/referrals/00000000-0000-4000-8000-000000000000/transitions",
        {"to": "acknowledged"},
        content_type="application/json",
    )
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content


def test_signal_input_default_subject_is_a_presumed_victim() -> None:
    assert dataclasses.asdict(signal_input())["subjects"][0]["role"] == "presumed_victim"
