"""Combined soft signals open one joint-analysis referral, never two; the victim track's
clocks, the CoMensha legal basis, minors to Nidos and the missing-minor alert."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.core.exceptions import ValidationError

import pytest

from ketenzicht.followup.models import Referral, VictimTrack
from ketenzicht.followup.services import signal_route
from ketenzicht.followup.victims import comensha_register, reflection_offer, resident_missing
from ketenzicht.notifications.models import Message
from ketenzicht.persons.services import resident_register
from ketenzicht.signals.factories import TEST_CONTEXT, register, signal_input

from .conftest import Chain

pytestmark = pytest.mark.django_db


def test_three_soft_signals_from_two_organisations_make_one_joint_referral(
    chain: Chain, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        first = register(chain.coa_frontline, kind="soft")
        second = register(chain.ind_frontline, kind="soft")
    # Two organisations, the same phone: rule C2 already combines them; C1 needs three.
    phone = Referral.objects.get(kind="joint_analysis")
    assert phone.combination_rule.code == "C2"  # type: ignore[union-attr]
    assert set(phone.signals.values_list("pk", flat=True)) == {first.pk, second.pk}
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        third = register(chain.coa_frontline, kind="soft")
    joint = Referral.objects.filter(kind="joint_analysis")
    # One referral per rule, never a second for the same combination.
    assert joint.filter(combination_rule__code="C2").count() == 1
    person = joint.get(combination_rule__code="C1")
    assert person.to_organisation == chain.emm
    assert set(person.signals.values_list("pk", flat=True)) == {first.pk, second.pk, third.pk}
    assert "3 soft signals" in person.reason and first.reference in person.reason
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        fourth = register(chain.ind_frontline, kind="soft")
    assert joint.filter(combination_rule__code="C1").count() == 1
    assert fourth in person.signals.all()
    assert Message.objects.filter(event_type="referral.updated").exists()


def test_a_closed_combination_is_not_referred_again_but_reopens_on_new_signals(
    chain: Chain, django_capture_on_commit_callbacks: object
) -> None:
    from ketenzicht.followup.combinations import combinations_evaluate
    from ketenzicht.followup.services import referral_transition
    from ketenzicht.followup.workflow import Step

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        first = register(chain.coa_frontline, kind="soft")
        second = register(chain.ind_frontline, kind="soft")
    phone = Referral.objects.get(kind="joint_analysis", combination_rule__code="C2")
    emm = chain.emm_investigator
    for step in (
        Step(to="acknowledged"),
        Step(to="closed", outcome="no_further_action", feedback="Geen aanknopingspunten."),
    ):
        referral_transition(actor=emm, context=TEST_CONTEXT, referral_id=phone.pk, step=step)
    # Evaluating the same signals again changes nothing: no second referral.
    assert combinations_evaluate(signal_ids=[first.pk, second.pk]) == 0
    assert Referral.objects.filter(combination_rule__code="C2").count() == 1
    # A new signal in the combination is new information: the closed referral reopens.
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        third = register(chain.coa_frontline, kind="soft")
    assert Referral.objects.filter(combination_rule__code="C2").count() == 1
    phone.refresh_from_db()
    assert phone.status == "in_assessment" and third in phone.signals.all()
    assert phone.events.last().note.startswith("combined with")  # type: ignore[union-attr]
    assert Message.objects.filter(event_type="referral.reopened", organisation=chain.emm).exists()


def test_a_minor_goes_to_nidos_with_protected_reception(chain: Chain) -> None:
    child = dataclasses.replace(
        signal_input().subjects[0], date_of_birth=dt.date(2012, 2, 2), dob_precision="exact"
    )
    signal = register(
        chain.coa_frontline,
        kind="hard",
        exploitation_type_codes=("sexual",),
        subjects=(child,),
        observed_on=dt.date(2026, 3, 1),
    )
    signal_route(signal_id=signal.pk)
    track = VictimTrack.objects.get()
    assert track.minor and track.protected_reception and track.nidos_notified_at
    alert = Message.objects.get(user_id=chain.nidos_frontline.user_id)
    assert alert.urgent and signal.reference in alert.title
    from ketenzicht.signals.selectors import signal_get

    assert signal_get(actor=chain.nidos_frontline, context=TEST_CONTEXT, signal_id=signal.pk)


def test_reflection_period_and_comensha_basis(chain: Chain) -> None:
    signal = register(chain.coa_frontline, kind="hard", exploitation_type_codes=("sexual",))
    signal_route(signal_id=signal.pk)
    track = VictimTrack.objects.get()
    assert not track.minor
    police = chain.avim_investigator
    offered = reflection_offer(
        actor=police, context=TEST_CONTEXT, track_id=track.pk, start=dt.date(2026, 1, 31)
    )
    assert offered is not None and offered.reflection_end == dt.date(2026, 4, 30)
    dublin = reflection_offer(
        actor=police,
        context=TEST_CONTEXT,
        track_id=track.pk,
        start=dt.date(2026, 1, 31),
        dublin=True,
    )
    assert dublin is not None and dublin.reflection_end == dt.date(2026, 3, 2)
    # COA may register only with recorded written consent; the police by law.
    with pytest.raises(ValidationError) as error:
        comensha_register(actor=chain.coa_frontline, context=TEST_CONTEXT, track_id=track.pk)
    assert "consent_note" in error.value.message_dict
    by_consent = comensha_register(
        actor=chain.coa_frontline,
        context=TEST_CONTEXT,
        track_id=track.pk,
        consent_note="Schriftelijke toestemming 12-03-2026, alleen voor registratie",
    )
    assert by_consent is not None and by_consent.comensha_basis == "consent"
    # Registered once: a second registration (a double click, another tab) is refused.
    with pytest.raises(ValidationError):
        comensha_register(actor=police, context=TEST_CONTEXT, track_id=track.pk)
    other = register(chain.coa_frontline, kind="hard", exploitation_type_codes=("sexual",))
    signal_route(signal_id=other.pk)
    other_track = VictimTrack.objects.get(subject__signal=other)
    by_law = comensha_register(actor=police, context=TEST_CONTEXT, track_id=other_track.pk)
    assert by_law is not None and by_law.comensha_basis == "law"
    # Someone who does not see the signal cannot touch its track.
    assert (
        reflection_offer(
            actor=chain.emm_investigator,
            context=TEST_CONTEXT,
            track_id=track.pk,
            start=dt.date(2026, 1, 1),
        )
        is None
    )


def test_a_flagged_minor_who_goes_missing_alerts_everyone_at_once(
    chain: Chain, django_capture_on_commit_callbacks: object
) -> None:
    child = dataclasses.replace(
        signal_input().subjects[0], date_of_birth=dt.date(2011, 6, 1), dob_precision="exact"
    )
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        resident = resident_register(
            actor=chain.coa_frontline,
            context=TEST_CONTEXT,
            location_id=chain.ter_apel.pk,
            given_name=child.given_name,
            family_name=child.family_name,
            v_number=child.v_number,
            date_of_birth=child.date_of_birth,
            dob_precision="exact",
        )
        signal = register(
            chain.ind_frontline,
            kind="hard",
            exploitation_type_codes=("criminal",),
            subjects=(child,),
        )
    assert Referral.objects.filter(signal=signal).exists()  # routed after commit
    report = resident_missing(
        actor=chain.coa_frontline, context=TEST_CONTEXT, record_id=resident.pk
    )
    assert report is not None and report.flagged_minor
    assert set(report.alerted) == {"nidos", "avim-noord-nederland", "ind"}
    urgent = Message.objects.filter(event_type="victim.missing_minor", urgent=True)
    assert set(urgent.values_list("organisation__code", flat=True)) == {
        "nidos",
        "avim-noord-nederland",
        "ind",
    }
    # Another organisation cannot report COA's residents missing.
    assert (
        resident_missing(actor=chain.ind_frontline, context=TEST_CONTEXT, record_id=resident.pk)
        is None
    )
