"""Searching the signal list by reference, V-number or name (issue 20, item 10): through
the blind indexes, only over people the reader is shown, audited without the term."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketenzicht.accounts.actor import Actor
from ketenzicht.audit.models import AuditEvent
from ketenzicht.signals.factories import TEST_CONTEXT, register, signal_input
from ketenzicht.signals.selectors import SignalFilters, signal_list
from ketenzicht.signals.tests.test_views import logged_in

pytestmark = pytest.mark.django_db


def _found(actor: Actor, text: str) -> set[str]:
    page = signal_list(actor=actor, context=TEST_CONTEXT, filters=SignalFilters(search=text))
    return {row.signal.reference for row in page.items}


def _other_person(actor: Actor, **subject: object) -> str:
    base = signal_input().subjects[0]
    person = dataclasses.replace(
        base, given_name="Amanuel", family_name="Berhe", v_number="9876543210", phones=()
    )
    person = dataclasses.replace(person, **subject)
    return register(actor, subjects=(person,), source_reference="COA-2026-17").reference


def test_search_by_reference_v_number_and_name(reporter: Actor) -> None:
    first = register(reporter).reference
    second = _other_person(reporter)
    assert _found(reporter, first) == {first}
    assert _found(reporter, first.lower()[:6]) == {first}
    assert _found(reporter, "COA-2026-17") == {second}
    assert _found(reporter, "1234567890") == {first}
    assert _found(reporter, "98.7654.3210") == {second}
    assert _found(reporter, "tesfay") == {first}
    assert _found(reporter, "Berhe Amanuel") == {second}
    assert _found(reporter, "Tesfay Berhe") == set()
    assert _found(reporter, "nobody") == set()


def test_a_restricted_identity_is_not_found_by_another_organisation(
    reporter: Actor, outsider: Actor
) -> None:
    subject = dataclasses.replace(signal_input().subjects[0], restricted=True)
    shared = register(reporter, subjects=(subject,), distribution="chain")
    assert _found(outsider, shared.reference) == {shared.reference}
    assert _found(outsider, "Tesfay") == set()
    assert _found(outsider, "1234567890") == set()
    assert _found(reporter, "Tesfay") == {shared.reference}


def test_search_is_audited_with_what_it_showed_but_not_the_term(reporter: Actor) -> None:
    signal = register(reporter)
    page = logged_in(reporter).get("/signalen/", {"q": "Tesfay"}).content.decode()
    assert signal.reference in page
    event = AuditEvent.objects.filter(action="list", object_type="signal").latest("pk")
    assert event.detail["filters"] == {"search": "yes"}
    assert "Tesfay" not in str(event.detail)
    assert event.detail["rows"] == 1


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=40))
def test_any_search_text_is_answered_and_finds_only_visible_signals(
    reporter: Actor, outsider: Actor, text: str
) -> None:
    if not AuditEvent.objects.exists():
        register(reporter)
    assert _found(outsider, text) == set()
