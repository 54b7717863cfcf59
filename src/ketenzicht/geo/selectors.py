from __future__ import annotations

from django.db.models import QuerySet

from .models import Municipality


def municipality_list() -> QuerySet[Municipality]:
    """Municipalities are public reference data: no actor, no audit."""
    return Municipality.objects.all()
