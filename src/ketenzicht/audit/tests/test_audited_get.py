"""The one audited look-up every selector and service uses: what it returns and what it
leaves on record for a row found, a row not found, and a key that is no valid id."""

from __future__ import annotations

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.factories import OrganisationFactory, make_actor
from ketenzicht.accounts.models import Organisation, Role
from ketenzicht.audit.chain import object_ref
from ketenzicht.audit.models import AuditEvent, Result
from ketenzicht.audit.services import audited_get
from ketenzicht.signals.factories import TEST_CONTEXT

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor() -> Actor:
    return make_actor(Role.COORDINATOR, OrganisationFactory(code="lookup"), username="looker")


def _get(actor: Actor, key: object, **options: object) -> Organisation | None:
    return audited_get(
        Organisation.objects.filter(code__startswith="seen"),
        key,
        actor=actor,
        context=TEST_CONTEXT,
        action="view",
        purpose="follow_up",
        object_type="organisation",
        **options,  # type: ignore[arg-type]
    )


def test_a_row_found_is_returned_and_recorded_under_its_key(actor: Actor) -> None:
    seen = OrganisationFactory(code="seen-1")
    found = _get(actor, str(seen.pk), detail=lambda org: {"code": org.code}, shown=lambda org: [])
    assert found == seen
    event = AuditEvent.objects.get(object_type="organisation")
    assert (event.result, event.detail) == (Result.OK, {"code": "seen-1"})
    assert event.object_ref == object_ref("organisation", seen.pk)


@pytest.mark.parametrize("key", ["not-a-number", 10**6])
def test_nothing_found_and_a_malformed_key_are_the_same_denial(actor: Actor, key: object) -> None:
    hidden = OrganisationFactory(code="hidden")
    assert _get(actor, hidden.pk) is None
    assert _get(actor, key, detail=lambda org: {"never": "called"}) is None
    events = AuditEvent.objects.filter(object_type="organisation").order_by("id")
    assert [(e.result, e.detail) for e in events] == [(Result.DENIED, {}), (Result.DENIED, {})]
    assert events[1].object_ref == object_ref("organisation", key)


def test_a_write_leaves_only_its_denials_to_the_look_up(actor: Actor) -> None:
    seen = OrganisationFactory(code="seen-2")
    assert _get(actor, seen.pk, record_ok=False) == seen
    assert not AuditEvent.objects.filter(object_type="organisation").exists()
    assert _get(actor, seen.pk + 1000, record_ok=False, detail={"step": "x"}) is None
    assert AuditEvent.objects.get(object_type="organisation").detail == {"step": "x"}
