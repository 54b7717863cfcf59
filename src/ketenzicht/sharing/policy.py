"""THE sharing policy: who may see what of a signal, a person record and a hit notice.

Everything an actor may do is read from one table, ``POLICY_TABLE``: per role, how much of a
signal it sees for each relation its organisation has to that signal, and which other
capabilities the role has. Every selector filters through the functions below, so the rule
is applied in SQL (it holds at a million signals) and changes to sharing take effect on the
next query. Deny by default: no organisation, no role or no relation means nothing.

Relations of an organisation to a signal:

- ``own``: it registered the signal;
- ``group``: the signal is distributed to a sharing group the organisation belongs to;
- ``referral``: the signal was referred to it (an ``AccessGrant`` in force: not revoked and
  not past its ``ends_at``; ADR 0022);
- ``chain``: the signal is distributed to the whole chain.

Projections of a signal: ``full`` (content: narrative, indicators, people), ``attention``
(that someone may be a victim, and whom to contact: no narrative, no identities) or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

from django.conf import settings
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import Location, Role
from ketenzicht.followup.models import Case, Outcome, Referral, ReferralKind, ReferralStatus
from ketenzicht.geo.models import Municipality
from ketenzicht.geo.sizes import size_class
from ketenzicht.monitor.models import PublishedTable, SelfAssessment
from ketenzicht.notifications.models import Subscription
from ketenzicht.persons.models import HitNotice, MatchReview, PersonRecord, TokenRecord
from ketenzicht.signals.models import Signal, Subject

from .models import AccessGrant, Distribution, SharingGroup


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


def _capability(actor: Actor, name: str) -> bool:
    return any(getattr(p, name) for p in role_policies(actor))


# -- signals ---------------------------------------------------------------------------


def _relation_q(actor: Actor, relation: Relation) -> Q:
    org = actor.organisation_id or 0
    if relation is R.OWN:
        return Q(organisation_id=org)
    if relation is R.GROUP:
        groups = SharingGroup.organisations.through.objects.filter(organisation_id=org)
        return Q(
            distribution=Distribution.GROUP, sharing_group_id__in=groups.values("sharinggroup_id")
        )
    if relation is R.REFERRAL:
        # The clock is read here, per query: access ends on time without a clean-up job.
        grants = AccessGrant.objects.filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=timezone.now()),
            signal_id=OuterRef("pk"),
            organisation_id=org,
            revoked_at__isnull=True,
        )
        return Q(Exists(grants))
    return Q(distribution=Distribution.CHAIN)


def signal_filter(actor: Actor, at_least: Projection = P.FULL) -> Q:
    """The WHERE clause for signals this actor sees at ``at_least`` the given projection."""
    allowed = [r for r in Relation if projection(actor, r) >= at_least]
    if not allowed:
        return Q(pk__in=[])
    clause = Q()
    for relation in allowed:
        clause |= _relation_q(actor, relation)
    return clause


def visible_signals(actor: Actor, at_least: Projection = P.FULL) -> QuerySet[Signal]:
    """Signals the actor sees at ``at_least`` the given projection; with ``ATTENTION`` each
    row is annotated with ``kz_full``: whether the actor sees its content."""
    qs = Signal.objects.filter(signal_filter(actor, at_least))
    if at_least < P.FULL:
        qs = qs.annotate(
            kz_full=ExpressionWrapper(signal_filter(actor, P.FULL), output_field=BooleanField())
        )
    return qs


def signal_projection(actor: Actor, signal: Signal) -> Projection:
    """How much of this signal the actor sees (one query unless already annotated)."""
    full = getattr(signal, "kz_full", None)
    if full is None:
        full = visible_signals(actor).filter(pk=signal.pk).exists()
    if full:
        return P.FULL
    if visible_signals(actor, P.ATTENTION).filter(pk=signal.pk).exists():
        return P.ATTENTION
    return P.NONE


def shown_subjects(actor: Actor) -> Q:
    """Which people on a visible signal the actor may see: a restricted part stays inside
    the reporting organisation. Combine with a filter on visible signals."""
    return Q(restricted=False) | Q(signal__organisation_id=actor.organisation_id or 0)


def visible_subjects(actor: Actor, at_least: Projection = P.FULL) -> QuerySet[Subject]:
    """The people on signals the actor sees at least at ``at_least``. A part never travels
    further than its signal, and a restricted part stays inside the reporting organisation."""
    return Subject.objects.filter(
        shown_subjects(actor), signal__in=visible_signals(actor, at_least).values("pk")
    )


def may_read_signals(actor: Actor) -> bool:
    """Whether the actor's task involves reading any signal content at all."""
    return any(projection(actor, r) >= P.FULL for r in Relation)


