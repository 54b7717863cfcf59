"""A data subject's request for access: the privacy officer finds the person's records and
exports everything the own organisation holds and who consulted it, as JSON and PDF."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.test import Client

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.factories import make_actor
from ketenzicht.accounts.models import Organisation, Role, User
from ketenzicht.audit.models import Action, AuditEvent, Purpose, Result
from ketenzicht.common.context import Context
from ketenzicht.persons.models import PersonCluster
from ketenzicht.persons.selectors import person_get
from ketenzicht.privacy.documents import as_pdf, report_html
from ketenzicht.privacy.subject_access import subject_access_report, subject_access_search
from ketenzicht.signals.factories import register
from ketenzicht.signals.intake import SubjectInput
from ketenzicht.signals.models import Signal
from ketenzicht.signals.selectors import signal_get

CONTEXT = Context(channel="test", explanation="AVG-2026-0042")


@pytest.fixture
def officer(coa: Organisation) -> Actor:
    return make_actor(Role.PRIVACY_OFFICER, coa, username="coa.privacy")


@pytest.fixture
def signal(reporter: Actor, colleague: Actor) -> Signal:
    """Senait's signal at COA, opened once by the reporter and once by a colleague."""
    signal = register(reporter)
    person_get(actor=reporter, context=CONTEXT, person_id=signal.subjects.get().record_id)
    signal_get(actor=colleague, context=CONTEXT, signal_id=signal.pk)
    return signal


def client_for(actor: Actor, language: str = "nl") -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=actor.user_id))
    client.cookies["django_language"] = language
    return client


def test_the_officer_finds_the_own_organisations_records_only(
    officer: Actor, signal: Signal, outsider: Actor
) -> None:
    register(outsider)  # the police hold a record of the same person: theirs to answer for
    ours = signal.subjects.get().record

    by_v_number = subject_access_search(actor=officer, context=CONTEXT, v_number="1234567890")
    by_name = subject_access_search(actor=officer, context=CONTEXT, family_name="TESFAY")
    with_birth = subject_access_search(
        actor=officer, context=CONTEXT, family_name="tesfay", date_of_birth=dt.date(2001, 5, 4)
    )
    wrong_birth = subject_access_search(
        actor=officer, context=CONTEXT, family_name="tesfay", date_of_birth=dt.date(2001, 5, 5)
    )

    assert by_v_number == by_name == with_birth == [ours]
    assert wrong_birth == []
    searches = AuditEvent.objects.filter(action=Action.LIST, purpose=Purpose.DATA_SUBJECT_RIGHTS)
    assert [e.detail["found"] for e in searches.order_by("id")] == [1, 1, 1, 0]


@pytest.mark.parametrize(
    "role", [Role.FRONTLINE, Role.COORDINATOR, Role.AUDITOR, Role.ADMINISTRATOR]
)
def test_other_roles_cannot_search_or_export(role: str, coa: Organisation, signal: Signal) -> None:
    actor = make_actor(role, coa, username=f"other-{role}")
    record_id = signal.subjects.get().record_id
    assert subject_access_search(actor=actor, context=CONTEXT, v_number="1234567890") is None
    assert (
        subject_access_report(actor=actor, context=CONTEXT, person_id=record_id, fmt="json") is None
    )
    client = client_for(actor)
    assert client.post("/privacy/inzageverzoeken", {"v_number": "1234567890"}).status_code == 404
    assert client.get(f"/privacy/inzageverzoeken/{record_id}").status_code == 404
    response = client.post(
        f"/privacy/inzageverzoeken/{record_id}", {"reference": "AVG-1", "fmt": "json"}
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action=Action.EXPORT, actor=actor.username, result=Result.DENIED
    ).exists()


