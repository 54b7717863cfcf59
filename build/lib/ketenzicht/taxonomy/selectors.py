from __future__ import annotations

from collections import OrderedDict

from django.db.models import QuerySet

from .models import ControlMethod, Element, ExploitationType, Indicator


def indicator_list(*, current_only: bool = True) -> QuerySet[Indicator]:
    qs = Indicator.objects.all()
    if current_only:
        qs = qs.filter(retired_in__isnull=True)
    return qs


def indicators_by_element() -> OrderedDict[str, list[Indicator]]:
    """Current indicators grouped by ILO element, in the brochure's element order."""
    groups: OrderedDict[str, list[Indicator]] = OrderedDict((e.value, []) for e in Element)
    for indicator in indicator_list().order_by("list", "code"):
        groups[indicator.element].append(indicator)
    return groups


def exploitation_type_list() -> QuerySet[ExploitationType]:
    return ExploitationType.objects.all()


def control_method_list() -> QuerySet[ControlMethod]:
    return ControlMethod.objects.all()