def may_register(actor: Actor) -> bool:
    return _capability(actor, "register")


def may_edit_signal(actor: Actor, signal: Signal) -> bool:
    """Editing and deciding sharing stay with the reporting organisation; an anonymised
    signal (its retention period ended) has nothing left to edit."""
    return (
        may_register(actor)
        and signal.organisation_id == actor.organisation_id
        and signal.anonymised_at is None
    )


def editable_signals(actor: Actor) -> QuerySet[Signal]:
    """The signals the actor may edit and whose sharing it may decide (``may_edit_signal``
    as a queryset)."""
    if not may_register(actor):
        return Signal.objects.none()
    return visible_signals(actor).filter(
        organisation_id=actor.organisation_id or 0, anonymised_at__isnull=True
    )


# -- person records ----------------------------------------------------------------------


def visible_person_records(actor: Actor) -> QuerySet[PersonRecord]:
    """Records the actor sees in full: the own organisation's, and those named unrestricted
    on a signal the actor sees in full."""
    if projection(actor, R.OWN) < P.FULL:
        return PersonRecord.objects.none()
    named = Subject.objects.filter(
        record_id=OuterRef("pk"),
        restricted=False,
        signal__in=visible_signals(actor).values("pk"),
    )
    own = actor.organisation_id or 0
    return PersonRecord.objects.filter(Q(organisation_id=own) | Q(Exists(named)))


# -- hits, attention, aggregates, audit, administration -------------------------------


def may_receive_hits(actor: Actor) -> bool:
    return _capability(actor, "hits")


def may_view_attention(actor: Actor) -> bool:
    return _capability(actor, "attention_list")


def visible_hit_notices(actor: Actor) -> QuerySet[HitNotice]:
    if not may_receive_hits(actor):
        return HitNotice.objects.none()
    return HitNotice.objects.filter(organisation_id=actor.organisation_id or 0)


def may_review_matches(actor: Actor) -> bool:
    """Coordinators, who receive the notices, also judge the uncertain pairs behind them."""
    return _capability(actor, "hits")


def visible_match_reviews(actor: Actor) -> QuerySet[MatchReview]:
    """Pairs with a record of the own organisation in them. The other side is shown only
    as the comparison's outcome per field, never its content (ADR 0011)."""
    if not may_review_matches(actor):
        return MatchReview.objects.none()
    own = actor.organisation_id or 0
    return MatchReview.objects.filter(Q(left__organisation_id=own) | Q(right__organisation_id=own))


def may_exchange_tokens(actor: Actor) -> bool:
    """Coordinators (and their partner systems' API tokens) send and read keyed tokens."""
    return _capability(actor, "hits")


def visible_token_records(actor: Actor) -> QuerySet[TokenRecord]:
    if not may_exchange_tokens(actor):
        return TokenRecord.objects.none()
    return TokenRecord.objects.filter(organisation_id=actor.organisation_id or 0)


def splittable_records(actor: Actor) -> QuerySet[PersonRecord]:
    """Records whose link the actor may split: the own organisation's, for coordinators."""
    if not may_review_matches(actor):
        return PersonRecord.objects.none()
    return PersonRecord.objects.filter(organisation_id=actor.organisation_id or 0)


def attention_hit_notices(actor: Actor) -> QuerySet[HitNotice]:
    """Hit notices that may mark a resident on the attention list: the organisation's own
    notices, which reveal only that another organisation is involved and whom to call."""
    if not _capability(actor, "attention_list"):
        return HitNotice.objects.none()
    return HitNotice.objects.filter(organisation_id=actor.organisation_id or 0)


def attention_locations(actor: Actor) -> QuerySet[Location]:
    """Locations whose attention list the actor may see: frontline staff their own location
    (if they have one), coordinators every location of their organisation."""
    if not _capability(actor, "attention_list"):
        return Location.objects.none()
    qs = Location.objects.filter(organisation_id=actor.organisation_id or 0)
    if Role.COORDINATOR not in actor.roles:
        qs = qs.filter(pk=actor.location_id or 0)
    return qs


