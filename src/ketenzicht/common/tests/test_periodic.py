"""Periodic jobs across workers (issue 19, item 12; ADR 0024): every worker asks, one runs
the job per period, and a failure is logged with its traceback."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import signal
import time
from pathlib import Path

from django.utils import timezone

import pytest

from ketenzicht.common.leases import lease_claim, lease_release
from ketenzicht.common.logs import OneLineUtcFormatter
from ketenzicht.common.models import Lease
from ketenzicht.common.periodic import periodic_run_once
from ketenzicht.common.tests import workers
from ketenzicht.privacy.retention import RULES


@pytest.mark.django_db
def test_a_lease_goes_to_one_holder_until_it_runs_out() -> None:
    assert lease_claim("import:x", holder="a", seconds=60)
    assert not lease_claim("import:x", holder="b", seconds=60)
    assert not lease_claim("import:x", holder="a", seconds=60)  # not twice, even by its holder
    Lease.objects.filter(name="import:x").update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert lease_claim("import:x", holder="b", seconds=60)
    lease_release("import:x", holder="a")  # no longer a's to give up
    assert Lease.objects.get(name="import:x").holder == "b"


@pytest.mark.django_db
def test_a_periodic_job_runs_once_per_period_whoever_asks() -> None:
    runs: list[str] = []
    for holder in ["a", "b", "a", "b"]:
        periodic_run_once("job", 60, lambda holder=holder: runs.append(holder), holder=holder)
    assert runs == ["a"]
    Lease.objects.filter(name="periodic:job").update(due_at=timezone.now())
    for holder in ["b", "a"]:
        periodic_run_once("job", 60, lambda holder=holder: runs.append(holder), holder=holder)
    assert runs == ["a", "b"]


@pytest.mark.django_db
def test_a_failing_periodic_job_logs_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> None:
        raise ZeroDivisionError("division by zero in the job")

    with caplog.at_level(logging.ERROR, logger="ketenzicht.common.periodic"):
        assert periodic_run_once("broken", 60, broken, holder="a")
    (record,) = caplog.records
    assert record.exc_info and record.exc_info[0] is ZeroDivisionError
    line = OneLineUtcFormatter().format(record)
    assert "periodic job broken failed" in line and "Traceback" in line and "in broken" in line
    assert "\n" not in line  # one record, one line
    # The lease is given back: the job runs again when it is next due.
    assert Lease.objects.get(name="periodic:broken").holder == ""


PURGES = """
from ketenzicht.audit.models import AuditEvent
out = [e.occurred_at.timestamp() for e in AuditEvent.objects.filter(action="purge")
       if e.detail.get("category") == {category!r}]
"""


def test_two_worker_processes_run_a_periodic_job_once_per_period(tmp_path: Path) -> None:
    """The retention purge records one event per category each time it runs."""
    var = workers.fresh_var(tmp_path / "var")
    period, seconds = 2.0, 9.0
    started = [workers.start_worker(var, "--purge-interval", str(period)) for _ in range(2)]
    try:
        # Starting a worker takes seconds: count from the first run on.
        workers.wait_for(
            lambda: workers.query(var, "SELECT 1 FROM common_lease WHERE name = 'periodic:purge'"),
            seconds=120,
        )
        first = time.monotonic()
        time.sleep(seconds)
    finally:
        for worker in started:
            workers.stop(worker)
    elapsed = time.monotonic() - first
    runs = sorted(workers.python(var, PURGES.format(category=RULES[0].category.value)))
    # Two workers each running it would make twice as many runs, pairs close together.
    assert 3 <= len(runs) <= elapsed / period + 1, (runs, elapsed)
    gaps = [later - earlier for earlier, later in itertools.pairwise(runs)]
    assert min(gaps) >= period - 0.5, json.dumps(gaps)


def test_a_worker_stopped_by_sigterm_exits_cleanly(tmp_path: Path) -> None:
    var = workers.fresh_var(tmp_path / "var")
    worker = workers.start_worker(var)
    workers.wait_for(lambda: workers.query(var, "SELECT 1 FROM common_lease"), seconds=60)
    _out, err = workers.stop(worker, signal.SIGTERM)
    assert worker.returncode == 0, err
    assert "Traceback" not in err


def test_every_app_registers_its_periodic_jobs_with_the_worker() -> None:
    # The worker runs what the apps register in AppConfig.ready(); an app that forgot would
    # silently stop its job (no escalation, no purge), so the set is pinned here.
    from ketenzicht.common.periodic import jobs, worker_stop_hooks

    registered = {job.name: (job.option, job.every) for job in jobs()}
    assert registered == {
        "audit-linker": ("audit", 2.0),
        "audit-checkpoint": ("checkpoint", 300.0),
        "webhook-retries": ("retry", 5.0),
        "deadlines": ("deadline", 60.0),
        "monitor": ("monitor", 3600.0),
        "purge": ("purge", 86400.0),
        "import-recovery": ("import-recovery", 30.0),
    }
    assert [name for name, _hook in worker_stop_hooks()] == ["audit-checkpoint"]
