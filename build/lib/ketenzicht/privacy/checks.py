"""System check: the retention periods are whole days, at least one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from .retention import Category


@register()
def retention_periods(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    periods = getattr(settings, "RETENTION_DAYS", {})
    for category in Category:
        days = periods.get(category.value)
        if not isinstance(days, int) or days < 1:
            errors.append(
                Error(
                    f"RETENTION_DAYS[{category.value!r}] must be a whole number of days >= 1, "
                    f"not {days!r}.",
                    hint=f"Set KETENZICHT_RETENTION_{category.value.upper()}_DAYS.",
                    id="ketenzicht.E010",
                )
            )
    return errors
