"""Linking person records into person clusters as they arrive (online linkage, ADR 0009).

A new or changed record is scored against the records that share one of the model's
blocking keys (indexed columns of ``RecordFeatures``), with the same Splink model a batch
re-link uses. Above the automatic threshold it joins the cluster(s) it links to; in the
uncertain band a ``MatchReview`` waits for a coordinator; reviewers' decisions always win.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from ketenzicht.accounts.actor import SYSTEM, Actor
from ketenzicht.audit.chain import object_ref
from ketenzicht.audit.models import Action, ObjectType, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import TASK, Context
from ketenzicht.common.crypto import keyed_digest
from ketenzicht.common.encrypted_fields import open_value

from .linkage import model as linkage_model
from .linkage import normalise
from .linkage.batch import TF_COLUMNS, prior_weight, score
from .linkage.clusters import Pair
from .linkage.conflicts import cluster_apart
from .linkage.features import record_features
from .linkage.online import Scorer, blocking_keys
from .models import (
    LinkageModel,
    MatchReview,
    PersonCluster,
    PersonRecord,
    RecordFeatures,
    ReviewStatus,
)

SEX = {"female": "F", "male": "M"}
THRESHOLDS = linkage_model.DEFAULT_THRESHOLDS
# Enough for any real block; a name-and-year block beyond it is a data problem, not a person.
CANDIDATE_LIMIT = 1000
# Name frequencies count over at least this many records (``link.with_term_frequencies``).
MIN_POPULATION = 10_000
INDEXED = (
    "v_number",
    "phone",
    "name_sorted",
    "name_key",
    "key_first",
    "key_last",
    "dob_year",
    "dob_trusted",
    "dob_md",
    "nationality",
    "key_given",
    "key_second",
    "dob",
    "dob_span",
    "dob_span_shifted",
    "sex",
)


def record_row(record: PersonRecord, phones: Iterable[str]) -> dict[str, Any]:
    """The model's feature row for a record (its first phone is compared)."""
    first_phone = sorted(phones)[:1]
    return record_features(
        {
            "record_id": str(record.pk),
            "source_org": str(record.organisation_id),
            "given_name": record.given_name,
            "family_name": record.family_name,
            "date_of_birth": record.date_of_birth.isoformat() if record.date_of_birth else "",
            "sex": SEX.get(record.sex, ""),
            "nationality": record.nationality,
            "v_number": record.v_number,
            "phone": first_phone[0] if first_phone else "",
        },
        dob_precision=record.dob_precision,
    )


def _phones(record: PersonRecord) -> list[str]:
    return [i.value for i in record.identifiers.all() if i.kind == "phone"]


# Blocking keys that carry a name, V-number or phone are stored as blind indexes (ADR
# 0021); dates and nationality stay as they are (they are in the person record too).
BLIND = frozenset(
    {
        "v_number",
        "phone",
        "name_sorted",
        "name_key",
        "key_first",
        "key_last",
        "key_given",
        "key_second",
    }
)


def blind_key(column: str, value: Any) -> Any:
    """A blocking-key value as stored in ``RecordFeatures``."""
    if column not in BLIND or value is None:
        return value
    return keyed_digest(f"features.{column}", str(value))


def blind_keys(key: Mapping[str, Any]) -> dict[str, Any]:
    return {column: blind_key(column, value) for column, value in key.items()}


def features_of(row: Mapping[str, Any], record_id: uuid.UUID) -> RecordFeatures:
    return RecordFeatures(
        record_id=record_id, row=dict(row), **{f: blind_key(f, row[f]) for f in INDEXED}
    )


# --- the model, once per process -------------------------------------------------------

_scorers: dict[int, Scorer] = {}


def current_model_id() -> int:
    """The newest trained model's id, 0 for the shipped default."""
    return LinkageModel.objects.values_list("pk", flat=True).first() or 0


def scorer() -> Scorer:
    model_id = current_model_id()
    if model_id not in _scorers:
        model = (
            LinkageModel.objects.get(pk=model_id).model
            if model_id
            else linkage_model.default_model()
        )
        _scorers.clear()
        # The prior for the register as it is now (``linkage.model.at_size``); it falls
        # slowly as the register grows, and a new model or process reads it again.
        _scorers[model_id] = Scorer(linkage_model.at_size(model, _population()))
    return _scorers[model_id]


def _population() -> int:
    count = cache.get("persons:linkage:population")
    if count is None:
        count = RecordFeatures.objects.count()
        cache.set("persons:linkage:population", count, 300)
    return max(int(count), MIN_POPULATION)


