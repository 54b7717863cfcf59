"""The policy table, cell by cell: role x relation to the signal x distribution x action.

The expectation is written out here from the rules in the issue, independently of
``POLICY_TABLE``, and every read path (detail, list, person, edit, API) must
agree with it.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from django.test import Client

import pytest

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.factories import OrganisationFactory, UserFactory, make_actor
from ketenzicht.accounts.models import Organisation, Role, User
from ketenzicht.accounts.selectors import actor_for_user
from ketenzicht.persons.selectors import person_get
from ketenzicht.policy import Projection
from ketenzicht.sharing.models import Distribution, OrganisationDefaults, SharingGroup
from ketenzicht.sharing.services import access_grant
from ketenzicht.signals.factories import TEST_CONTEXT, register, signal_input
from ketenzicht.signals.models import Signal
from ketenzicht.signals.selectors import signal_get, signal_list
from ketenzicht.signals.services import signal_update

pytestmark = pytest.mark.django_db

RELATIONS = ["own", "group", "referral", "chain", "none"]
ACTIONS = ["detail", "list", "person", "edit", "api"]
WRITERS = {Role.FRONTLINE, Role.COORDINATOR, Role.INVESTIGATOR}
NEED_TO_KNOW = {Role.COORDINATOR, Role.INVESTIGATOR}


def expected(role: str, relation: str, distribution: str) -> Projection:
    """The rules of issue 3, stated once more in plain code."""
    if relation == "none" or role not in WRITERS:
        return Projection.NONE  # analysts, monitor, auditor, administrator: never content
    if relation in ("own", "referral"):
        return Projection.FULL
    if relation == "group" and distribution == Distribution.GROUP:
        return Projection.FULL
    if distribution == Distribution.CHAIN:
        return Projection.FULL if role in NEED_TO_KNOW else Projection.ATTENTION
    return Projection.NONE


@dataclasses.dataclass
class World:
    signal: Signal
    viewer: Actor
    reporter: Actor


def _world(role: str, relation: str, distribution: str) -> World:
    reporter_org = OrganisationFactory()
    member, partner, referred = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    group = SharingGroup.objects.create(code=f"g-{uuid.uuid4().hex[:8]}", name="Regio")
    group.organisations.add(reporter_org, member)
    reporter = make_actor(Role.FRONTLINE, reporter_org)
    signal = register(
        reporter,
        distribution=distribution,
        sharing_group=group.code if distribution == Distribution.GROUP else "",
        legal_basis="" if distribution == Distribution.ORGANISATION else "avg-6-1-e",
    )
    organisation: Organisation | None = {
        "own": reporter_org,
        "group": member,
        "referral": referred,
        "chain": partner,
        "none": None,
    }[relation]
    if relation == "referral":
        access_grant(
            actor=reporter,
            context=TEST_CONTEXT,
            signal_id=signal.pk,
            organisation_id=referred.pk,
            legal_basis="avg-6-1-e",
        )
    if organisation is None:
        viewer = actor_for_user(UserFactory())  # no membership at all
    else:
        viewer = make_actor(role, organisation)
    return World(signal, viewer, reporter)


def _api(viewer: Actor, path: str) -> Any:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=viewer.user_id))
    return client.get(path)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("distribution", list(Distribution))
@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", list(Role))
def test_policy_cell(role: str, relation: str, distribution: str, action: str) -> None:
    world = _world(role, relation, distribution)
    want = expected(role, relation, distribution)
    viewer, signal = world.viewer, world.signal
    if action == "detail":
        got = signal_get(actor=viewer, context=TEST_CONTEXT, signal_id=signal.pk)
        assert (got.projection if got else Projection.NONE) == want
        if got is not None and want == Projection.ATTENTION:
            # Only the flag, the dates and whom to call; nothing of the content came along.
            assert got.names_victim
            assert (got.narrative, got.observed_on, got.source_reference) == ("", None, "")
            assert got.organisation_id == signal.organisation_id
    elif action == "list":
        listed = {r.signal.pk for r in signal_list(actor=viewer, context=TEST_CONTEXT).items}
        assert (signal.pk in listed) == (want == Projection.FULL)
    elif action == "person":
        record_id = signal.subjects.get().record_id
        found = person_get(actor=viewer, context=TEST_CONTEXT, person_id=record_id)
        assert (found is not None) == (want == Projection.FULL)
    elif action == "edit":
        may = relation == "own" and role in WRITERS
        try:
            signal_update(
                actor=viewer,
                context=TEST_CONTEXT,
                signal_id=signal.pk,
                expected_version=signal.version,
                data=signal_input(narrative="Aangevuld."),
            )
            edited = True
        except Signal.DoesNotExist:
            edited = False
        assert edited == may
    else:
        assert action == "api"
        response = _api(viewer, f"/api/v1/signals/{signal.pk}")
        if want == Projection.NONE:
            missing = _api(viewer, f"/api/v1/signals/{uuid.uuid4()}")
            assert response.status_code == missing.status_code
            assert response.content == missing.content
        else:
            assert response.status_code == 200
            body = response.json()
            assert body["projection"] == want.name.lower()
            assert ("narrative" in body) == (want == Projection.FULL)


def test_table_covers_every_role() -> None:
    assert set(policy.POLICY_TABLE) == set(Role)


def test_restricted_subject_stays_inside_the_reporting_organisation() -> None:
    reporter = make_actor(Role.FRONTLINE)
    OrganisationDefaults.objects.filter(organisation_id=reporter.organisation_id).delete()
    partner = make_actor(Role.COORDINATOR)
    base = signal_input()
    restricted = dataclasses.replace(base.subjects[0], restricted=True)
    signal = register(
        reporter, distribution="chain", legal_basis="avg-6-1-e", subjects=(restricted,)
    )
    seen = signal_get(actor=partner, context=TEST_CONTEXT, signal_id=signal.pk)
    assert seen is not None and seen.projection == Projection.FULL
    assert list(seen.subjects.all()) == []
    record_id = signal.subjects.get().record_id
    assert person_get(actor=partner, context=TEST_CONTEXT, person_id=record_id) is None
    own = signal_get(actor=reporter, context=TEST_CONTEXT, signal_id=signal.pk)
    assert own is not None and len(own.subjects.all()) == 1


def test_actor_without_membership_sees_nothing() -> None:
    nobody = Actor(user_id=99, username="nobody", organisation_id=None, organisation_code="")
    assert not policy.visible_signals(nobody, Projection.ATTENTION).exists()
    assert not policy.may_register(nobody)
    assert not policy.visible_person_records(nobody).exists()
