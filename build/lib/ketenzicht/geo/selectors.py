from __future__ import annotations

from django.db.models import QuerySet

from .models import Municipality


def municipality_list() -> QuerySet[Municipality]:
    """Municipalities are public reference data: no actor, no audit."""
    return Municipality.objects.all()


def police_units() -> list[tuple[str, str]]:
    return list(
        Municipality.objects.order_by("police_unit_code")
        .values_list("police_unit_code", "police_unit_name")
        .distinct()
    )