def may_open_attention_list(actor: Actor) -> bool:
    """Whether the attention list page has a location to show: frontline staff without a
    location of their own (Nidos guardians, staff at a desk) have none."""
    return attention_locations(actor).exists()


def may_view_aggregates(actor: Actor) -> bool:
    return _capability(actor, "aggregates")


def monitor_scopes(actor: Actor) -> QuerySet[PublishedTable]:
    """Published tables (protected aggregates) the actor may read: the national monitor and
    coordinators every area; a municipal analyst their own municipality and, to compare,
    the police unit, province, size class and nation it lies in."""
    if not may_view_aggregates(actor):
        return PublishedTable.objects.none()
    if actor.has_role(Role.NATIONAL_MONITOR, Role.COORDINATOR):
        return PublishedTable.objects.all()
    own = actor.municipality_code or ""
    areas = Municipality.objects.filter(code=own).values_list(
        "police_unit_code", "province_code", "population"
    )
    wider = ["NL"]
    for unit, province, population in areas:
        wider += [unit, province, size_class(population) or ""]
    # Of the wider areas only the table that holds the comparison figures (the
    # twelve-month signals), not their other tables.
    return PublishedTable.objects.filter(Q(scope=own) | Q(scope__in=wider, key="trend"))


def monitor_home_scope(actor: Actor) -> str | None:
    """The area the monitor opens on: the nation for those who may see it, an analyst's
    own municipality, or none (an analyst without a municipality has no dashboard)."""
    if may_view_monitor_area(actor, "NL"):
        return "NL"
    own = actor.municipality_code or ""
    return own if own and may_view_monitor_area(actor, own) else None


def may_view_monitor_area(actor: Actor, scope: str) -> bool:
    """Whether the actor may open the dashboard of an area (analysts: their own only)."""
    if not may_view_aggregates(actor):
        return False
    if actor.has_role(Role.NATIONAL_MONITOR, Role.COORDINATOR):
        return True
    return bool(actor.municipality_code) and scope == actor.municipality_code


def may_answer_self_assessment(actor: Actor) -> bool:
    """Municipal analysts answer the yearly self-assessment for their own municipality."""
    return (
        may_view_aggregates(actor)
        and actor.has_role(Role.MUNICIPAL_ANALYST)
        and bool(actor.municipality_code)
    )


def visible_self_assessments(actor: Actor) -> QuerySet[SelfAssessment]:
    """Self-assessments the actor may read: an analyst their own municipality's; the
    national monitor and coordinators every municipality's (for the national figures and
    the blind spots)."""
    if not may_view_aggregates(actor):
        return SelfAssessment.objects.none()
    if actor.has_role(Role.NATIONAL_MONITOR, Role.COORDINATOR):
        return SelfAssessment.objects.all()
    return SelfAssessment.objects.filter(municipality_id=actor.municipality_code or "")


def may_view_sharing_health(actor: Actor) -> bool:
    return _capability(actor, "sharing_health")


def signals_for_aggregates(actor: Actor) -> QuerySet[Signal]:
    """The signals figures may be computed over. Only counts may leave a selector that
    uses this; the roles with this capability never see a row."""
    if not may_view_aggregates(actor):
        return Signal.objects.none()
    return Signal.objects.all()


def may_read_audit(actor: Actor) -> bool:
    return _capability(actor, "audit_trail")


def may_administer(actor: Actor) -> bool:
    return _capability(actor, "administer")


def may_answer_subject_access(actor: Actor) -> bool:
    return _capability(actor, "subject_access")


def subject_access_records(actor: Actor) -> QuerySet[PersonRecord]:
    """The person records a privacy officer may search and export: the own organisation's."""
    if not may_answer_subject_access(actor):
        return PersonRecord.objects.none()
    return PersonRecord.objects.filter(organisation_id=actor.organisation_id or 0)


# -- follow-up ---------------------------------------------------------------------------


def may_follow_up(actor: Actor) -> bool:
    return _capability(actor, "referrals")


def referral_access_after_close() -> dt.timedelta:
    return dt.timedelta(days=settings.REFERRAL_ACCESS_AFTER_CLOSE_DAYS)


