"""Counting people for tests that check figures against the truth the generator knows."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from ketenzicht.persons.models import PersonRecord


def distinct_persons(records: QuerySet[PersonRecord]) -> int:
    """How many people these records are about: one per person cluster, and each record
    outside any cluster (withheld from linkage) as a person of its own. For figures only;
    the caller decides which records may be counted."""
    counts = records.aggregate(
        clusters=Count("cluster_id", distinct=True),
        unlinked=Count("pk", filter=Q(cluster__isnull=True)),
    )
    return int(counts["clusters"]) + int(counts["unlinked"])
