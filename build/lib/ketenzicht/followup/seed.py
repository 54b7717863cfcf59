"""Sensible starting rules, for the organisations that exist. Idempotent; administrators
change them afterwards on the routing pages."""

from __future__ import annotations

from django.db import transaction

from ketenzicht.accounts.models import LocationKind, Organisation, OrganisationType
from ketenzicht.taxonomy.models import ExploitationType

from .models import CombinationBasis, CombinationRule, RoutingRule, TargetKind

T = OrganisationType

# (code, name, position, exploitation types, location kinds, target kind, target type)
ROUTING_RULES = [
    (
        "R1",
        "KMar: grens en luchthaven",
        10,
        [],
        [LocationKind.BORDER_POST],
        TargetKind.ORGANISATION,
        T.KMAR,
    ),
    (
        "R2",
        "Politie: seksuele en criminele uitbuiting",
        20,
        ["sexual", "criminal", "begging", "organ_removal"],
        [],
        TargetKind.POLICE_UNIT,
        None,
    ),
    (
        "R3",
        "Arbeidsinspectie: arbeidsuitbuiting",
        30,
        ["labour"],
        [],
        TargetKind.ORGANISATION,
        T.LABOUR_INSPECTORATE,
    ),
    ("R4", "Politie: overige uitbuiting", 40, ["other"], [], TargetKind.POLICE_UNIT, None),
    ("R9", "EMM: als het niet duidelijk is", 90, [], [], TargetKind.ORGANISATION, T.EMM),
]

# (code, name, basis, min signals, min organisations, window days)
COMBINATION_RULES = [
    (
        "C1",
        "Drie of meer zachte signalen over dezelfde persoon van twee organisaties",
        CombinationBasis.PERSON,
        3,
        2,
        365,
    ),
    (
        "C2",
        "Hetzelfde telefoonnummer in zachte signalen van twee organisaties",
        CombinationBasis.PHONE,
        2,
        2,
        365,
    ),
]


@transaction.atomic
def follow_up_rules_seed() -> int:
    """Create the rules whose receiving organisation exists; returns how many were new."""
    first = {
        t: Organisation.objects.filter(type=t).order_by("pk").first()
        for t in (T.KMAR, T.LABOUR_INSPECTORATE, T.EMM)
    }
    created = 0
    for code, name, position, types, kinds, target_kind, target_type in ROUTING_RULES:
        target = first.get(target_type) if target_type else None
        if target_kind == TargetKind.ORGANISATION and target is None:
            continue
        rule, new = RoutingRule.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "position": position,
                "location_kinds": list(kinds),
                "target_kind": target_kind,
                "target_organisation": target,
            },
        )
        if new:
            rule.exploitation_types.set(ExploitationType.objects.filter(code__in=types))
            created += 1
    emm = first[T.EMM]
    if emm is not None:
        for code, name, basis, signals, organisations, days in COMBINATION_RULES:
            _rule, new = CombinationRule.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "basis": basis,
                    "min_signals": signals,
                    "min_organisations": organisations,
                    "window_days": days,
                    "target_organisation": emm,
                },
            )
            created += int(new)
    return created
