"""Background work for signals: running an uploaded import."""

from __future__ import annotations

from django.utils import timezone

from django_tasks import task

from ketenzicht.accounts.models import User
from ketenzicht.accounts.selectors import actor_for_user
from ketenzicht.audit.services import Context

from .importer import import_signals
from .models import ImportJob, ImportStatus


@task()
def run_import_job(job_id: str) -> str:
    job = ImportJob.objects.get(pk=job_id)
    if job.is_finished:
        return job.status
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    actor = actor_for_user(User.objects.get(pk=job.created_by_id))

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)

    result = import_signals(
        actor=actor,
        context=Context(channel="task", explanation=f"import {job.filename}"),
        content=bytes(job.content),
        filename=job.filename,
        progress=progress,
    )
    ImportJob.objects.filter(pk=job.pk).update(
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
