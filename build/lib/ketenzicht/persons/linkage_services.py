"""Writes of linkage in the product: training the model on the records the chain holds and
re-linking every record into person clusters (ADR 0009)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ketenzicht.accounts.actor import SYSTEM
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import Context, audit_record

from .linkage import model as linkage_model
from .linkage.clusters import Pair
from .linkage.link import link, prior_weight
from .linking import INDEXED, MIN_POPULATION, decisions, features_of, ordered, record_row
from .models import (
    HitNotice,
    LinkageModel,
    MatchReview,
    PersonCluster,
    PersonRecord,
    RecordFeatures,
    ReviewStatus,
)
from .services import notices_prune, withheld_everywhere


@dataclass(frozen=True)
class RelinkResult:
    records: int
    clusters: int
    automatic: int
    review: int
    model_version: str


def _rows() -> list[dict[str, Any]]:
    """Every record's feature row; stored features are brought up to date on the way."""
    rows = []
    stored = dict(RecordFeatures.objects.values_list("record_id", "row").iterator(chunk_size=5000))
    stale: list[RecordFeatures] = []
    records = PersonRecord.objects.prefetch_related("identifiers").order_by("pk")
    for record in records.iterator(chunk_size=2000):
        row = record_row(record, [i.value for i in record.identifiers.all() if i.kind == "phone"])
        if stored.get(record.pk) != row:
            stale.append(features_of(row, record.pk))
        rows.append(row)
    if stale:
        RecordFeatures.objects.bulk_create(
            stale,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["record"],
            update_fields=["row", *INDEXED],
        )
    return rows


def current_model() -> dict[str, Any]:
    """The newest trained model, or the one shipped with Ketenzicht."""
    latest = LinkageModel.objects.first()
    return dict(latest.model) if latest else linkage_model.default_model()


def linkage_train(*, context: Context) -> LinkageModel:
    """Train on every person record and keep the model with its version."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    rows = _rows()
    confirmed, rejected = decisions()
    labels = [(a, b, True) for a, b in confirmed] + [(a, b, False) for a, b in rejected]
    trained = linkage_model.train(rows, labels=labels)
    with transaction.atomic():
        stored = LinkageModel.objects.create(
            version=trained["ketenzicht_model_version"],
            records=len(rows),
            labels=trained["ketenzicht_labels"],
            model=trained,
        )
        audit_record(
            actor=SYSTEM,
            action=Action.CONFIGURE,
            purpose=Purpose.ADMINISTRATION,
            context=context,
            object_type="person",
            detail={"linkage_model": stored.pk, "records": len(rows)},
        )
    return stored


def _requeue_reviews(uncertain: list[Pair[str]], model: dict[str, Any]) -> int:
    """The review queue becomes this run's uncertain band; decided pairs stay decided."""
    wanted = {ordered(uuid.UUID(p.left), uuid.UUID(p.right)): p for p in uncertain}
    pending = MatchReview.objects.filter(status=ReviewStatus.PENDING)
    stale = [
        pk
        for pk, left, right in pending.values_list("pk", "left_id", "right_id")
        if (left, right) not in wanted
    ]
    for start in range(0, len(stale), 2000):
        MatchReview.objects.filter(pk__in=stale[start : start + 2000]).update(
            status=ReviewStatus.SUPERSEDED
        )
    existing = {
        (left, right): status
        for left, right, status in MatchReview.objects.filter(
            left_id__in=[k[0] for k in wanted]
        ).values_list("left_id", "right_id", "status")
    }
    prior, version = prior_weight(model), str(model.get("ketenzicht_model_version", ""))
    fresh = []
    for (left, right), pair in wanted.items():
        status = existing.get((left, right))
        if status in (ReviewStatus.CONFIRMED, ReviewStatus.REJECTED):
            continue
        values = {
            "probability": pair.probability,
            "weight": pair.weight,
            "steps": [list(step) for step in pair.steps],
            "prior": prior,
            "model_version": version,
            "status": ReviewStatus.PENDING,
        }
        if status is None:
            fresh.append(MatchReview(left_id=left, right_id=right, **values))
        else:
            MatchReview.objects.filter(left_id=left, right_id=right).update(**values)
    MatchReview.objects.bulk_create(fresh, batch_size=2000)
    return len(wanted)


def persons_relink(*, context: Context) -> RelinkResult:
    """Link every person record with the current model; clusters keep their identifiers
    where their members did not change."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    rows = _rows()
    model = current_model()
    withheld = {str(pk) for pk in withheld_everywhere()}
    rows = [r for r in rows if r["unique_id"] not in withheld]
    previous = {
        str(pk): cluster
        for pk, cluster in PersonRecord.objects.filter(cluster__isnull=False).values_list(
            "pk", "cluster_id"
        )
    }
    confirmed, rejected = decisions()
    result = link(
        rows,
        model,
        previous=previous,
        confirmed=confirmed,
        rejected=rejected,
        min_population=MIN_POPULATION,
    )
    sizes: dict[int, int] = {}
    for cluster in result.clusters.values():
        sizes[cluster] = sizes.get(cluster, 0) + 1
    with transaction.atomic():
        PersonCluster.objects.exclude(pk__in=list(sizes)).delete()
        existing = dict(PersonCluster.objects.values_list("pk", "size"))
        PersonCluster.objects.bulk_create(
            [PersonCluster(pk=c, size=n) for c, n in sizes.items() if c not in existing]
        )
        # One statement per batch, not per cluster: a million records make ~400,000 clusters.
        PersonCluster.objects.bulk_update(
            [
                PersonCluster(pk=c, size=n)
                for c, n in sizes.items()
                if c in existing and existing[c] != n
            ],
            ["size"],
            batch_size=2000,
        )
        changed = [
            PersonRecord(pk=record_id, cluster_id=cluster)
            for record_id, cluster in result.clusters.items()
            if previous.get(record_id) != cluster
        ]
        PersonRecord.objects.bulk_update(changed, ["cluster"], batch_size=2000)
        queued = _requeue_reviews(result.review, model)
        # Notices the new clusters no longer bear out go now, also on records that stayed
        # where they were while the other organisation's record moved away.
        with_notices = list(HitNotice.objects.values_list("record_id", flat=True).distinct())
        withdrawn = sum(
            notices_prune(with_notices[start : start + 2000])
            for start in range(0, len(with_notices), 2000)
        )
        audit_record(
            actor=SYSTEM,
            action=Action.UPDATE,
            purpose=Purpose.ADMINISTRATION,
            context=context,
            object_type="person",
            detail={
                "relink": True,
                "records": len(rows),
                "clusters": len(sizes),
                "changed": len(changed),
                "reviews": queued,
                "withdrawn_notices": withdrawn,
                "model": model.get("ketenzicht_model_version", ""),
            },
        )
    changed_ids = [record.pk for record in changed]
    transaction.on_commit(lambda: _index_later(changed_ids))
    return RelinkResult(
        records=len(rows),
        clusters=len(sizes),
        automatic=len(result.automatic),
        review=len(result.review),
        model_version=str(model.get("ketenzicht_model_version", "")),
    )


def _index_later(record_ids: list[Any]) -> None:
    """Notices follow the new clusters: the worker re-indexes the records that moved."""
    from .tasks import index_person_records

    for start in range(0, len(record_ids), 500):
        index_person_records.enqueue([str(pk) for pk in record_ids[start : start + 500]])