def test_the_json_export_holds_the_data_and_who_consulted_it(
    officer: Actor, signal: Signal, outsider: Actor
) -> None:
    record = signal.subjects.get().record
    response = client_for(officer).post(
        f"/privacy/inzageverzoeken/{record.pk}", {"reference": "AVG-2026/0042", "fmt": "json"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="inzage-AVG-2026-0042.json"'
    assert response["Cache-Control"] == "no-store"
    report = json.loads(response.content)
    assert report["request"]["reference"] == "AVG-2026/0042"
    [person] = report["personRecords"]
    assert (person["givenName"], person["familyName"], person["vNumber"]) == (
        "Senait",
        "Tesfay",
        "1234567890",
    )
    assert person["identifiers"] == [{"kind": "phone", "value": "+31612345678"}]
    [named] = report["signals"]
    assert named["reference"] == signal.reference and named["role"] == "presumed_victim"
    assert named["narrative"] == signal.narrative
    seen = [(c["action"], c["about"], c["purpose"]) for c in report["consultations"]]
    assert ("create", "signal", "registration") in seen
    assert ("view", "person", "follow_up") in seen
    assert ("view", "signal", "follow_up") in seen
    assert {c["organisation"] for c in report["consultations"]} == {signal.organisation.name}
    # Staff names are not in the answer (C-579/21); the trail has them for the auditor.
    assert "reporter" not in response.content.decode().replace("reporter@", "")
    export = AuditEvent.objects.get(action=Action.EXPORT, purpose=Purpose.DATA_SUBJECT_RIGHTS)
    assert export.explanation == "AVG-2026/0042" and export.result == Result.OK
    assert export.detail == {
        "format": "json",
        "records": 1,
        "signals": 1,
        "consultations": len(seen),
    }


def test_the_export_covers_the_own_records_of_the_same_person_not_others(
    officer: Actor, reporter: Actor, outsider: Actor
) -> None:
    first = register(reporter)
    second = register(
        reporter,
        narrative="Tweede melding: Senait slaapt in de kas.",
        subjects=(SubjectInput(role="presumed_victim", given_name="Senayt", family_name="Tesfai"),),
    )
    police = register(outsider, narrative="Politie: Senait gezien bij een uitzendbureau.")
    cluster = PersonCluster.objects.create(id=7, size=3)
    for s in (first, second, police):
        record = s.subjects.get().record
        record.cluster = cluster
        record.save(update_fields=["cluster"])

    report = subject_access_report(
        actor=officer, context=CONTEXT, person_id=first.subjects.get().record_id, fmt="json"
    )

    assert report is not None
    assert {r["familyName"] for r in report["personRecords"]} == {"Tesfay", "Tesfai"}
    assert {s["reference"] for s in report["signals"]} == {first.reference, second.reference}
    assert "Politie" not in json.dumps(report)
    # The police record is not the officer's to export.
    assert (
        subject_access_report(
            actor=officer, context=CONTEXT, person_id=police.subjects.get().record_id, fmt="json"
        )
        is None
    )


def test_the_pdf_is_a_letter_in_the_officers_language(officer: Actor, signal: Signal) -> None:
    record_id = signal.subjects.get().record_id
    response = client_for(officer).post(
        f"/privacy/inzageverzoeken/{record_id}", {"reference": "AVG-7", "fmt": "pdf"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and response.content.rstrip().endswith(b"%%EOF")

    from django.utils import translation

    report = subject_access_report(actor=officer, context=CONTEXT, person_id=record_id, fmt="pdf")
    assert report is not None
    with translation.override("nl"):
        html = report_html(report)
    assert "Uw persoonsgegevens bij" in html and "Senait Tesfay" in html
    assert "vermoedelijk slachtoffer" in html  # the role in words, not a code
    assert signal.narrative.replace("'", "&#x27;") in html
    assert "Autoriteit Persoonsgegevens" in html
    assert as_pdf(report).startswith(b"%PDF-")


def test_an_anonymised_signal_says_so_instead_of_a_narrative(
    officer: Actor, reporter: Actor
) -> None:
    from django.utils import timezone

    kept = register(reporter)
    record = kept.subjects.get().record
    gone = register(reporter, narrative="Oude zorg, inmiddels verlopen.")
    gone.subjects.update(record=record)
    Signal.objects.filter(pk=gone.pk).update(narrative="", anonymised_at=timezone.now())

    report = subject_access_report(actor=officer, context=CONTEXT, person_id=record.pk, fmt="json")
    assert report is not None
    anonymised = [s for s in report["signals"] if s["anonymisedAt"]]
    assert [s["reference"] for s in anonymised] == [gone.reference]
    assert "Removed when the retention period ended." in report_html(report)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"fmt": "json"}, "reference", "Geef het kenmerk van het verzoek."),
        ({"reference": "AVG-1", "fmt": "docx"}, "fmt", "Selecteer een geldige keuze."),
    ],
)
def test_a_bad_export_form_says_what_is_wrong_and_exports_nothing(
    officer: Actor, signal: Signal, data: dict[str, Any], field: str, message: str
) -> None:
    record_id = signal.subjects.get().record_id
    response = client_for(officer).post(f"/privacy/inzageverzoeken/{record_id}", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_the_search_page_explains_bad_input_and_shows_the_retention_periods(
    officer: Actor, signal: Signal
) -> None:
    client = client_for(officer)
    empty = client.post("/privacy/inzageverzoeken", {"family_name": ""})
    assert (
        empty.status_code == 400
        and "Geef een V-nummer of een achternaam." in empty.content.decode()
    )
    short = client.post("/privacy/inzageverzoeken", {"v_number": "123"})
    assert short.status_code == 400 and "Een V-nummer heeft tien cijfers." in short.content.decode()
    found = client.post("/privacy/inzageverzoeken", {"v_number": "1234567890"})
    page = found.content.decode()
    assert found.status_code == 200 and "Senait Tesfay" in page
    assert f"/privacy/inzageverzoeken/{signal.subjects.get().record_id}" in page
    assert "Bewaartermijnen" in page and "730" in page
    english = client_for(officer, "en").get("/privacy/inzageverzoeken")
    assert "Retention periods in force" in english.content.decode()


def test_the_officer_lands_on_the_requests_page(officer: Actor) -> None:
    response = client_for(officer).get("/")
    assert response.status_code == 302 and response["Location"] == "/privacy/inzageverzoeken"
