"""Background work for person records: the hit/no-hit index, then the combination rules
of follow-up over the soft signals that name the indexed records."""

from __future__ import annotations

import uuid

from django_tasks import task

from .services import records_index


@task()
def index_person_records(record_ids: list[str]) -> int:
    from ketenzicht.followup.combinations import combinations_evaluate
    from ketenzicht.signals.models import Kind, Subject

    new = records_index(record_ids=record_ids)
    ids = [uuid.UUID(str(pk)) for pk in record_ids]
    soft = Subject.objects.filter(record_id__in=ids, signal__kind=Kind.SOFT).values_list(
        "signal_id", flat=True
    )
    combinations_evaluate(signal_ids=list(dict.fromkeys(soft)))
    return new
