"""Background work for signals: running an uploaded import, and taking over an import whose
worker died (ADR 0024)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from django_tasks import task

from ketenzicht.accounts.actor import SYSTEM
from ketenzicht.accounts.models import User
from ketenzicht.accounts.selectors import actor_for_user
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import TASK, Context
from ketenzicht.common.leases import (
    KEEPER,
    LeaseLostError,
    lease_claim,
    lease_release,
    lease_renew,
)

from .importer import import_signals
from .models import ImportFailure, ImportJob, ImportStatus


def import_lease(job_id: object) -> str:
    return f"import:{job_id}"


@task()
def run_import_job(job_id: str) -> str:
    lease = import_lease(job_id)
    if not lease_claim(lease):
        return ImportStatus.RUNNING  # another worker is running it
    KEEPER.hold(lease)
    try:
        return _run(job_id, lease)
    finally:
        KEEPER.drop(lease)
        lease_release(lease, forget=True)


def _run(job_id: str, lease: str) -> str:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.is_finished:
            return job.status
        job.status = ImportStatus.RUNNING
        job.attempts += 1
        job.save(update_fields=["status", "attempts"])
    actor = actor_for_user(User.objects.get(pk=job.created_by_id))
    depth = len(transaction.get_connection().atomic_blocks)

    def progress(done: int, total: int) -> None:
        if len(transaction.get_connection().atomic_blocks) > depth:
            # Writing, inside the import's one transaction: renewing the lease in it makes
            # the commit depend on still holding the lease, so a worker given up for dead
            # (stalled past its lease) cannot commit beside the one that took over.
            if not lease_renew([lease]):
                raise LeaseLostError(lease)
            return
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)

    result = import_signals(
        actor=actor,
        context=Context(channel="task", explanation=f"import {job.filename}"),
        content=bytes(job.content),
        filename=job.filename,
        progress=progress,
    )
    ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
        status=ImportStatus.SUCCEEDED if result.ok else ImportStatus.FAILED,
        total_rows=result.total_rows,
        processed_rows=result.total_rows,
        created_count=result.created,
        skipped_count=result.skipped,
        errors=[e.as_dict() for e in result.errors],
        content=b"",
        finished_at=timezone.now(),
    )
    return ImportStatus.SUCCEEDED if result.ok else ImportStatus.FAILED


def import_jobs_recover() -> list[str]:
    """Imports left running by a worker that died (its lease ran out): run again, or after
    IMPORT_MAX_ATTEMPTS runs give up, remove the uploaded file and tell the user through the
    job. The import itself is one transaction, so a dead worker wrote none of it. Returns
    the ids of the jobs taken over."""
    recovered = []
    running = ImportJob.objects.filter(status=ImportStatus.RUNNING).values_list("pk", flat=True)
    for job_id in list(running):
        lease = import_lease(job_id)
        if not lease_claim(lease):
            continue  # its worker is alive, or another worker is recovering it
        try:
            with transaction.atomic():
                job = ImportJob.objects.select_for_update().defer("content").get(pk=job_id)
                if job.status != ImportStatus.RUNNING:
                    continue
                if job.attempts >= settings.IMPORT_MAX_ATTEMPTS:
                    _give_up(job)
                else:
                    _retry(job)
                recovered.append(str(job_id))
        finally:
            lease_release(lease, forget=True)
    return recovered


def _give_up(job: ImportJob) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED,
        failure=ImportFailure.INTERRUPTED,
        content=b"",
        finished_at=timezone.now(),
    )
    _audit(job, "interrupted")


def _retry(job: ImportJob) -> None:
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.PENDING)
    _audit(job, "retried")
    # In this transaction: the job is queued again exactly when it is marked pending.
    lease_release(import_lease(job.pk), forget=True)
    run_import_job.enqueue(str(job.pk))


def _audit(job: ImportJob, stage: str) -> None:
    audit_record(
        actor=SYSTEM,
        action=Action.IMPORT,
        purpose=Purpose.IMPORT,
        context=TASK,
        object_type="import",
        object_id=job.pk,
        detail={"stage": stage, "attempts": job.attempts},
    )
