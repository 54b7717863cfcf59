"""Background work for person records: the hit/no-hit index."""

from __future__ import annotations

from django_tasks import task

from .services import records_index


@task()
def index_person_records(record_ids: list[str]) -> int:
    return records_index(record_ids=record_ids)
