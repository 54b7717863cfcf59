"""The daily purge: delete or anonymise what has outlived its retention period, and say so in
the audit trail.

Every batch is one transaction together with its ``purge`` event (category, cut-off, count,
measure), so a crash leaves either both or neither. A category with nothing due still gets
an event with count 0: the trail shows that the purge ran. The audit chain itself is never
touched: its events name objects only by a keyed hash (``audit.chain.object_ref``), so
nothing in it needs purging and nothing in it breaks.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from ketenzicht.accounts.actor import SYSTEM, Actor
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import Context
from ketenzicht.followup.models import MissingReport, ReferralEvent
from ketenzicht.persons.models import PersonCluster, PersonRecord
from ketenzicht.signals.models import Signal, SignalRevision, Subject

from .retention import (
    RULES,
    Category,
    Measure,
    cutoff,
    due_closed_referral_signals,
    due_closed_referrals,
    due_hit_notices,
    due_registered,
    due_soft_signals,
)

BATCH = 1000


@dataclass(frozen=True)
class PurgeResult:
    category: Category
    cutoff: dt.datetime
    measure: Measure
    count: int


def retention_purge(
    *, context: Context, now: dt.datetime | None = None, actor: Actor = SYSTEM
) -> list[PurgeResult]:
    """Run every category once; returns what was done per category."""
    now = now or timezone.now()
    return [
        _purge(rule.category, rule.measure, cutoff(rule.category, now), actor, context)
        for rule in RULES
    ]


def _purge(
    category: Category, measure: Measure, before: dt.datetime, actor: Actor, context: Context
) -> PurgeResult:
    step = _STEPS[category]
    total, first = 0, True
    while True:
        with transaction.atomic():
            done = step(before)
            if done or first:
                audit_record(
                    actor=actor,
                    action=Action.PURGE,
                    purpose=Purpose.RETENTION,
                    context=context,
                    detail={
                        "category": category.value,
                        "cutoff": before.isoformat(),
                        "measure": measure.value,
                        "count": done,
                    },
                )
        total += done
        first = False
        if done < BATCH:
            return PurgeResult(category, before, measure, total)


def _ids(queryset: QuerySet[Any]) -> list[Any]:
    # Locked so that a signal edited or referred while we purge is not anonymised under it
    # (SQLite ignores the lock; it has one writer at a time anyway).
    return list(queryset.select_for_update(skip_locked=True).values_list("pk", flat=True)[:BATCH])


def _soft_signals(before: dt.datetime) -> int:
    return signals_anonymise(_ids(due_soft_signals(before)))


def _closed_referrals(before: dt.datetime) -> int:
    # The referrals keep status, dates and outcome (the deadline figures); their free text
    # and that of their steps can describe the person, so it goes with the signals.
    referrals = due_closed_referrals(before)
    ReferralEvent.objects.filter(referral__in=referrals, note__isempty=False).update(note="")
    referrals.update(reason="", outcome_reason="", feedback="")
    return signals_anonymise(_ids(due_closed_referral_signals(before)))


def _delete(due: Callable[[dt.datetime], QuerySet[Any]]) -> Callable[[dt.datetime], int]:
    def step(before: dt.datetime) -> int:
        ids = _ids(due(before))
        due(before).filter(pk__in=ids).delete()
        return len(ids)

    return step


_STEPS: dict[Category, Callable[[dt.datetime], int]] = {
    Category.SOFT_SIGNALS: _soft_signals,
    Category.CLOSED_REFERRALS: _closed_referrals,
    Category.HIT_NOTICES: _delete(due_hit_notices),
    Category.IDEMPOTENCY_KEYS: _delete(
        lambda before: due_registered(Category.IDEMPOTENCY_KEYS)(before)
    ),
}


def signals_anonymise(signal_ids: Iterable[uuid.UUID]) -> int:
    """Strip signals to what the monitor counts. Call inside a transaction."""
    ids = list(signal_ids)
    if not ids:
        return 0
    record_ids = set(Subject.objects.filter(signal_id__in=ids).values_list("record_id", flat=True))
    Subject.objects.filter(signal_id__in=ids).delete()  # victim tracks go with them
    SignalRevision.objects.filter(signal_id__in=ids).delete()
    Signal.objects.filter(pk__in=ids).update(
        narrative="", source_reference="", legal_basis_note="", anonymised_at=timezone.now()
    )
    _orphaned_records_delete(record_ids)
    return len(ids)


def _orphaned_records_delete(record_ids: set[uuid.UUID]) -> None:
    """Person records that no signal and no missing-person report needs any more go, with
    their identifiers, index entries, linkage features, hit notices and reviews."""
    orphans = (
        PersonRecord.objects.filter(pk__in=record_ids)
        .exclude(Exists(Subject.objects.filter(record_id=OuterRef("pk"))))
        .exclude(Exists(MissingReport.objects.filter(record_id=OuterRef("pk"))))
    )
    clusters = set(orphans.exclude(cluster_id=None).values_list("cluster_id", flat=True))
    orphans.delete()
    if clusters:
        sizes = dict(
            PersonRecord.objects.filter(cluster_id__in=clusters)
            .values_list("cluster_id")
            .annotate(n=Count("pk"))
            .values_list("cluster_id", "n")
        )
        for cluster_id in clusters:
            if sizes.get(cluster_id):
                PersonCluster.objects.filter(pk=cluster_id).update(size=sizes[cluster_id])
            else:
                PersonCluster.objects.filter(pk=cluster_id).delete()
