"""Writes of linkage in the product: training the model on the records the chain holds and
re-linking every record into person clusters (ADR 0009)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from ketenzicht.accounts.actor import SYSTEM
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import Context

from .hit_services import withheld_everywhere
from .intake_linking import MIN_POPULATION, decisions
from .linkage import model as linkage_model
from .linkage.stream import MEMORY_LIMIT, BatchLinker
from .models import LinkageModel
from .relink_store import (
    Read,
    feed,
    highest_cluster,
    lock_clusters,
    prune_notices,
    raise_notices,
    record_chunks,
    requeue_reviews,
    shared_clusters,
    write_clusters,
)
from .tasks import index_person_records


@dataclass(frozen=True)
class RelinkResult:
    records: int
    clusters: int
    automatic: int
    review: int
    model_version: str
    pairs: int = 0  # scored from the review threshold up
    changed: int = 0  # records whose cluster changed
    new_notices: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # per phase


def _rows() -> list[dict[str, Any]]:
    """Every record's feature row, computed from the record; stored features are brought
    up to date on the way."""
    return [row for chunk in record_chunks(refresh=True) for _pk, _c, row in chunk if row]


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


def persons_relink(
    *,
    context: Context,
    index_moved: bool = True,
    refresh_features: bool = False,
    memory_limit: str = MEMORY_LIMIT,
) -> RelinkResult:
    """Link every person record with the current model; clusters keep their identifiers
    where their members did not change.

    The register streams from the database into the linkage database in chunks
    (``relink.feed``) and the outcome goes back in bulk, so memory does not grow with the
    register. Notices the new clusters bear out are raised at once; ``index_moved`` also
    lets the worker re-index the records that moved (the combination rules follow).
    Stored feature rows are used as they are (records without one get it now);
    ``refresh_features`` computes every row from its record again first."""
    model = current_model()
    withheld = withheld_everywhere()
    confirmed, rejected = decisions()
    decided = {pk for pair in (*confirmed, *rejected) for pk in pair}
    read = Read()
    with BatchLinker(model, min_population=MIN_POPULATION, memory_limit=memory_limit) as linker:
        feed(linker, withheld=withheld, decided=decided, read=read, refresh=refresh_features)
        numbers = read.numbers

        def coded(pairs: set[tuple[str, str]]) -> list[tuple[int, int]]:
            return [(numbers[a], numbers[b]) for a, b in pairs if a in numbers and b in numbers]

        linker.link(
            confirmed=coded(confirmed), rejected=coded(rejected), next_id=highest_cluster() + 1
        )
        with transaction.atomic():
            # Online linking may have made clusters meanwhile: new identifiers start above.
            highest = lock_clusters()
            linker.renumber_new_above(highest)
            moved = write_clusters(linker, read.detach)
            linker.band(coded(confirmed) + coded(rejected))
            queued = requeue_reviews(linker, model)
            withdrawn = prune_notices()
            linker.timings.lap("write")
            touched = linker.new_clusters_of_moved()
            new_notices = raise_notices(shared_clusters(touched))
            linker.timings.lap("notices")
            audit_record(
                actor=SYSTEM,
                action=Action.UPDATE,
                purpose=Purpose.ADMINISTRATION,
                context=context,
                object_type="person",
                detail={
                    "relink": True,
                    "records": read.records,
                    "clusters": linker.clusters,
                    "changed": moved,
                    "reviews": queued,
                    "withdrawn_notices": withdrawn,
                    "new_notices": new_notices,
                    "model": model.get("ketenzicht_model_version", ""),
                },
            )
            if index_moved and moved:
                moved_ids = linker.moved_ids()
                transaction.on_commit(lambda: _index_later(moved_ids))
        return RelinkResult(
            records=read.records,
            clusters=linker.clusters,
            automatic=linker.automatic,
            review=queued,
            model_version=str(model.get("ketenzicht_model_version", "")),
            pairs=linker.pairs,
            changed=moved,
            new_notices=new_notices,
            seconds=dict(linker.timings.seconds),
        )


def _index_later(record_ids: list[Any]) -> None:
    """Notices follow the new clusters: the worker re-indexes the records that moved."""
    for start in range(0, len(record_ids), 500):
        index_person_records.enqueue([str(pk) for pk in record_ids[start : start + 500]])
