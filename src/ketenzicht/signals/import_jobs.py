"""Uploads for import: store the file as a job and queue it for the worker
(``tasks.run_import_job``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import Context

from .models import ImportJob
from .tasks import run_import_job


def import_job_create(
    *, actor: Actor, context: Context, filename: str, content: bytes
) -> ImportJob:
    """Store an uploaded file and queue it; the worker runs it (``tasks.run_import_job``)."""
    if not policy.may_register(actor) or actor.organisation_id is None:
        raise PermissionDenied
    with transaction.atomic():
        job = ImportJob.objects.create(
            organisation_id=actor.organisation_id,
            created_by_id=actor.user_id,
            filename=filename[:255],
            content=content,
        )
        audit_record(
            actor=actor,
            action=Action.IMPORT,
            purpose=Purpose.IMPORT,
            context=context,
            object_type="import",
            object_id=job.pk,
            detail={"stage": "uploaded", "bytes": len(content)},
        )
    # Enqueue after commit so the worker finds the job row.
    transaction.on_commit(lambda: run_import_job.enqueue(str(job.pk)))
    return job
