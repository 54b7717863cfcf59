"""The privacy app's periodic work in the worker (``common.periodic``)."""

from __future__ import annotations

from ketenzicht.common.context import TASK
from ketenzicht.common.periodic import Job, register

from .purge import retention_purge


def _purge() -> None:
    retention_purge(context=TASK)


def register_jobs() -> None:
    # Retention periods are counted in days: once a day is on time.
    register(Job("purge", "purge", 86400.0, _purge, "the retention purge"))
