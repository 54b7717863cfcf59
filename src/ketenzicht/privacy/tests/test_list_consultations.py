"""Lists and searches leave a trace per person (issue 19): a person shown among others is
consulted as much as one opened alone, and the subject access export says so."""

from __future__ import annotations

import datetime as dt

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.factories import make_actor
from ketenzicht.accounts.models import Organisation, Role, User
from ketenzicht.api.authentication import token_create
from ketenzicht.audit.models import Action, AuditEvent
from ketenzicht.common.context import Context
from ketenzicht.privacy.subject_access import subject_access_report
from ketenzicht.signals.factories import register
from ketenzicht.signals.intake import SubjectInput

pytestmark = pytest.mark.django_db
REQUEST = Context(channel="test", explanation="AVG-2026-0077")


def _victim(given: str, born: dt.date, v_number: str) -> SubjectInput:
    return SubjectInput(
        role="presumed_victim",
        given_name=given,
        family_name="Tesfay",
        date_of_birth=born,
        dob_precision="exact",
        nationality="ERI",
        v_number=v_number,
    )


def test_a_name_search_is_in_each_shown_persons_export(
    coa: Organisation, police: Organisation, reporter: Actor, outsider: Actor
) -> None:
    from django.test import Client

    # Two people of one family name at COA, shared with the chain: the police see both.
    records = []
    for given, born, v_number in (
        ("Senait", dt.date(2001, 5, 4), "1234567890"),
        ("Meron", dt.date(1998, 2, 11), "2345678901"),
    ):
        signal = register(
            reporter,
            distribution="chain",
            legal_basis="avg-6-1-e",
            subjects=(_victim(given, born, v_number),),
        )
        records.append(signal.subjects.get().record_id)

    token = token_create(user=User.objects.get(pk=outsider.user_id))
    api = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")
    response = api.get("/api/v1/persons?name=tesfay", HTTP_X_AUDIT_TOELICHTING="onderzoek")
    assert response.status_code == 200
    assert {item["id"] for item in response.json()["results"]} == {str(r) for r in records}

    officer = make_actor(Role.PRIVACY_OFFICER, coa, username="coa.privacy")
    search = AuditEvent.objects.get(action=Action.LIST, organisation=police.code)
    for record_id in records:
        report = subject_access_report(
            actor=officer, context=REQUEST, person_id=record_id, fmt="json"
        )
        assert report is not None
        by_police = [
            c
            for c in report["consultations"]
            if c["organisation"] == police.name and c["action"] == Action.LIST
        ]
        assert by_police == [
            {
                "at": search.occurred_at.isoformat(timespec="seconds"),
                "organisation": police.name,
                "action": "list",
                "purpose": search.purpose,
                "about": "person",
                "result": "ok",
            }
        ]
