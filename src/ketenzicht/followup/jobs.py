"""Follow-up's periodic work in the worker (``common.periodic``)."""

from __future__ import annotations

from ketenzicht.common.periodic import Job, register

from .services import referrals_escalate_overdue
from .victims import reflection_reminders


def _deadlines() -> None:
    referrals_escalate_overdue()
    reflection_reminders()


def register_jobs() -> None:
    register(Job("deadlines", "deadline", 60.0, _deadlines, "escalate overdue referrals"))
