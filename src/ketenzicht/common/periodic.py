"""Periodic jobs of the worker, each run once per period across every worker (ADR 0024).

Apps register their jobs (``register``) and what a stopping worker must still do
(``on_worker_stop``) from ``AppConfig.ready()``, in a ``jobs.py`` of their own; the worker
command runs what is registered. So the bottom of the app graph schedules the work of the
apps above it without importing them (docs/architecture.md, "The app graph")."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import close_old_connections

from .leases import HOLDER, KEEPER, lease_claim, lease_release

logger = logging.getLogger(__name__)

# How often an idle worker asks whether a job is due: the most a run starts late.
POLL_SECONDS = 5.0


@dataclass(frozen=True)
class Job:
    """A job the worker runs every ``every`` seconds (its ``--<option>-interval`` flag)."""

    name: str  # the lease and the thread
    option: str
    every: float
    run: Callable[[], object]
    help: str = ""


_jobs: dict[str, Job] = {}
_on_stop: dict[str, Callable[[], object]] = {}


def register(job: Job) -> None:
    """Add ``job`` to what every worker runs (again under its name: replaced)."""
    _jobs[job.name] = job


def jobs() -> list[Job]:
    """The registered jobs, in the order the apps registered them."""
    return list(_jobs.values())


def on_worker_stop(name: str, hook: Callable[[], object]) -> None:
    """Run ``hook`` when a worker stops (after its last task)."""
    _on_stop[name] = hook


def worker_stop_hooks() -> list[tuple[str, Callable[[], object]]]:
    return list(_on_stop.items())


def periodic_run_once(
    name: str, every: float, job: Callable[[], object], *, holder: str = HOLDER
) -> bool:
    """Run ``job`` here unless another worker holds it or ran it less than ``every``
    seconds ago; True if it ran here. A failure is logged with its traceback."""
    lease = f"periodic:{name}"
    if not lease_claim(lease, holder=holder, every=every):
        return False
    KEEPER.hold(lease)
    try:
        job()
    except Exception:
        logger.exception("periodic job %s failed", name)
    finally:
        KEEPER.drop(lease)
        lease_release(lease, holder=holder)
    return True


def periodic_loop(name: str, every: float, job: Callable[[], object]) -> None:
    """Forever: run ``job`` when it is due (for a worker's daemon thread)."""
    # Workers started together should not all ask at the same moment.
    time.sleep(random.random() * min(every, 1.0))  # nosec B311 (jitter, not a secret)
    while True:
        try:
            periodic_run_once(name, every, job)
        except Exception:  # the claim itself failed, e.g. the database is out of reach
            logger.exception("periodic job %s could not be scheduled", name)
        finally:
            close_old_connections()
        time.sleep(min(every, POLL_SECONDS))
