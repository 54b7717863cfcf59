"""Background work for person records: the hit/no-hit index, then ``records_indexed`` (on
which follow-up runs its combination rules over the soft signals that name the records)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import transaction

from django_tasks import task

from .events import records_indexed
from .hit_services import records_index


@task()
def index_person_records(record_ids: list[str]) -> int:
    new = records_index(record_ids=record_ids)
    records_indexed.send(sender=index_person_records, record_ids=list(record_ids))
    return new


def index_after_commit(record_ids: Iterable[uuid.UUID]) -> None:
    """Queue indexing of these records once the transaction that wrote them commits."""
    ids = [str(pk) for pk in record_ids]
    if ids:
        transaction.on_commit(lambda: index_person_records.enqueue(ids))