def _term_frequencies(rows: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    population = _population()
    tf: dict[str, dict[str, float]] = {}
    for column in TF_COLUMNS:
        values = {r[column] for r in rows if r.get(column)}
        digests = {blind_key(column, v): v for v in values}
        counts = dict(
            RecordFeatures.objects.filter(**{f"{column}__in": list(digests)})
            .values(column)
            .annotate(n=Count("pk"))
            .values_list(column, "n")
        )
        tf[column] = {v: max(counts.get(d, 0), 1) / population for d, v in digests.items()}
    return tf


# --- decisions ---------------------------------------------------------------------------


def ordered(a: uuid.UUID, b: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    return (a, b) if a < b else (b, a)


def decisions(
    record_ids: Iterable[uuid.UUID] | None = None,
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """Confirmed and rejected pairs with at least one of these records in them (every
    decision when no records are given)."""
    confirmed: set[tuple[str, str]] = set()
    rejected: set[tuple[str, str]] = set()
    decided = MatchReview.objects.filter(status__in=[ReviewStatus.CONFIRMED, ReviewStatus.REJECTED])
    if record_ids is not None:
        ids = list(record_ids)
        decided = decided.filter(Q(left_id__in=ids) | Q(right_id__in=ids))
    rows = decided.values_list("left_id", "right_id", "status")
    for left, right, status in rows:
        (confirmed if status == ReviewStatus.CONFIRMED else rejected).add((str(left), str(right)))
    return confirmed, rejected


# --- clusters ----------------------------------------------------------------------------


def _new_clusters(groups: Sequence[Sequence[str]]) -> list[int]:
    """A new cluster for each group of records, with the next free identifiers, in a few
    statements however many groups there are (an intake of thousands of records makes
    thousands of clusters). Workers may race for the identifiers: retry."""
    for _attempt in range(10):
        first = (PersonCluster.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        ids = list(range(first, first + len(groups)))
        try:
            with transaction.atomic():
                PersonCluster.objects.bulk_create(
                    [
                        PersonCluster(pk=pk, size=len(group))
                        for pk, group in zip(ids, groups, strict=True)
                    ],
                    batch_size=2000,
                )
        except IntegrityError:
            continue
        _move(dict(zip(ids, groups, strict=True)))
        return ids
    raise RuntimeError("no free person cluster identifiers")


def _move(into: Mapping[int, Sequence[str]]) -> None:
    """Put records into clusters: ``{cluster: [record, ...]}``, in batched statements."""
    PersonRecord.objects.bulk_update(
        [
            PersonRecord(pk=uuid.UUID(member), cluster_id=cluster_id)
            for cluster_id, members in into.items()
            for member in members
        ],
        ["cluster_id"],
        batch_size=1000,
    )


def _resize(cluster_ids: Iterable[int]) -> None:
    """Set the clusters' sizes from their records; drop the ones left empty."""
    ids = set(cluster_ids)
    sizes = dict(
        PersonRecord.objects.filter(cluster_id__in=ids)
        .values("cluster_id")
        .annotate(n=Count("pk"))
        .values_list("cluster_id", "n")
    )
    PersonCluster.objects.filter(pk__in=ids - sizes.keys()).delete()
    PersonCluster.objects.bulk_update(
        [PersonCluster(pk=pk, size=n) for pk, n in sizes.items()], ["size"], batch_size=1000
    )


def memberships(cluster_ids: Iterable[int | None]) -> dict[str, int]:
    """Record -> cluster for every record of these clusters, read before a change so that
    ``audit_links`` can tell who was linked with whom."""
    ids = {c for c in cluster_ids if c is not None}
    if not ids:
        return {}
    return {
        str(pk): cid
        for pk, cid in PersonRecord.objects.filter(cluster_id__in=ids).values_list(
            "pk", "cluster_id"
        )
    }


def audit_links(
    before: Mapping[str, int],
    records: Iterable[str],
    context: Context,
    *,
    actor: Actor = SYSTEM,
    linking: str = "intake",
) -> int:
    """One audit event per record whose cluster mates changed: it joined others or others
    joined it (``match``), clusters merged (``former_clusters`` names them all), or it was
    split from records it was linked with (``split``). The event's object is the record, so
    an auditor's search and a subject access export find it under each record concerned;
    the other records are named by their keyed references, as the trail names objects
    (ADR 0003). ``before`` maps every record of the clusters involved to its cluster before
    the change (``memberships``); ``records`` are the records linked now. ``actor`` and
    ``linking`` say who changed the links and how: the system on intake, a coordinator by a
    review decision (``review``) or a split (``split``). Returns the number of events."""
    after: dict[str, int | None] = {
        str(pk): cid
        for pk, cid in PersonRecord.objects.filter(
            pk__in=[uuid.UUID(pk) for pk in {*before, *records}]
        ).values_list("pk", "cluster_id")
    }
    for member, cid in PersonRecord.objects.filter(
        cluster_id__in={c for c in after.values() if c is not None}
    ).values_list("pk", "cluster_id"):
        after[str(member)] = cid
    was_in: dict[int, set[str]] = defaultdict(set)
    for record, was_cluster in before.items():
        was_in[was_cluster].add(record)
    now_in: dict[int | None, set[str]] = defaultdict(set)
    for record, now_cluster in after.items():
        now_in[now_cluster].add(record)
    events = 0
    for pk in sorted(after):
        was = was_in[before[pk]] - {pk} if pk in before else set()
        now = now_in[after[pk]] - {pk} if after[pk] is not None else set()
        if was == now:
            continue
        detail: dict[str, Any] = {
            "linking": linking,
            "cluster": after[pk],
            "former_clusters": sorted({before[m] for m in {pk, *now} if m in before}),
            "records": sorted(object_ref(ObjectType.PERSON, m) for m in {pk, *now}),
        }
        if was - now:
            detail["separated_from"] = sorted(object_ref(ObjectType.PERSON, m) for m in was - now)
        audit_record(
            actor=actor,
            action=Action.MATCH if now - was else Action.SPLIT,
            purpose=Purpose.VICTIM_PROTECTION,
            context=context,
            object_type=ObjectType.PERSON,
            object_id=pk,
            detail=detail,
        )
        events += 1
    return events


def detach(record_ids: Iterable[uuid.UUID]) -> None:
    """Take records out of their clusters (they link anew or not at all)."""
    ids = list(record_ids)
    clusters = set(
        PersonRecord.objects.filter(pk__in=ids, cluster__isnull=False).values_list(
            "cluster_id", flat=True
        )
    )
    PersonRecord.objects.filter(pk__in=ids).update(cluster=None)
    _resize(clusters)


def merge(cluster_ids: Sequence[int]) -> int:
    """One cluster of these: the largest keeps its identifier (people in it are not
    renumbered), the others' records move into it."""
    sizes = dict(PersonCluster.objects.filter(pk__in=cluster_ids).values_list("pk", "size"))
    target = min(cluster_ids, key=lambda c: (-sizes.get(c, 0), c))
    others = [c for c in cluster_ids if c != target]
    if others:
        PersonRecord.objects.filter(cluster_id__in=others).update(cluster_id=target)
        PersonCluster.objects.filter(pk__in=others).delete()
    _resize([target])
    return target


# --- linking records ---------------------------------------------------------------------

# Up to this many changed records are scored one by one against their candidates (fast for
# one intake); more are scored together in one Splink run over them and their candidates.
ONE_BY_ONE = 20


@dataclass(frozen=True)
class Linked:
    linked: int  # records (re)linked
    unchanged: int  # records already in a cluster with the same features
    reviews: int  # pairs put in the review queue


def _candidates(rows: Sequence[Mapping[str, Any]], exclude: set[str]) -> dict[str, dict[str, Any]]:
    """Feature rows of the records that share a blocking key with any of ``rows``."""
    found: dict[str, dict[str, Any]] = {}
    keys = [blind_keys(key) for row in rows for key in blocking_keys(row)]
    for start in range(0, len(keys), 200):
        query = reduce(or_, (Q(**key) for key in keys[start : start + 200]))
        for record_id, row in RecordFeatures.objects.filter(query).values_list("record_id", "row")[
            : CANDIDATE_LIMIT * max(1, len(rows))
        ]:
            if str(record_id) not in exclude:
                found[str(record_id)] = open_value(row, record_id)
    return found


def link_records(records: Sequence[PersonRecord], context: Context = TASK) -> Linked:
    """Link records (``identifiers`` prefetched) into person clusters. Idempotent: records
    already in a cluster whose features did not change are left alone. Every record whose
    cluster mates change is audited (``audit_links``)."""
    rows = {str(r.pk): record_row(r, _phones(r)) for r in records}
    stored = {
        record_id: open_value(row, record_id)
        for record_id, row in RecordFeatures.objects.filter(
            record_id__in=[r.pk for r in records]
        ).values_list("record_id", "row")
    }
    changed = [r for r in records if r.cluster_id is None or stored.get(r.pk) != rows[str(r.pk)]]
    if not changed:
        return Linked(0, len(records), 0)
    before = memberships(r.cluster_id for r in changed)
    with transaction.atomic():
        RecordFeatures.objects.bulk_create(
            [features_of(rows[str(r.pk)], r.pk) for r in changed],
            update_conflicts=True,
            unique_fields=["record"],
            update_fields=["row", *INDEXED],
        )
        detach([r.pk for r in changed if r.cluster_id is not None])
        new = {str(r.pk): rows[str(r.pk)] for r in changed}
        confirmed, _rejected = decisions([r.pk for r in changed])
        candidates = _candidates(list(new.values()), set(new))
        partners = {pk for pair in confirmed for pk in pair} - set(new) - set(candidates)
        for extra in RecordFeatures.objects.filter(
            record_id__in=[uuid.UUID(pk) for pk in partners]
        ):
            candidates[str(extra.record_id)] = extra.row
        the_scorer = scorer()
        pairs = _score(new, candidates, the_scorer)
        reviews = _assign(new, pairs, confirmed, the_scorer.model, before)
        audit_links(before, new, context)
    now_in = dict(
        PersonRecord.objects.filter(pk__in=[r.pk for r in changed]).values_list("pk", "cluster_id")
    )
    for record in changed:
        record.cluster_id = now_in[record.pk]
    return Linked(len(changed), len(records) - len(changed), reviews)


def link_record(record: PersonRecord, context: Context = TASK) -> Linked:
    return link_records([record], context)


def _score(
    new: Mapping[str, Mapping[str, Any]],
    candidates: Mapping[str, Mapping[str, Any]],
    the_scorer: Scorer,
) -> list[Pair[str]]:
    """Pairs of each new record with its candidates and with the other new records.

    Term frequencies matter only where two names are equal, so the new records' own names
    are all that need counting; a candidate with another name gets none."""
    tf = _term_frequencies(list(new.values()))
    if len(new) <= ONE_BY_ONE:
        pairs: list[Pair[str]] = []
        done: list[Mapping[str, Any]] = []
        for row in new.values():
            pairs += the_scorer.score(row, [*candidates.values(), *done], tf)
            done.append(row)
        return [p for p in pairs if p.probability >= THRESHOLDS.review]
    rows = [
        {**row, **{f"tf_{c}": tf[c].get(str(row[c])) if row.get(c) else None for c in TF_COLUMNS}}
        for row in [*new.values(), *candidates.values()]
    ]
    scored = score(rows, the_scorer.model, threshold=THRESHOLDS.review)
    return [p for p in scored if p.left in new or p.right in new]


def _assign(
    new: Mapping[str, Mapping[str, Any]],
    pairs: Sequence[Pair[str]],
    confirmed: set[tuple[str, str]],
    model: Mapping[str, Any],
    before: dict[str, int],
) -> int:
    """Put the new records into clusters: existing clusters stay whole, new records join
    them or each other by their automatic and confirmed links, never against a rejection;
    joined clusters merge. Returns the number of pairs queued for review; adds the clusters
    it read to ``before`` (record -> cluster), for the audit.

    Only the clusters of records in a scored or confirmed pair can be joined, so only they
    are read (a million-record register has many candidates but few such clusters)."""
    involved = {pk for p in pairs for pk in (p.left, p.right)}
    involved |= {pk for pair in confirmed for pk in pair}
    involved -= set(new)
    cluster_of = {
        str(pk): cid
        for pk, cid in PersonRecord.objects.filter(
            pk__in=[uuid.UUID(pk) for pk in involved], cluster__isnull=False
        ).values_list("pk", "cluster_id")
    }
    members: dict[int, list[str]] = {}
    for pk, cid in PersonRecord.objects.filter(cluster_id__in=set(cluster_of.values())).values_list(
        "pk", "cluster_id"
    ):
        members.setdefault(cid, []).append(str(pk))
        cluster_of[str(pk)] = cid
        before.setdefault(str(pk), cid)
    items = set(new) | set(cluster_of)
    _confirmed, rejected = decisions([uuid.UUID(pk) for pk in items])
    together = [(group[0], other) for group in members.values() for other in group[1:]]
    # Two V-numbers are two people (``linkage.conflicts``), as in a batch re-link: a merge
    # that would join them is refused; a cluster as it stands is kept (its pairs count as
    # confirmed).
    v_numbers: dict[str, str | None] = {pk: row.get("v_number") for pk, row in new.items()}
    for pk, number in PersonRecord.objects.filter(
        pk__in=[uuid.UUID(m) for m in cluster_of]
    ).values_list("pk", "v_number"):
        v_numbers[str(pk)] = normalise.v_number(open_value(number, pk) or "") or None
    groups = cluster_apart(
        items,
        pairs,
        link_threshold=THRESHOLDS.link,
        v_numbers=v_numbers,
        confirmed=together + [p for p in confirmed if set(p) <= items],
        rejected=rejected,
    )
    group_of: dict[str, int] = {}
    # Most new records start a person or join one existing person; both are written in
    # bulk (an intake of thousands of records touches thousands of clusters). Only a group
    # that joins several clusters merges them, one group at a time.
    fresh: list[list[str]] = []  # groups of new records only: new clusters
    joining: dict[int, list[str]] = {}  # existing cluster -> new records joining it
    for index, group in enumerate(groups):
        joined = new.keys() & group
        for member in group:
            group_of[member] = index
        if not joined:
            continue
        existing = sorted({cluster_of[m] for m in group if m in cluster_of})
        if not existing:
            fresh.append(sorted(joined))
        elif len(existing) == 1:
            joining.setdefault(existing[0], []).extend(sorted(joined))
        else:
            target = merge(existing)
            PersonRecord.objects.filter(pk__in=list(joined)).update(cluster_id=target)
            _resize([target])
            supersede_settled([target])
    if joining:
        _move(joining)
        _resize(joining)
        supersede_settled(joining)
    if fresh:
        supersede_settled(_new_clusters(fresh))
    decided = {frozenset(p) for p in rejected} | {frozenset(p) for p in confirmed}
    uncertain = [
        p
        for p in pairs
        if p.probability < THRESHOLDS.link
        and group_of.get(p.left) != group_of.get(p.right)
        and frozenset((p.left, p.right)) not in decided
    ]
    return _queue_reviews(set(new), uncertain, model)


def _queue_reviews(new: set[str], uncertain: Sequence[Pair[str]], model: Mapping[str, Any]) -> int:
    """The uncertain pairs of the new records wait for a reviewer (one row per pair); their
    earlier waiting pairs that are no longer uncertain need no decision any more."""
    ids = [uuid.UUID(pk) for pk in new]
    MatchReview.objects.filter(
        Q(left_id__in=ids) | Q(right_id__in=ids), status=ReviewStatus.PENDING
    ).update(status=ReviewStatus.SUPERSEDED)
    for pair in uncertain:
        left, right = ordered(uuid.UUID(pair.left), uuid.UUID(pair.right))
        MatchReview.objects.update_or_create(
            left_id=left,
            right_id=right,
            defaults={
                "probability": pair.probability,
                "weight": pair.weight,
                "steps": [list(step) for step in pair.steps],
                "prior": prior_weight(model),
                "model_version": str(model.get("ketenzicht_model_version", "")),
                "status": ReviewStatus.PENDING,
                "created_at": timezone.now(),
            },
        )
    return len(uncertain)


def supersede_settled(cluster_ids: Iterable[int]) -> int:
    """Waiting pairs whose records ended up in one cluster need no decision any more."""
    return MatchReview.objects.filter(
        status=ReviewStatus.PENDING,
        left__cluster_id__in=list(cluster_ids),
        right__cluster_id=F("left__cluster_id"),
    ).update(status=ReviewStatus.SUPERSEDED)


def unlink(record_ids: Iterable[uuid.UUID], context: Context = TASK) -> None:
    """Records that may not be linked any more (withheld from the index): no features, no
    cluster, no waiting reviews; the split from their cluster mates is audited."""
    ids = list(record_ids)
    if not ids:
        return
    before = memberships(
        PersonRecord.objects.filter(pk__in=ids, cluster__isnull=False).values_list(
            "cluster_id", flat=True
        )
    )
    RecordFeatures.objects.filter(record_id__in=ids).delete()
    MatchReview.objects.filter(
        Q(left_id__in=ids) | Q(right_id__in=ids), status=ReviewStatus.PENDING
    ).update(status=ReviewStatus.SUPERSEDED)
    detach(ids)
    audit_links(before, [str(pk) for pk in ids], context)
