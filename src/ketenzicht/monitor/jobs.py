"""The monitor's periodic work in the worker (``common.periodic``)."""

from __future__ import annotations

from ketenzicht.common.context import TASK
from ketenzicht.common.periodic import Job, register

from .services import monitor_rebuild


def _rebuild() -> None:
    monitor_rebuild(context=TASK)


def register_jobs() -> None:
    # The tables are counted and protected as a whole (seconds at a million signals);
    # figures an hour old are fresh enough for a monitor.
    register(Job("monitor", "monitor", 3600.0, _rebuild, "count the published tables"))
