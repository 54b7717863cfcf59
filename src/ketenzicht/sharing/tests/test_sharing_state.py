"""A stateful model of sharing: organisations, users, signals, shares, referrals, group
changes and revocations in random order. After every step, every user's view through the
detail page selector, the list, a filtered search, the count, the API list and the API
detail equals what a plain-Python model of the rules says, and a forbidden signal answers
exactly like one that does not exist."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.test import Client

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.factories import OrganisationFactory, make_actor
from ketenzicht.accounts.models import Role, User
from ketenzicht.policy import Projection
from ketenzicht.sharing.models import SharingGroup
from ketenzicht.sharing.services import SharingRequest, access_grant, access_revoke, signal_share
from ketenzicht.signals.factories import TEST_CONTEXT, register, signal_input
from ketenzicht.signals.selectors import SignalFilters, signal_get, signal_list

ORGS = 3
ROLES = [Role.FRONTLINE, Role.COORDINATOR, Role.MUNICIPAL_ANALYST]


@dataclass
class ModelSignal:
    org: int
    kind: str
    distribution: str
    restricted: bool = False
    grants: set[int] = field(default_factory=set)


def expected(role: str, org: int, s: ModelSignal, group: set[int]) -> Projection:
    if role == Role.MUNICIPAL_ANALYST:
        return Projection.NONE
    if org == s.org or org in s.grants:
        return Projection.FULL
    # The group is the audience: its members at the time of reading, whoever they are.
    if s.distribution == "group" and org in group:
        return Projection.FULL
    if s.distribution == "chain":
        return Projection.FULL if role == Role.COORDINATOR else Projection.ATTENTION
    return Projection.NONE


class SharingMachine(RuleBasedStateMachine):
    signals = Bundle("signals")

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.orgs = [OrganisationFactory() for _ in range(ORGS)]
        self.group = SharingGroup.objects.create(code=f"g{uuid.uuid4().hex[:8]}", name="G")
        self.group.organisations.add(*self.orgs[:2])
        self.members = {0, 1}
        self.users: list[tuple[int, str, Actor]] = [
            (i, role, make_actor(role, organisation))
            for i, organisation in enumerate(self.orgs)
            for role in ROLES
        ]
        self.writers = {i: a for i, role, a in self.users if role == Role.FRONTLINE}
        self.model: dict[uuid.UUID, ModelSignal] = {}
        self.clients: dict[int, Client] = {}

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # -- steps -------------------------------------------------------------------------

    @rule(
        target=signals,
        org=st.integers(0, ORGS - 1),
        kind=st.sampled_from(["soft", "hard"]),
        distribution=st.sampled_from(["organisation", "group", "chain"]),
        restricted=st.booleans(),
    )
    def register_signal(
        self, org: int, kind: str, distribution: str, restricted: bool
    ) -> uuid.UUID:
        if distribution == "group" and org not in self.members:
            distribution = "chain"
        base = signal_input().subjects[0]
        signal = register(
            self.writers[org],
            kind=kind,
            distribution=distribution,
            sharing_group=self.group.code if distribution == "group" else "",
            subjects=(dataclasses.replace(base, restricted=restricted),),
        )
        self.model[signal.pk] = ModelSignal(org, kind, distribution, restricted)
        return signal.pk

    @rule(signal=signals, distribution=st.sampled_from(["organisation", "group", "chain"]))
    def share(self, signal: uuid.UUID, distribution: str) -> None:
        s = self.model[signal]
        if distribution == "group" and s.org not in self.members:
            return
        signal_share(
            actor=self.writers[s.org],
            context=TEST_CONTEXT,
            signal_id=signal,
            request=SharingRequest(
                distribution=distribution,
                sharing_group=self.group.code if distribution == "group" else "",
            ),
        )
        s.distribution = distribution

    @rule(signal=signals, org=st.integers(0, ORGS - 1))
    def refer(self, signal: uuid.UUID, org: int) -> None:
        s = self.model[signal]
        access_grant(
            actor=self.writers[s.org],
            context=TEST_CONTEXT,
            signal_id=signal,
            organisation_id=self.orgs[org].pk,
            legal_basis="avg-6-1-e",
        )
        s.grants.add(org)

    @rule(signal=signals, org=st.integers(0, ORGS - 1))
    def revoke(self, signal: uuid.UUID, org: int) -> None:
        s = self.model[signal]
        access_revoke(
            actor=self.writers[s.org],
            context=TEST_CONTEXT,
            signal_id=signal,
            organisation_id=self.orgs[org].pk,
        )
        s.grants.discard(org)

    @rule(org=st.integers(0, ORGS - 1), join=st.booleans())
    def change_group(self, org: int, join: bool) -> None:
        if join:
            self.group.organisations.add(self.orgs[org])
            self.members.add(org)
        else:
            self.group.organisations.remove(self.orgs[org])
            self.members.discard(org)

    # -- the invariant ---------------------------------------------------------------------

    def _client(self, actor: Actor) -> Client:
        if actor.user_id not in self.clients:
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(User.objects.get(pk=actor.user_id))
            self.clients[actor.user_id] = client
        return self.clients[actor.user_id]

    @invariant()
    def every_view_matches_the_model(self) -> None:
        missing_id = uuid.uuid4()
        for org, role, actor in self.users:
            want = {pk: expected(role, org, s, self.members) for pk, s in self.model.items()}
            full = {pk for pk, p in want.items() if p == Projection.FULL}
            listed = {
                r.signal.pk for r in signal_list(actor=actor, context=TEST_CONTEXT, size=100).items
            }
            assert listed == full, (role, org)
            soft = {
                r.signal.pk
                for r in signal_list(
                    actor=actor, context=TEST_CONTEXT, filters=SignalFilters(kind="soft"), size=100
                ).items
            }
            assert soft == {pk for pk in full if self.model[pk].kind == "soft"}
            assert policy.visible_signals(actor).count() == len(full)
            client = self._client(actor)
            api = client.get("/api/v1/signals?pageSize=100")
            assert {uuid.UUID(r["id"]) for r in api.json()["results"]} == full
            missing = client.get(f"/api/v1/signals/{missing_id}")
            for pk, projection in want.items():
                got = signal_get(actor=actor, context=TEST_CONTEXT, signal_id=pk)
                assert (got.projection if got else Projection.NONE) == projection, (role, org)
                response = client.get(f"/api/v1/signals/{pk}")
                if projection == Projection.NONE:
                    assert (response.status_code, response.content) == (
                        missing.status_code,
                        missing.content,
                    )
                else:
                    body = response.json()
                    assert body["projection"] == projection.name.lower()
                    if projection == Projection.FULL:
                        # A restricted person never leaves the reporting organisation.
                        shown = 0 if self.model[pk].restricted and org != self.model[pk].org else 1
                        assert len(body["subjects"]) == shown, (role, org)


@pytest.mark.django_db
def test_sharing_state_machine() -> None:
    run_state_machine_as_test(
        SharingMachine,
        settings=settings(
            max_examples=8,
            stateful_step_count=7,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
