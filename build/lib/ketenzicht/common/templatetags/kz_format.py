"""Formats for pages: probabilities as percentages that never round up across a threshold,
signed weights, and ISO moments from exports."""

from __future__ import annotations

import math

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, number_format

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


@register.filter
def iso_moment(value: str | None) -> str:
    """An ISO date or date-time from an export ("2026-11-30T04:41:10+00:00") as the active
    language writes it, in local time; empty stays empty."""
    if not value:
        return ""
    moment = parse_datetime(value)
    if moment is not None and "T" in value:
        return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    day = parse_date(value[:10])
    return date_format(day, "SHORT_DATE_FORMAT") if day else value
