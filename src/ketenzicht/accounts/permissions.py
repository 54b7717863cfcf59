"""The policy table: per role, how much of a signal it sees for each relation its organisation
has to that signal, and which other capabilities it has (ADR 0006).

Pure data about roles, so it sits in the foundation: ``ketenzicht.policy`` applies it in SQL to
rows, and a foundation app (the audit trail's reader) can ask for a capability without
importing the policy that sits above it (ADR 0029).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from .actor import Actor
from .models import Role


class Relation(StrEnum):
    OWN = "own"
    GROUP = "group"
    REFERRAL = "referral"
    CHAIN = "chain"


class Projection(IntEnum):
    NONE = 0
    ATTENTION = 1
    FULL = 2


@dataclass(frozen=True)
class RolePolicy:
    signals: Mapping[Relation, Projection] = field(default_factory=dict)
    register: bool = False  # register signals and decide their sharing, for the own org
    hits: bool = False  # receive and acknowledge hit notices for the own organisation
    attention_list: bool = False  # the attention list of the own organisation's locations
    aggregates: bool = False  # figures without personal data (the monitor)
    sharing_health: bool = False  # the share of soft signals visible beyond the reporter
    audit_trail: bool = False
    administer: bool = False  # sharing groups, organisation defaults, routing rules
    referrals: bool = False  # referrals to and from the own organisation; handle received
    follow_up_figures: bool = False  # deadline performance per receiving body (no persons)
    cases: bool = False  # joint-analysis cases of the own organisation and its groups
    subscriptions: bool = False  # webhook subscriptions of the own organisation
    # Answer a data subject's request about the own organisation's records (GDPR art. 15),
    # see the retention periods and purges; nothing else.
    subject_access: bool = False


R, P = Relation, Projection
_NEED_TO_KNOW = {R.OWN: P.FULL, R.GROUP: P.FULL, R.REFERRAL: P.FULL, R.CHAIN: P.FULL}

POLICY_TABLE: dict[str, RolePolicy] = {
    # Frontline staff see content their organisation holds or that was shared with it by
    # name (group, referral); of chain-wide signals only the attention projection.
    Role.FRONTLINE: RolePolicy(
        signals={R.OWN: P.FULL, R.GROUP: P.FULL, R.REFERRAL: P.FULL, R.CHAIN: P.ATTENTION},
        register=True,
        attention_list=True,
        referrals=True,
    ),
    Role.COORDINATOR: RolePolicy(
        signals=_NEED_TO_KNOW,
        register=True,
        hits=True,
        attention_list=True,
        aggregates=True,
        sharing_health=True,
        referrals=True,
        follow_up_figures=True,
        cases=True,
        subscriptions=True,
    ),
    Role.INVESTIGATOR: RolePolicy(signals=_NEED_TO_KNOW, register=True, referrals=True, cases=True),
    # Analysts and the monitor see aggregates only, never a signal or a person.
    Role.MUNICIPAL_ANALYST: RolePolicy(aggregates=True),
    Role.NATIONAL_MONITOR: RolePolicy(aggregates=True, sharing_health=True, follow_up_figures=True),
    Role.AUDITOR: RolePolicy(audit_trail=True),
    Role.ADMINISTRATOR: RolePolicy(administer=True, subscriptions=True),
    Role.PRIVACY_OFFICER: RolePolicy(subject_access=True),
}


def role_policies(actor: Actor) -> list[RolePolicy]:
    if actor.organisation_id is None:
        return []
    return [POLICY_TABLE[role] for role in actor.roles if role in POLICY_TABLE]


def projection(actor: Actor, relation: Relation) -> Projection:
    """The most an actor's roles allow for one relation."""
    return max((p.signals.get(relation, P.NONE) for p in role_policies(actor)), default=P.NONE)


def has_capability(actor: Actor, name: str) -> bool:
    """Whether one of the actor's roles has this capability of ``RolePolicy``."""
    return any(getattr(p, name) for p in role_policies(actor))
