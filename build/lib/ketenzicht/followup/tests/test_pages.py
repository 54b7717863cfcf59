"""The follow-up pages through the web client: joint-analysis cases, victim-track steps,
reporting a resident missing, the administrator's configuration and the deadline figures."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.factories import make_actor
from ketenzicht.accounts.models import Organisation, Role, User
from ketenzicht.audit.models import AuditEvent
from ketenzicht.followup.models import (
    Case,
    CaseNote,
    DeadlinePolicy,
    Referral,
    RoutingRule,
    VictimTrack,
)
from ketenzicht.followup.selectors import sla_rows
from ketenzicht.followup.services import referral_transition, signal_route
from ketenzicht.followup.workflow import Step
from ketenzicht.notifications.models import Message
from ketenzicht.persons.services import resident_register
from ketenzicht.sharing.models import SharingGroup
from ketenzicht.signals.factories import TEST_CONTEXT, register

from .conftest import Chain

pytestmark = pytest.mark.django_db


def _client(actor: Actor, language: str = "en") -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=actor.user_id))
    client.cookies["django_language"] = language
    return client


def _closed_referral(chain: Chain, feedback: str) -> Referral:
    """A hard signal of COA routed to AVIM, acknowledged and closed with no further action."""
    signal = register(chain.coa_frontline, kind="hard", exploitation_type_codes=("sexual",))
    referral = signal_route(signal_id=signal.pk)
    assert referral is not None
    for step in (
        Step(to="acknowledged"),
        Step(to="closed", outcome="no_further_action", feedback=feedback),
    ):
        referral_transition(
            actor=chain.avim_investigator,
            context=TEST_CONTEXT,
            referral_id=referral.pk,
            step=step,
        )
    return referral


# -- joint-analysis cases -----------------------------------------------------------------


def _group(chain: Chain, *members: Organisation) -> SharingGroup:
    group = SharingGroup.objects.create(code="noord", name="Ketenoverleg Noord")
    group.organisations.set(members)
    return group


def test_a_coordinator_groups_signals_into_a_case_shared_with_a_group(chain: Chain) -> None:
    group = _group(chain, chain.coa, chain.avim)
    own = [register(chain.coa_frontline) for _ in range(2)]
    refs = f"{own[0].reference.lower()}, {own[1].reference}"
    coordinator = _client(chain.coa_coordinator)
    response = coordinator.post(
        "/casussen/nieuw", {"name": "Uitzendbureau X", "sharing_group": group.pk, "signals": refs}
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/casussen/{case.pk}"
    assert set(case.signals.all()) == set(own) and case.sharing_group == group
    # A member of the group sees the case and may add a decision, but of the signals only
    # what was shared with it: here nothing, so it is told they exist and whom to ask.
    police = _client(chain.avim_investigator)
    page = police.get(f"/casussen/{case.pk}")
    assert page.status_code == 200
    assert own[0].reference not in page.content.decode()
    assert "2 more signals are not shared" in page.content.decode()
    decided = police.post(
        f"/casussen/{case.pk}",
        {"action": "note", "text": "Wij starten een verkennend onderzoek.", "decision": "on"},
    )
    assert decided.status_code == 302
    note = CaseNote.objects.get()
    assert note.decision and note.organisation == chain.avim
    # Only the case's own organisation closes it; for the group member it is not there.
    assert police.post(f"/casussen/{case.pk}", {"action": "close"}).status_code == 404
    assert coordinator.post(f"/casussen/{case.pk}", {"action": "close"}).status_code == 302
    case.refresh_from_db()
    assert case.closed_at is not None
    # Outside the group the case does not exist.
    assert _client(chain.emm_investigator).get(f"/casussen/{case.pk}").status_code == 404
    actions = AuditEvent.objects.filter(object_type="case").values_list("action", "result")
    assert ("create", "ok") in actions and ("update", "denied") in actions


def test_a_case_with_unknown_or_unseen_signals_is_not_saved(chain: Chain) -> None:
    others = register(chain.ind_frontline)  # IND's own signal, not shared with COA
    mine = register(chain.coa_frontline)
    response = _client(chain.coa_coordinator).post(
        "/casussen/nieuw",
        {"name": "X", "signals": f"{mine.reference} {others.reference} NOTAREF"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert others.reference in text and "NOTAREF" in text
    assert not Case.objects.exists()


def test_frontline_staff_have_no_cases(chain: Chain) -> None:
    assert _client(chain.coa_frontline).get("/casussen").status_code == 404
    assert _client(chain.coa_coordinator).get("/casussen").status_code == 200


# -- the victim track on the signal page ------------------------------------------------------


def _track(chain: Chain) -> VictimTrack:
    signal = register(chain.coa_frontline, kind="hard", exploitation_type_codes=("sexual",))
    signal_route(signal_id=signal.pk)
    return VictimTrack.objects.get(subject__signal=signal)


def test_victim_track_steps_from_the_signal_page(chain: Chain) -> None:
    track = _track(chain)
    signal_id = track.subject.signal_id
    police = _client(chain.avim_investigator)
    page = police.get(f"/signalen/{signal_id}").content.decode()
    assert f'action="/slachtofferspoor/{track.pk}/bedenktijd"' in page
    assert "not offered yet" in page
    offered = police.post(
        f"/slachtofferspoor/{track.pk}/bedenktijd", {"start": "2026-01-31", "dublin": "on"}
    )
    assert offered.status_code == 302 and offered["Location"] == f"/signalen/{signal_id}"
    track.refresh_from_db()
    assert track.reflection_dublin and track.reflection_end == dt.date(2026, 3, 2)
    # COA without written consent: a field error, nothing recorded.
    coa = _client(chain.coa_frontline)
    refused = coa.post(f"/slachtofferspoor/{track.pk}/comensha", {"consent_note": ""})
    assert refused.status_code == 400
    assert 'id="id_consent_note_error"' in refused.content.decode()
    track.refresh_from_db()
    assert track.comensha_registered_at is None
    bad_date = police.post(f"/slachtofferspoor/{track.pk}/bedenktijd", {"start": "31-31-2026"})
    assert bad_date.status_code == 400 and 'id="id_start_error"' in bad_date.content.decode()
    assert police.post(f"/slachtofferspoor/{track.pk}/comensha", {}).status_code == 302
    track.refresh_from_db()
    assert track.comensha_basis == "law"
    # Someone who does not see the signal gets the same answer as for no track at all.
    emm = _client(chain.emm_investigator)
    assert emm.post(f"/slachtofferspoor/{track.pk}/comensha", {}).status_code == 404
    assert emm.post(f"/slachtofferspoor/{track.pk}/onbekend", {}).status_code == 404


def test_reception_reports_a_resident_missing_from_the_person_page(chain: Chain) -> None:
    resident = resident_register(
        actor=chain.coa_frontline,
        context=TEST_CONTEXT,
        location_id=chain.ter_apel.pk,
        given_name="Sara",
        family_name="Tesfaye",
    )
    coa = _client(chain.coa_frontline)
    assert (
        f"/personen/{resident.pk}/vertrokken"
        in coa.get(f"/personen/{resident.pk}").content.decode()
    )
    confirm = coa.get(f"/personen/{resident.pk}/vertrokken")
    assert confirm.status_code == 200
    assert coa.post(f"/personen/{resident.pk}/vertrokken").status_code == 302
    assert resident.missing_reports.count() == 1
    assert (
        _client(chain.ind_frontline).post(f"/personen/{resident.pk}/vertrokken").status_code == 404
    )


# -- configuration by the administrator ------------------------------------------------------


def test_an_administrator_adds_a_routing_rule_that_routing_then_follows(chain: Chain) -> None:
    admin = make_actor(Role.ADMINISTRATOR, chain.comensha, username="beheer")
    client = _client(admin)
    assert client.get("/beheer/opvolging").status_code == 200
    # A rule that sends to a fixed organisation needs that organisation.
    incomplete = client.post(
        "/beheer/opvolging/routering/nieuw",
        {"code": "R0", "name": "Alles naar EMM", "position": 1, "target_kind": "organisation"},
    )
    assert incomplete.status_code == 400
    assert 'id="id_target_organisation_error"' in incomplete.content.decode()
    assert not RoutingRule.objects.filter(code="R0").exists()
    created = client.post(
        "/beheer/opvolging/routering/nieuw",
        {
            "code": "R0",
            "name": "Arbeidsuitbuiting eerst naar EMM",
            "position": 1,
            "active": "on",
            "exploitation_types": [],
            "target_kind": "organisation",
            "target_organisation": chain.emm.pk,
        },
    )
    assert created.status_code == 302
    signal = register(chain.coa_frontline, kind="hard", exploitation_type_codes=("labour",))
    referral = signal_route(signal_id=signal.pk)
    assert referral is not None and referral.to_organisation == chain.emm
    assert referral.reason.startswith("rule R0:")
    configured = AuditEvent.objects.filter(action="configure", object_type="routing_rule")
    assert configured.count() == 1
    # Deadline policy: fewer days to an outcome than to acknowledge is refused.
    refused = client.post(
        "/beheer/opvolging/termijnen/nieuw",
        {"organisation": chain.emm.pk, "acknowledge_days": 5, "outcome_days": 2},
    )
    assert refused.status_code == 400 and not DeadlinePolicy.objects.exists()
    assert (
        client.post(
            "/beheer/opvolging/termijnen/nieuw",
            {"organisation": chain.emm.pk, "acknowledge_days": 2, "outcome_days": 15},
        ).status_code
        == 302
    )
    # Everyone else: the pages do not exist.
    assert _client(chain.coa_coordinator).get("/beheer/opvolging").status_code == 404


# -- deadline figures ------------------------------------------------------------------------


def test_deadline_figures_count_in_working_days_per_receiving_body(chain: Chain) -> None:
    referrals = []
    for _ in range(3):
        signal = register(chain.coa_frontline, kind="hard", exploitation_type_codes=("sexual",))
        referral = signal_route(signal_id=signal.pk)
        assert referral is not None
        referrals.append(referral)
    # Sent on Friday 2026-04-24; King's Day (Monday 27 April) is no working day.
    sent = timezone.make_aware(dt.datetime(2026, 4, 24, 10))
    Referral.objects.filter(pk__in=[r.pk for r in referrals]).update(
        sent_at=sent, acknowledge_due=dt.date(2026, 4, 29), outcome_due=dt.date(2026, 5, 22)
    )
    police = chain.avim_investigator
    acknowledged_on = (dt.date(2026, 4, 28), dt.date(2026, 5, 1))
    for referral, ack_day in zip(referrals[:2], acknowledged_on, strict=True):
        referral_transition(
            actor=police,
            context=TEST_CONTEXT,
            referral_id=referral.pk,
            step=Step(to="acknowledged"),
        )
        Referral.objects.filter(pk=referral.pk).update(
            acknowledged_at=timezone.make_aware(dt.datetime.combine(ack_day, dt.time(9)))
        )
    monitor = make_actor(Role.NATIONAL_MONITOR, username="monitor")
    rows = sla_rows(
        actor=monitor, context=TEST_CONTEXT, since=dt.date(2026, 1, 1), until=dt.date(2026, 12, 31)
    )
    assert rows is not None
    (row,) = rows
    assert row.organisation == chain.avim and row.received == 3 and row.open == 3
    # 28 April is the first working day after the 24th (weekend, King's Day): 1 day, in
    # time; 1 May is the fourth (5 May is later): late.
    assert row.median_days_to_acknowledge == 2.5
    assert row.acknowledged_in_time == 0.5
    assert row.overdue_acknowledge == 1  # the third was never acknowledged
    # Another period holds none of them; frontline staff get no figures at all.
    assert (
        sla_rows(
            actor=monitor,
            context=TEST_CONTEXT,
            since=dt.date(2025, 1, 1),
            until=dt.date(2025, 12, 31),
        )
        == []
    )
    assert sla_rows(actor=chain.coa_frontline, context=TEST_CONTEXT) is None
    page = _client(monitor).get("/doorverwijzingen/termijnen?period=2026")
    assert page.status_code == 200 and "AVIM Noord-Nederland" in page.content.decode()
    assert _client(monitor).get("/doorverwijzingen/termijnen?period=1999").status_code == 400


def test_the_inbox_marks_messages_read(chain: Chain) -> None:
    signal = register(chain.coa_frontline, kind="hard", exploitation_type_codes=("sexual",))
    signal_route(signal_id=signal.pk)
    police = _client(chain.avim_investigator)
    assert Message.objects.filter(user_id=chain.avim_investigator.user_id, read_at=None).exists()
    assert police.post("/postvak").status_code == 302
    assert not Message.objects.filter(
        user_id=chain.avim_investigator.user_id, read_at=None
    ).exists()


def test_the_reporter_adds_information_and_a_closed_referral_reopens(chain: Chain) -> None:
    referral = _closed_referral(chain, "Te weinig aanknopingspunten.")
    police = chain.avim_investigator
    reporter = _client(chain.coa_frontline)
    url = f"/doorverwijzingen/{referral.pk}"
    empty = reporter.post(url, {"action": "information", "information": " "})
    assert empty.status_code == 400 and 'id="id_information_error"' in empty.content.decode()
    sent = reporter.post(
        url, {"action": "information", "information": "Zij noemt nu een adres in Emmen."}
    )
    assert sent.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "in_assessment" and referral.closed_at is None
    assert Message.objects.filter(event_type="referral.reopened", user_id=police.user_id).exists()
    # The receiving body moves it on; an outsider cannot add anything.
    assert "id_information" not in _client(police).get(url).content.decode()
    outsider = _client(chain.emm_investigator)
    assert outsider.post(url, {"action": "information", "information": "x"}).status_code == 404


def test_only_the_bodies_involved_record_victim_track_steps(chain: Chain) -> None:
    """The reporter, the body that received the referral and (for minors) Nidos record
    steps; a partner who merely sees the signal through a group reads the track only."""
    group = _group(chain, chain.coa, chain.ind)
    signal = register(
        chain.coa_frontline,
        kind="hard",
        exploitation_type_codes=("sexual",),
        distribution="group",
        sharing_group=group.code,
        legal_basis="avg-6-1-e",
    )
    signal_route(signal_id=signal.pk)
    track = VictimTrack.objects.get(subject__signal=signal)
    ind = _client(chain.ind_frontline)
    page = ind.get(f"/signalen/{signal.pk}").content.decode()
    assert f"track-{track.pk}" in page
    assert f"/slachtofferspoor/{track.pk}/bedenktijd" not in page
    assert (
        ind.post(f"/slachtofferspoor/{track.pk}/bedenktijd", {"start": "2026-01-05"}).status_code
        == 404
    )
    track.refresh_from_db()
    assert track.reflection_start is None


def test_a_resident_is_reported_missing_once_a_day(chain: Chain) -> None:
    resident = resident_register(
        actor=chain.coa_frontline,
        context=TEST_CONTEXT,
        location_id=chain.ter_apel.pk,
        given_name="Sara",
        family_name="Tesfaye",
    )
    coa = _client(chain.coa_frontline)
    assert coa.post(f"/personen/{resident.pk}/vertrokken").status_code == 302
    again = coa.post(f"/personen/{resident.pk}/vertrokken", follow=True)
    assert "Already reported" in again.content.decode()
    assert resident.missing_reports.count() == 1
    # An investigator has no attention list: no form either.
    assert (
        _client(chain.avim_investigator).get(f"/personen/{resident.pk}/vertrokken").status_code
        == 404
    )


def test_reopening_restarts_the_outcome_clock(chain: Chain) -> None:
    referral = _closed_referral(chain, "Niets gevonden.")
    police = chain.avim_investigator
    long_ago = timezone.now() - dt.timedelta(days=90)
    Referral.objects.filter(pk=referral.pk).update(
        outcome_due=long_ago.date(), outcome_escalated_at=long_ago
    )
    referral_transition(
        actor=police,
        context=TEST_CONTEXT,
        referral_id=referral.pk,
        step=Step(to="in_assessment", note="Nieuwe verklaring ontvangen."),
    )
    referral.refresh_from_db()
    assert referral.outcome_due > timezone.localdate()
    assert referral.outcome_escalated_at is None


def test_a_case_finds_signals_by_reference_in_any_case_and_format(chain: Chain) -> None:
    from ketenzicht.followup.cases import signals_by_reference

    first, second = register(chain.coa_frontline), register(chain.coa_frontline)
    found = signals_by_reference(
        chain.coa_coordinator, f" {first.reference.lower()};\n{second.reference},{first.reference}"
    )
    assert found == [first, second]


def test_every_reporter_of_a_joint_analysis_follows_it(
    chain: Chain, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        mine = register(chain.coa_frontline, kind="soft")
        theirs = register(chain.ind_frontline, kind="soft")
    joint = Referral.objects.get(kind="joint_analysis")
    contributors = {joint.from_organisation_id, chain.coa.pk, chain.ind.pk}
    assert len(contributors) == 2  # one of the two sent it, both contributed
    for actor in (chain.coa_frontline, chain.ind_frontline):
        client = _client(actor)
        page = client.get(f"/doorverwijzingen/{joint.pk}")
        assert page.status_code == 200
        # Each sees its own signal; the other's only as far as it was shared.
        own = mine if actor is chain.coa_frontline else theirs
        assert f"/signalen/{own.pk}" in page.content.decode()
        assert joint.reference in client.get("/postvak").content.decode()
    # An organisation that contributed nothing does not see it.
    assert _client(chain.kmar_frontline).get(f"/doorverwijzingen/{joint.pk}").status_code == 404
