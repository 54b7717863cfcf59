"""Who may read which area of the monitor and which self-assessments: the sharing policy's
rules for the monitor's own tables (ADR 0029). Only published, protected tables are ever
readable; the roles here never see a signal or a person."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import Role
from ketenzicht.geo.models import Municipality
from ketenzicht.geo.sizes import size_class

from .models import PublishedTable, SelfAssessment


def monitor_scopes(actor: Actor) -> QuerySet[PublishedTable]:
    """Published tables (protected aggregates) the actor may read: the national monitor and
    coordinators every area; a municipal analyst their own municipality and, to compare,
    the police unit, province, size class and nation it lies in."""
    if not policy.may_view_aggregates(actor):
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
    if not policy.may_view_aggregates(actor):
        return False
    if actor.has_role(Role.NATIONAL_MONITOR, Role.COORDINATOR):
        return True
    return bool(actor.municipality_code) and scope == actor.municipality_code


def may_answer_self_assessment(actor: Actor) -> bool:
    """Municipal analysts answer the yearly self-assessment for their own municipality."""
    return (
        policy.may_view_aggregates(actor)
        and actor.has_role(Role.MUNICIPAL_ANALYST)
        and bool(actor.municipality_code)
    )


def visible_self_assessments(actor: Actor) -> QuerySet[SelfAssessment]:
    """Self-assessments the actor may read: an analyst their own municipality's; the
    national monitor and coordinators every municipality's (for the national figures and
    the blind spots)."""
    if not policy.may_view_aggregates(actor):
        return SelfAssessment.objects.none()
    if actor.has_role(Role.NATIONAL_MONITOR, Role.COORDINATOR):
        return SelfAssessment.objects.all()
    return SelfAssessment.objects.filter(municipality_id=actor.municipality_code or "")
