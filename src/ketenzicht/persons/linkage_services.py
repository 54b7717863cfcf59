"""Writes of linkage in the product: training the model on the records the chain holds and
re-linking every record into person clusters (ADR 0009)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ketenzicht.accounts.actor import SYSTEM
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import Context, audit_record

from .linkage import model as linkage_model
from .linkage.features import record_features
from .linkage.link import link
from .models import LinkageModel, PersonCluster, PersonRecord

SEX = {"female": "F", "male": "M"}


@dataclass(frozen=True)
class RelinkResult:
    records: int
    clusters: int
    automatic: int
    review: int
    model_version: str


def _rows() -> list[dict[str, Any]]:
    rows = []
    records = PersonRecord.objects.prefetch_related("identifiers").order_by("pk")
    for record in records.iterator(chunk_size=2000):
        phones = [i.value for i in record.identifiers.all() if i.kind == "phone"]
        rows.append(
            record_features(
                {
                    "record_id": str(record.pk),
                    "source_org": str(record.organisation_id),
                    "given_name": record.given_name,
                    "family_name": record.family_name,
                    "date_of_birth": record.date_of_birth.isoformat()
                    if record.date_of_birth
                    else "",
                    "sex": SEX.get(record.sex, ""),
                    "nationality": record.nationality,
                    "v_number": record.v_number,
                    "phone": phones[0] if phones else "",
                },
                dob_precision="placeholder_jan1"
                if record.dob_precision == "placeholder_jan1"
                else record.dob_precision,
            )
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
    trained = linkage_model.train(rows)
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


def persons_relink(*, context: Context) -> RelinkResult:
    """Link every person record with the current model; clusters keep their identifiers
    where their members did not change."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    rows = _rows()
    model = current_model()
    previous = {
        str(pk): cluster
        for pk, cluster in PersonRecord.objects.filter(cluster__isnull=False).values_list(
            "pk", "cluster_id"
        )
    }
    result = link(rows, model, previous=previous)
    sizes: dict[int, int] = {}
    for cluster in result.clusters.values():
        sizes[cluster] = sizes.get(cluster, 0) + 1
    with transaction.atomic():
        PersonCluster.objects.exclude(pk__in=list(sizes)).delete()
        existing = set(PersonCluster.objects.values_list("pk", flat=True))
        PersonCluster.objects.bulk_create(
            [PersonCluster(pk=c, size=n) for c, n in sizes.items() if c not in existing]
        )
        for cluster, size in sizes.items():
            if cluster in existing:
                PersonCluster.objects.filter(pk=cluster).exclude(size=size).update(size=size)
        changed = [
            PersonRecord(pk=record_id, cluster_id=cluster)
            for record_id, cluster in result.clusters.items()
            if previous.get(record_id) != cluster
        ]
        PersonRecord.objects.bulk_update(changed, ["cluster"], batch_size=2000)
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
                "model": model.get("ketenzicht_model_version", ""),
            },
        )
    return RelinkResult(
        records=len(rows),
        clusters=len(sizes),
        automatic=len(result.automatic),
        review=len(result.review),
        model_version=str(model.get("ketenzicht_model_version", "")),
    )
