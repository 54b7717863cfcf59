"""The retention purge on the real database: what is due goes, what is not stays, every run
leaves purge events in an intact audit chain."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.checks import run_checks
from django.core.management import call_command
from django.utils import timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import Organisation
from ketenzicht.api.models import IdempotencyKey
from ketenzicht.audit.models import Action, AuditEvent, Purpose
from ketenzicht.audit.services import audit_chain_link_pending
from ketenzicht.audit.verify import audit_chain_verify
from ketenzicht.common.context import Context
from ketenzicht.followup.models import Case, MissingReport, Referral, ReferralEvent, ReferralStatus
from ketenzicht.followup.services import referral_open
from ketenzicht.persons.hit_services import records_index
from ketenzicht.persons.models import HitNotice, IndexEntry, PersonRecord
from ketenzicht.privacy import purge
from ketenzicht.privacy.purge import retention_purge
from ketenzicht.privacy.retention import Category
from ketenzicht.signals.factories import TEST_CONTEXT, register, signal_input
from ketenzicht.signals.intake import SubjectInput
from ketenzicht.signals.models import Signal, SignalRevision, Subject
from ketenzicht.signals.services import signal_update

CONTEXT = Context(channel="test")
NOW = timezone.now()
LONG_AGO = NOW - dt.timedelta(days=800)  # past the default two years for soft signals
RECENT = NOW - dt.timedelta(days=30)


def age(signal: Signal, when: dt.datetime) -> Signal:
    Signal.objects.filter(pk=signal.pk).update(updated_at=when, received_at=when)
    return Signal.objects.get(pk=signal.pk)


def refer(signal: Signal, actor: Actor, to: Organisation, closed: dt.datetime | None) -> Referral:
    referral = referral_open(
        actor=actor,
        context=CONTEXT,
        kind="routed",
        signals=[signal],
        to_organisation=to,
        from_organisation_id=actor.organisation_id or 0,
        reason="Arbeidsuitbuiting bij Senait Tesfay, kas in Ter Apel",
    )
    if closed is not None:
        # Sealed fields are written through their row (ADR 0021), so save, not update().
        referral.status, referral.closed_at = ReferralStatus.CLOSED, closed
        referral.outcome = "investigation"
        referral.outcome_reason = "Zaak Tesfay in onderzoek genomen"
        referral.feedback = "Dank, Senait Tesfay is gehoord"
        referral.save()
        for event in ReferralEvent.objects.filter(referral=referral):
            event.note = "Gesprek met Tesfay"
            event.save(update_fields=["note"])
    return referral


def purge_events() -> list[dict[str, Any]]:
    return [
        e.detail
        for e in AuditEvent.objects.filter(action=Action.PURGE, purpose=Purpose.RETENTION).order_by(
            "id"
        )
    ]


def test_an_old_soft_signal_without_follow_up_is_anonymised(reporter: Actor) -> None:
    old = age(register(reporter), LONG_AGO)
    signal_update_revision(reporter, old)
    record_id = old.subjects.get().record_id
    recent = age(register(reporter, narrative="Recente zorg over Amanuel."), RECENT)

    results = {r.category: r.count for r in retention_purge(context=CONTEXT, now=NOW)}

    assert results[Category.SOFT_SIGNALS] == 1
    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert (old.narrative, old.source_reference, old.legal_basis_note) == ("", "", "")
    assert not Subject.objects.filter(signal=old).exists()
    assert not SignalRevision.objects.filter(signal=old).exists()
    assert not PersonRecord.objects.filter(pk=record_id).exists()
    assert not IndexEntry.objects.filter(record_id=record_id).exists()
    # What the monitor counts is still there.
    assert (old.kind, old.municipality_id, old.observed_on) == (
        "soft",
        "GM1950",
        dt.date(2026, 3, 1),
    )
    assert list(old.exploitation_types.values_list("code", flat=True)) == ["labour"]
    assert old.indicators.count() == 2
    recent.refresh_from_db()
    assert recent.anonymised_at is None and recent.narrative.startswith("Recente")
    assert recent.subjects.count() == 1


def signal_update_revision(actor: Actor, signal: Signal) -> None:
    """An edit leaves a revision with the old narrative: it must go too."""
    signal_update(
        actor=actor,
        context=TEST_CONTEXT,
        signal_id=signal.pk,
        data=signal_input(narrative="Aangevuld: Senait werkt ook in het weekend."),
        expected_version=signal.version,
    )
    Signal.objects.filter(pk=signal.pk).update(updated_at=LONG_AGO)
    assert SignalRevision.objects.filter(signal=signal).exists()


def test_soft_signals_that_led_somewhere_are_kept(
    reporter: Actor, colleague: Actor, police: Organisation
) -> None:
    referred = age(register(reporter), LONG_AGO)
    refer(referred, reporter, police, closed=None)
    in_case = age(register(reporter), LONG_AGO)
    case = Case.objects.create(name="Kassen Ter Apel", organisation_id=colleague.organisation_id)
    case.signals.add(in_case)
    hard = age(register(reporter, kind="hard"), LONG_AGO)

    retention_purge(context=CONTEXT, now=NOW)

    for signal in (referred, in_case, hard):
        signal.refresh_from_db()
        assert signal.anonymised_at is None, signal
        assert signal.narrative


def test_signals_whose_referrals_closed_long_ago_are_anonymised(
    reporter: Actor, police: Organisation
) -> None:
    long_closed = register(reporter, kind="hard")
    referral = refer(long_closed, reporter, police, closed=NOW - dt.timedelta(days=6 * 365))
    recently_closed = register(reporter, kind="hard")
    refer(recently_closed, reporter, police, closed=NOW - dt.timedelta(days=100))
    one_still_open = register(reporter, kind="hard")
    refer(one_still_open, reporter, police, closed=NOW - dt.timedelta(days=6 * 365))
    refer(one_still_open, reporter, police, closed=None)

    results = {r.category: r.count for r in retention_purge(context=CONTEXT, now=NOW)}

    assert results[Category.CLOSED_REFERRALS] == 1
    long_closed.refresh_from_db()
    assert long_closed.anonymised_at is not None and long_closed.narrative == ""
    referral.refresh_from_db()
    # The deadline figures keep status, dates and outcome; the text that names a person goes.
    assert (referral.status, referral.outcome) == (ReferralStatus.CLOSED, "investigation")
    assert (referral.reason, referral.outcome_reason, referral.feedback) == ("", "", "")
    assert set(ReferralEvent.objects.filter(referral=referral).values_list("note", flat=True)) == {
        ""
    }
    for kept in (recently_closed, one_still_open):
        kept.refresh_from_db()
        assert kept.anonymised_at is None and kept.subjects.exists()


def test_a_person_record_another_signal_or_a_missing_report_needs_is_kept(
    reporter: Actor,
) -> None:
    old = age(register(reporter), LONG_AGO)
    record = old.subjects.get().record
    newer = register(reporter, narrative="Nieuw signaal over dezelfde persoon.")
    Subject.objects.create(signal=newer, record=record, role="presumed_victim")
    missing_old = age(
        register(
            reporter,
            subjects=(
                SubjectInput(role="presumed_victim", given_name="Yonas", family_name="Haile"),
            ),
        ),
        LONG_AGO,
    )
    missing_record = missing_old.subjects.get().record
    MissingReport.objects.create(record=missing_record, flagged_minor=True)

    retention_purge(context=CONTEXT, now=NOW)

    assert PersonRecord.objects.filter(pk=record.pk).exists()
    assert PersonRecord.objects.filter(pk=missing_record.pk).exists()
    assert Signal.objects.get(pk=old.pk).anonymised_at is not None
    assert Signal.objects.get(pk=missing_old.pk).anonymised_at is not None


def test_old_hit_notices_and_retry_keys_are_deleted(reporter: Actor, outsider: Actor) -> None:
    ours, theirs = register(reporter), register(outsider)
    records_index(
        record_ids=[ours.subjects.get().record_id, theirs.subjects.get().record_id],
        context=CONTEXT,
    )
    notices = list(HitNotice.objects.order_by("pk"))
    assert len(notices) == 2
    HitNotice.objects.filter(pk=notices[0].pk).update(created_at=NOW - dt.timedelta(days=400))
    old_key = IdempotencyKey.objects.create(
        organisation_id=reporter.organisation_id, key="a", request_digest="0" * 64, signal=ours
    )
    IdempotencyKey.objects.filter(pk=old_key.pk).update(created_at=NOW - dt.timedelta(hours=25))
    IdempotencyKey.objects.create(
        organisation_id=reporter.organisation_id, key="b", request_digest="0" * 64, signal=ours
    )

    results = {r.category: r.count for r in retention_purge(context=CONTEXT, now=NOW)}

    assert results[Category.HIT_NOTICES] == 1 and results[Category.IDEMPOTENCY_KEYS] == 1
    assert list(HitNotice.objects.values_list("pk", flat=True)) == [notices[1].pk]
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["b"]


def test_every_run_leaves_one_purge_event_per_category_and_the_chain_verifies(
    reporter: Actor, settings: Any
) -> None:
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "soft_signals": 100}
    age(register(reporter), NOW - dt.timedelta(days=101))
    age(register(reporter), NOW - dt.timedelta(days=99))
    audit_chain_link_pending()

    retention_purge(context=CONTEXT, now=NOW)
    retention_purge(context=CONTEXT, now=NOW)  # nothing left: still on record

    events = purge_events()
    assert [(e["category"], e["count"]) for e in events] == [
        ("soft_signals", 1),
        ("closed_referrals", 0),
        ("hit_notices", 0),
        ("idempotency_keys", 0),
        ("soft_signals", 0),
        ("closed_referrals", 0),
        ("hit_notices", 0),
        ("idempotency_keys", 0),
    ]
    assert events[0]["measure"] == "anonymise" and events[2]["measure"] == "delete"
    assert events[0]["cutoff"] == (NOW - dt.timedelta(days=100)).isoformat()
    audit_chain_link_pending()
    report = audit_chain_verify()
    assert report.intact and report.checked > 8, report.problems


def test_large_purges_go_in_batches_each_with_its_event(
    reporter: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(purge, "BATCH", 2)
    for _ in range(5):
        age(register(reporter), LONG_AGO)

    results = {r.category: r.count for r in retention_purge(context=CONTEXT, now=NOW)}

    assert results[Category.SOFT_SIGNALS] == 5
    counts = [e["count"] for e in purge_events() if e["category"] == "soft_signals"]
    assert counts == [2, 2, 1]
    assert not Signal.objects.filter(anonymised_at=None).exists()


def test_an_anonymised_signal_cannot_be_edited(reporter: Actor) -> None:
    signal = age(register(reporter), LONG_AGO)
    assert policy.may_edit_signal(reporter, signal)
    retention_purge(context=CONTEXT, now=NOW)
    signal.refresh_from_db()
    assert not policy.may_edit_signal(reporter, signal)
    assert not policy.editable_signals(reporter).filter(pk=signal.pk).exists()


def test_the_command_reports_per_category(reporter: Actor, capsys: Any) -> None:
    age(register(reporter), LONG_AGO)
    call_command("purge", "--explain", "eerste run na installatie")
    out = capsys.readouterr().out
    assert "soft_signals: anonymise 1" in out and "hit_notices: delete 0" in out
    assert (
        AuditEvent.objects.filter(
            action=Action.PURGE, explanation="eerste run na installatie", channel="cli"
        ).count()
        == 4
    )


@pytest.mark.parametrize("days", [0, -5, "30"])
def test_a_retention_period_that_is_not_a_positive_number_of_days_is_refused(
    settings: Any, days: object
) -> None:
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "hit_notices": days}
    errors = [e for e in run_checks() if e.id == "ketenzicht.E010"]
    assert len(errors) == 1 and "hit_notices" in errors[0].msg


# -- the rule as a property: for any mix of ages and follow-up, exactly the due signals go --

SHAPES = st.lists(
    st.tuples(
        st.sampled_from(["soft", "hard"]),
        st.integers(min_value=0, max_value=3000),  # days since the last change
        st.sampled_from([None, "open", "closed"]),  # referral
        st.integers(min_value=0, max_value=3000),  # days since it closed
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(shapes=SHAPES)
def test_exactly_the_signals_past_their_period_are_anonymised(
    shapes: list[tuple[str, int, str | None, int]], reporter: Actor, police: Organisation
) -> None:
    expected, made = {}, []
    for kind, changed, referral, closed in shapes:
        signal = age(register(reporter, kind=kind), NOW - dt.timedelta(days=changed))
        if referral is not None:
            refer(
                signal,
                reporter,
                police,
                closed=NOW - dt.timedelta(days=closed) if referral == "closed" else None,
            )
            Signal.objects.filter(pk=signal.pk).update(updated_at=NOW - dt.timedelta(days=changed))
        expected[signal.pk] = (kind == "soft" and referral is None and changed > 730) or (
            referral == "closed" and closed > 1825
        )
        made.append(signal.pk)

    retention_purge(context=CONTEXT, now=NOW)

    anonymised = dict(Signal.objects.filter(pk__in=made).values_list("pk", "anonymised_at"))
    assert {pk: anonymised[pk] is not None for pk in made} == expected
