"""Reasons of referrals and routing decisions in the reader's language (see ``reasons``)."""

from __future__ import annotations

from django import template

from ketenzicht.followup import reasons
from ketenzicht.followup.models import Referral
from ketenzicht.signals.models import Signal

register = template.Library()


@register.filter
def referral_reason(referral: Referral) -> str:
    return reasons.referral_reason(referral)


@register.filter
def routing_decision(signal: Signal) -> str:
    return reasons.decision_explanation(signal)
