"""THE sharing policy: who may see what of a signal, a person record and a hit notice.

Everything an actor may do is read from one table, ``POLICY_TABLE`` (kept with the roles in
``accounts.permissions``, so that the foundation may ask for a capability too): per role, how
much of a signal it sees for each relation its organisation has to that signal, and which
other capabilities the role has. Every selector filters through the functions below, so the
rule is applied in SQL (it holds at a million signals) and changes to sharing take effect on
the next query. The rules for the workflows' own objects (referrals and cases, webhook
subscriptions, the monitor's tables) are built on these in ``followup.access``,
``notifications.access`` and ``monitor.access``: the policy sits below the workflows. Deny
by default: no organisation, no role or no relation means nothing.

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

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import Location, Role

# The table and its questions are re-exported: callers ask the policy, wherever it is kept.
from ketenzicht.accounts.permissions import POLICY_TABLE as POLICY_TABLE
from ketenzicht.accounts.permissions import Projection as Projection
from ketenzicht.accounts.permissions import Relation as Relation
from ketenzicht.accounts.permissions import RolePolicy as RolePolicy
from ketenzicht.accounts.permissions import has_capability as has_capability
from ketenzicht.accounts.permissions import projection as projection
from ketenzicht.accounts.permissions import role_policies as role_policies
from ketenzicht.persons.models import HitNotice, MatchReview, PersonRecord, TokenRecord
from ketenzicht.sharing.models import AccessGrant, Distribution, SharingGroup
from ketenzicht.signals.models import Signal, Subject

R, P = Relation, Projection


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
    return has_capability(actor, "register")


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
    return has_capability(actor, "hits")


def may_view_attention(actor: Actor) -> bool:
    return has_capability(actor, "attention_list")


def visible_hit_notices(actor: Actor) -> QuerySet[HitNotice]:
    if not may_receive_hits(actor):
        return HitNotice.objects.none()
    return HitNotice.objects.filter(organisation_id=actor.organisation_id or 0)


def may_review_matches(actor: Actor) -> bool:
    """Coordinators, who receive the notices, also judge the uncertain pairs behind them."""
    return has_capability(actor, "hits")


def visible_match_reviews(actor: Actor) -> QuerySet[MatchReview]:
    """Pairs with a record of the own organisation in them. The other side is shown only
    as the comparison's outcome per field, never its content (ADR 0011)."""
    if not may_review_matches(actor):
        return MatchReview.objects.none()
    own = actor.organisation_id or 0
    return MatchReview.objects.filter(Q(left__organisation_id=own) | Q(right__organisation_id=own))


def may_exchange_tokens(actor: Actor) -> bool:
    """Coordinators (and their partner systems' API tokens) send and read keyed tokens."""
    return has_capability(actor, "hits")


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
    if not has_capability(actor, "attention_list"):
        return HitNotice.objects.none()
    return HitNotice.objects.filter(organisation_id=actor.organisation_id or 0)


def attention_locations(actor: Actor) -> QuerySet[Location]:
    """Locations whose attention list the actor may see: frontline staff their own location
    (if they have one), coordinators every location of their organisation."""
    if not has_capability(actor, "attention_list"):
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
    return has_capability(actor, "aggregates")


def may_view_sharing_health(actor: Actor) -> bool:
    return has_capability(actor, "sharing_health")


def signals_for_aggregates(actor: Actor) -> QuerySet[Signal]:
    """The signals figures may be computed over. Only counts may leave a selector that
    uses this; the roles with this capability never see a row."""
    if not may_view_aggregates(actor):
        return Signal.objects.none()
    return Signal.objects.all()


def may_read_audit(actor: Actor) -> bool:
    return has_capability(actor, "audit_trail")


def may_administer(actor: Actor) -> bool:
    return has_capability(actor, "administer")


def may_answer_subject_access(actor: Actor) -> bool:
    return has_capability(actor, "subject_access")


def subject_access_records(actor: Actor) -> QuerySet[PersonRecord]:
    """The person records a privacy officer may search and export: the own organisation's."""
    if not may_answer_subject_access(actor):
        return PersonRecord.objects.none()
    return PersonRecord.objects.filter(organisation_id=actor.organisation_id or 0)


# -- follow-up ---------------------------------------------------------------------------


def may_follow_up(actor: Actor) -> bool:
    return has_capability(actor, "referrals")


def may_view_follow_up_figures(actor: Actor) -> bool:
    return has_capability(actor, "follow_up_figures")


def may_work_on_cases(actor: Actor) -> bool:
    return has_capability(actor, "cases")


def may_manage_subscriptions(actor: Actor) -> bool:
    return has_capability(actor, "subscriptions")
