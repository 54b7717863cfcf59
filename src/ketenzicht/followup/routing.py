"""Which competent body a hard signal goes to, and why. Reads only; ``services`` acts."""

from __future__ import annotations

from dataclasses import dataclass

from ketenzicht.accounts.models import Organisation, OrganisationType
from ketenzicht.signals.models import Signal

from .models import RoutingRule, TargetKind
from .reasons import routing_explanation


@dataclass(frozen=True)
class RoutingDecision:
    rule: RoutingRule
    organisation: Organisation
    explanation: str


def _target(rule: RoutingRule, signal: Signal) -> Organisation | None:
    if rule.target_kind == TargetKind.POLICE_UNIT:
        return (
            Organisation.objects.filter(
                type=OrganisationType.AVIM,
                police_unit_code=signal.municipality.police_unit_code,
            )
            .order_by("pk")
            .first()
        )
    return rule.target_organisation


def active_rules() -> list[RoutingRule]:
    """The active rules in the order they are tried, with their conditions loaded: read
    once per batch of signals rather than once per signal."""
    return list(
        RoutingRule.objects.filter(active=True)
        .select_related("target_organisation")
        .prefetch_related("exploitation_types", "municipalities")
    )


def decide(signal: Signal, rules: list[RoutingRule] | None = None) -> RoutingDecision | None:
    """The first active rule (by position) whose conditions all hold and whose target
    exists; None when no rule applies. ``signal`` needs its municipality and location."""
    codes = {t.code for t in signal.exploitation_types.all()}
    location_kind = signal.location.kind if signal.location else ""
    for rule in active_rules() if rules is None else rules:
        rule_types = {t.code for t in rule.exploitation_types.all()}
        if rule_types and not rule_types & codes:
            continue
        if rule.location_kinds and location_kind not in rule.location_kinds:
            continue
        municipalities = {m.code for m in rule.municipalities.all()}
        if municipalities and signal.municipality_id not in municipalities:
            continue
        target = _target(rule, signal)
        if target is None:
            continue
        explanation = routing_explanation(
            rule_code=rule.code,
            signal=signal,
            target_name=target.name,
            with_location=bool(rule.location_kinds),
        )
        return RoutingDecision(rule, target, explanation)
    return None
