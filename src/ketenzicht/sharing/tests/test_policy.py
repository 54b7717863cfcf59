"""The sharing policy, tested as a model: for any mix of organisations, roles and signals,
every actor sees exactly the signals of their own organisation, on every read path."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.factories import OrganisationFactory, make_actor
from ketenzicht.accounts.models import Role
from ketenzicht.persons.selectors import person_get, person_list
from ketenzicht.sharing import policy
from ketenzicht.signals.factories import TEST_CONTEXT, register
from ketenzicht.signals.selectors import signal_get, signal_list

CONTENT = {Role.FRONTLINE, Role.COORDINATOR, Role.INVESTIGATOR, Role.MUNICIPAL_ANALYST}
WRITERS = [Role.FRONTLINE, Role.COORDINATOR, Role.INVESTIGATOR]


class SharingModelTest(TestCase):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        signals_per_org=st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=3),
        roles=st.lists(st.sampled_from(list(Role)), min_size=1, max_size=5),
        data=st.data(),
    )
    def test_every_read_path_matches_the_model(
        self, signals_per_org: list[int], roles: list[str], data: st.DataObject
    ) -> None:
        organisations = [OrganisationFactory() for _ in signals_per_org]
        owned: dict[int, set[str]] = {}
        for organisation, count in zip(organisations, signals_per_org, strict=True):
            writer = make_actor(Role.FRONTLINE, organisation)
            owned[organisation.pk] = {str(register(writer).pk) for _ in range(count)}
        every = set().union(*owned.values())
        for role in roles:
            organisation = data.draw(st.sampled_from(organisations))
            actor = make_actor(role, organisation)
            expected = owned[organisation.pk] if role in CONTENT else set()
            listed = {
                str(row.signal.pk)
                for row in signal_list(actor=actor, context=TEST_CONTEXT, size=100).items
            }
            assert listed == expected
            for signal_id in every:
                found = signal_get(actor=actor, context=TEST_CONTEXT, signal_id=signal_id)
                assert (found is not None) == (signal_id in expected)
            persons = person_list(actor=actor, context=TEST_CONTEXT, size=100).items
            assert all(p.organisation_id == organisation.pk for p in persons)
            assert bool(persons) == bool(expected)
            for record in persons:
                assert person_get(actor=actor, context=TEST_CONTEXT, person_id=record.pk)


@pytest.mark.django_db
def test_actor_without_membership_sees_nothing() -> None:
    nobody = Actor(user_id=99, username="nobody", organisation_id=None, organisation_code="")
    assert not policy.visible_signals(nobody).exists()
    assert not policy.may_register(nobody)


@pytest.mark.django_db
def test_forbidden_and_nonexistent_look_the_same(reporter: Actor, outsider: Actor) -> None:
    signal = register(reporter)
    forbidden = signal_get(actor=outsider, context=TEST_CONTEXT, signal_id=signal.pk)
    missing = signal_get(
        actor=outsider, context=TEST_CONTEXT, signal_id="00000000-0000-0000-0000-000000000000"
    )
    assert forbidden is None and missing is None