def referral_access_ended() -> Q:
    """Referrals whose receiving body no longer has access (ADR 0022): forwarded to another
    body, or closed longer ago than ``REFERRAL_ACCESS_AFTER_CLOSE_DAYS``. The same terms end
    its ``AccessGrant`` on the signals (``followup.services``)."""
    closed = ReferralStatus.CLOSED
    return Q(outcome=Outcome.FORWARDED, status__in=[ReferralStatus.OUTCOME, closed]) | Q(
        status=closed, closed_at__lte=timezone.now() - referral_access_after_close()
    )


def visible_referrals(actor: Actor) -> QuerySet[Referral]:
    """Referrals the own organisation sent, received, or contributed a signal to (every
    reporter hears the outcome, also of a joint analysis that combined its signal; the
    receiving body handles them). A receiving body sees one only while its access lasts;
    a body that forwarded a referral is not the sender of the forwarded one."""
    if not _capability(actor, "referrals"):
        return Referral.objects.none()
    org = actor.organisation_id or 0
    contributed = Referral.signals.through.objects.filter(
        referral_id=OuterRef("pk"), signal__organisation_id=org
    )
    return Referral.objects.filter(
        (Q(from_organisation_id=org) & ~Q(kind=ReferralKind.FORWARDED))
        | (Q(to_organisation_id=org) & ~referral_access_ended())
        | Q(Exists(contributed))
    )


def handled_referrals(actor: Actor) -> QuerySet[Referral]:
    """Referrals whose status the actor may change: those its organisation received, while
    its access lasts."""
    if not _capability(actor, "referrals"):
        return Referral.objects.none()
    return Referral.objects.filter(to_organisation_id=actor.organisation_id or 0).exclude(
        referral_access_ended()
    )


def ended_referrals(actor: Actor) -> QuerySet[Referral]:
    """Referrals the own organisation received and no longer has access to: what it can
    still be told is that access ended, when and why, never their content."""
    if not _capability(actor, "referrals"):
        return Referral.objects.none()
    return Referral.objects.filter(
        referral_access_ended(), to_organisation_id=actor.organisation_id or 0
    )


def may_view_follow_up_figures(actor: Actor) -> bool:
    return _capability(actor, "follow_up_figures")


def may_work_on_cases(actor: Actor) -> bool:
    return _capability(actor, "cases")


def visible_cases(actor: Actor) -> QuerySet[Case]:
    """Joint-analysis cases of the own organisation or shared with one of its groups."""
    if not may_work_on_cases(actor):
        return Case.objects.none()
    org = actor.organisation_id or 0
    groups = SharingGroup.organisations.through.objects.filter(organisation_id=org)
    return Case.objects.filter(
        Q(organisation_id=org) | Q(sharing_group_id__in=groups.values("sharinggroup_id"))
    )


def may_manage_subscriptions(actor: Actor) -> bool:
    return _capability(actor, "subscriptions")


def visible_subscriptions(actor: Actor) -> QuerySet[Subscription]:
    if not may_manage_subscriptions(actor):
        return Subscription.objects.none()
    return Subscription.objects.filter(organisation_id=actor.organisation_id or 0)


# -- one question for any object -----------------------------------------------------------


def may_view(actor: Actor, obj: Any) -> bool:
    """Whether the actor may see this object at all (for signals: at least the attention
    projection). Selectors filter querysets instead; this is for single objects in hand."""
    if isinstance(obj, Signal):
        return signal_projection(actor, obj) > P.NONE
    if isinstance(obj, PersonRecord):
        return visible_person_records(actor).filter(pk=obj.pk).exists()
    if isinstance(obj, HitNotice):
        return visible_hit_notices(actor).filter(pk=obj.pk).exists()
    if isinstance(obj, Location):
        return attention_locations(actor).filter(pk=obj.pk).exists()
    if isinstance(obj, Referral):
        return visible_referrals(actor).filter(pk=obj.pk).exists()
    if isinstance(obj, Case):
        return visible_cases(actor).filter(pk=obj.pk).exists()
    if isinstance(obj, Subscription):
        return visible_subscriptions(actor).filter(pk=obj.pk).exists()
    if isinstance(obj, MatchReview):
        return visible_match_reviews(actor).filter(pk=obj.pk).exists()
    return False
