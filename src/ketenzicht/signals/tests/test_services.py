from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.factories import make_actor
from ketenzicht.accounts.models import Role
from ketenzicht.audit.models import AuditEvent
from ketenzicht.persons.models import PersonIdentifier, PersonRecord
from ketenzicht.signals.factories import TEST_CONTEXT, register, signal_input
from ketenzicht.signals.intake import SubjectInput
from ketenzicht.signals.models import Signal, SignalRevision, Subject
from ketenzicht.signals.services import signal_update

pytestmark = pytest.mark.django_db


def test_register_saves_signal_subjects_indicators_and_one_audit_event(reporter: Actor) -> None:
    signal = register(reporter)
    stored = Signal.objects.get(pk=signal.pk)
    assert stored.organisation_id == reporter.organisation_id
    assert stored.kind == "soft"
    assert sorted(stored.indicators.values_list("code", flat=True)) == ["AL-DR-S01", "AL-EX-M01"]
    assert list(stored.exploitation_types.values_list("code", flat=True)) == ["labour"]
    subject = Subject.objects.get(signal=stored)
    assert subject.role == "presumed_victim"
    assert subject.record.v_number == "1234567890"
    assert [i.value for i in subject.record.identifiers.all()] == ["+31612345678"]
    events = AuditEvent.objects.filter(action="create", object_type="signal")
    assert events.count() == 1
    event = events.get()
    assert (event.actor, event.organisation, event.purpose, event.result) == (
        "reporter",
        "coa-test",
        "registration",
        "ok",
    )


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"observed_on": dt.date.today() + dt.timedelta(days=2)}, "observed_on"),
        ({"municipality_code": "GM9999"}, "municipality"),
        ({"exploitation_type_codes": ()}, "exploitation_types"),
        ({"exploitation_type_codes": ("slavery",)}, "exploitation_types"),
        ({"indicator_codes": ("XX-NOPE",)}, "indicators"),
        ({"narrative": "   "}, "narrative"),
    ],
)
def test_invalid_input_names_the_field_and_saves_nothing(
    reporter: Actor, override: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        register(reporter, **override)
    assert field in caught.value.message_dict
    assert Signal.objects.count() == 0
    assert PersonRecord.objects.count() == 0
    assert AuditEvent.objects.filter(action="create").count() == 0


@pytest.mark.parametrize(
    "role", [Role.AUDITOR, Role.NATIONAL_MONITOR, Role.ADMINISTRATOR, Role.MUNICIPAL_ANALYST]
)
def test_roles_without_a_reporting_task_cannot_register(role: str) -> None:
    with pytest.raises(PermissionDenied):
        register(make_actor(role))
    assert Signal.objects.count() == 0


def test_failing_audit_write_fails_the_registration(reporter: Actor) -> None:
    """If the audit insert fails, the action fails and nothing is saved (a real DB error)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION kz_fail() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'audit store unavailable'; END; $$ LANGUAGE plpgsql;"
                "CREATE TRIGGER kz_fail BEFORE INSERT ON audit_auditevent "
                "FOR EACH ROW EXECUTE FUNCTION kz_fail();"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER kz_fail BEFORE INSERT ON audit_auditevent "
                "BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END;"
            )
    with pytest.raises(Exception, match="audit store unavailable"):
        register(reporter)
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER kz_fail"
            + (" ON audit_auditevent" if connection.vendor == "postgresql" else "")
        )
    assert Signal.objects.count() == 0
    assert PersonRecord.objects.count() == 0
    assert PersonIdentifier.objects.count() == 0


def test_update_keeps_a_revision_with_old_and_new_values(reporter: Actor) -> None:
    signal = register(reporter)
    data = signal_input(kind="hard", indicator_codes=("AL-DR-S01",), narrative="Nieuw beeld.")
    subject = Subject.objects.get(signal=signal)
    changed = signal_update(
        actor=reporter,
        context=TEST_CONTEXT,
        signal_id=signal.pk,
        expected_version=1,
        data=data,
        subject_updates=[
            (
                subject.pk,
                SubjectInput(role="presumed_victim", given_name="Senayt", family_name="Tesfay"),
            )
        ],
        new_subjects=[SubjectInput(role="presumed_perpetrator", family_name="X")],
    )
    assert changed.version == 2
    revision = SignalRevision.objects.get(signal=signal)
    assert revision.changes["kind"] == ["soft", "hard"]
    assert revision.changes["indicators"] == [["AL-DR-S01", "AL-EX-M01"], ["AL-DR-S01"]]
    assert revision.changes[f"subject{subject.pk}.given_name"] == ["Senait", "Senayt"]
    assert Subject.objects.filter(signal=signal).count() == 2
    update_event = AuditEvent.objects.get(action="update")
    assert "kind" in update_event.detail["fields"]
    # The audit trail holds field names, never the content.
    assert "Senayt" not in str(update_event.detail)


def test_update_from_a_stale_version_is_refused(reporter: Actor, colleague: Actor) -> None:
    signal = register(reporter)
    signal_update(
        actor=colleague,
        context=TEST_CONTEXT,
        signal_id=signal.pk,
        expected_version=1,
        data=signal_input(kind="hard"),
    )
    with pytest.raises(ValidationError, match="Someone else"):
        signal_update(
            actor=reporter,
            context=TEST_CONTEXT,
            signal_id=signal.pk,
            expected_version=1,
            data=signal_input(narrative="Mijn versie"),
        )
    assert Signal.objects.get(pk=signal.pk).narrative != "Mijn versie"


def test_other_organisations_cannot_update(reporter: Actor, outsider: Actor) -> None:
    signal = register(reporter)
    with pytest.raises(Signal.DoesNotExist):
        signal_update(
            actor=outsider,
            context=TEST_CONTEXT,
            signal_id=signal.pk,
            expected_version=1,
            data=signal_input(kind="hard"),
        )
