"""Periodic jobs of the worker, each run once per period across every worker (ADR 0024)."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable

from django.db import close_old_connections

from .leases import HOLDER, KEEPER, lease_claim, lease_release

logger = logging.getLogger(__name__)

# How often an idle worker asks whether a job is due: the most a run starts late.
POLL_SECONDS = 5.0


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
