"""The tail of the audit chain under a checkpoint (issue 19, item 7; ADR 0024): the worker
signs when the chain passes every AUDIT_CHECKPOINT_EVENTS events and when it stops, so a cut
tail is caught up to the last event linked before a clean stop."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings

import pytest

from ketenzicht.audit.checkpoints import checkpoint_every
from ketenzicht.common.tests import workers

from .test_chain import _events


def _sizes() -> list[int]:
    directory = Path(settings.AUDIT_CHECKPOINT_DIR)
    return sorted(int(p.stem.split("-")[1]) for p in directory.glob("checkpoint-*.txt"))


@pytest.mark.django_db
def test_the_linker_signs_each_time_the_chain_passes_a_multiple_of_n() -> None:
    _events(25)
    assert checkpoint_every(10) is not None
    assert _sizes() == [25]
    _events(3)
    assert checkpoint_every(10) is None  # 28: no multiple of 10 passed
    _events(2)
    assert checkpoint_every(10) is not None  # 30 reached
    _events(5)
    checkpoint_every(10)
    assert _sizes() == [25, 30]


EVENTS = """
from ketenzicht.accounts.actor import SYSTEM
from ketenzicht.common.context import CLI
from ketenzicht.audit.services import audit_record
for index in range(5):
    audit_record(actor=SYSTEM, action="view", purpose="audit", context=CLI,
                 object_type="signal", object_id=f"id-{index}")
"""

CUT_TAIL = """
from django.db import connection, transaction
from ketenzicht.audit.guards import remove_guards
from ketenzicht.audit.models import AuditChainHead, AuditChainLink, AuditEvent
remove_guards(connection)
with transaction.atomic():
    head = AuditChainHead.objects.get()
    cut = head.seq - 2
    gone = list(AuditChainLink.objects.filter(seq__gt=cut).values_list("event_id", flat=True))
    AuditChainLink.objects.filter(seq__gt=cut).delete()
    AuditEvent.objects.filter(id__in=gone).delete()
    last = AuditChainLink.objects.get(seq=cut)
    AuditChainHead.objects.update(seq=cut, hash=last.hash)
out = cut
"""


def _verify(var: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ketenzicht.cli", "audit", "verify", "--no-link"],
        env=workers.environment(var),
        cwd=workers.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_worker_stopped_by_sigterm_leaves_the_last_event_under_a_checkpoint(
    tmp_path: Path,
) -> None:
    var = workers.fresh_var(tmp_path / "var")
    # No checkpoint by time or by count during the test: only the one on stopping.
    worker = workers.start_worker(
        var, "--checkpoint-interval", "3600", AUDIT_CHECKPOINT_EVENTS="1000"
    )
    try:
        workers.wait_for(
            lambda: workers.query(
                var, "SELECT 1 FROM common_lease WHERE name LIKE 'periodic:audit%'"
            ),
            seconds=120,
        )
        workers.python(var, EVENTS)
    finally:
        _out, err = workers.stop(worker, signal.SIGTERM)
    assert worker.returncode == 0, err
    (events,) = workers.query(var, "SELECT count(*) FROM audit_auditevent")[0]
    assert events >= 5
    assert (var / "audit-checkpoints" / f"checkpoint-{events:012d}.txt").exists()
    assert _verify(var).returncode == 0

    # Cutting the tail off and winding the head back is caught: the checkpoint is longer.
    assert workers.python(var, CUT_TAIL) == events - 2
    verdict = _verify(var)
    assert verdict.returncode == 1
    assert "events were removed" in verdict.stderr
