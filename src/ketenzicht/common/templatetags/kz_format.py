"""Number formats for pages: probabilities as percentages that never round up across a
threshold, and signed weights."""

from __future__ import annotations

import math

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(probability: float) -> str:
    """0.9493 -> "94,9%": rounded down to a tenth, so a pair just below the automatic
    threshold of 95% never reads as 95%."""
    tenths = math.floor(float(probability) * 1000) / 10
    return f"{number_format(tenths, decimal_pos=1)}%"


@register.filter
def signed(value: float) -> str:
    """+1,5 / -14,2 with one decimal in the active language's format."""
    text = number_format(float(value), decimal_pos=1)
    return text if float(value) < 0 else f"+{text}"
