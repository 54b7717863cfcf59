"""Writes of the hit/no-hit index (ADR 0007): index records after they change, raise and prune hit
notices between organisations, and acknowledge a notice."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from ketenzicht import policy
from ketenzicht.accounts.actor import SYSTEM, Actor
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record, audited_get
from ketenzicht.common.context import TASK, Context
from ketenzicht.signals.models import Subject

from .models import HitNotice, PersonRecord
from .same_person import matcher


def _known_since(record_ids: set[uuid.UUID]) -> dict[uuid.UUID, dt.datetime]:
    """Per record: when its organisation first signalled about the person (or, without a
    signal, registered the record)."""
    since = dict(PersonRecord.objects.filter(pk__in=record_ids).values_list("pk", "created_at"))
    first_signal = (
        Subject.objects.filter(record_id__in=record_ids)
        .values("record_id")
        .annotate(first=Min("signal__received_at"))
    )
    for row in first_signal:
        since[row["record_id"]] = min(since[row["record_id"]], row["first"])
    return since


def _withheld(record_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Records the reporter named only as restricted: their identity stays inside the
    organisation, so they are not offered to the index at all (ADR 0007)."""
    restricted = set(
        Subject.objects.filter(record_id__in=record_ids, restricted=True).values_list(
            "record_id", flat=True
        )
    )
    if not restricted:
        return set()
    open_too = set(
        Subject.objects.filter(record_id__in=restricted, restricted=False).values_list(
            "record_id", flat=True
        )
    )
    return restricted - open_too


def _cluster_mates(record_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    clusters = PersonRecord.objects.filter(pk__in=record_ids, cluster__isnull=False).values(
        "cluster_id"
    )
    return set(PersonRecord.objects.filter(cluster_id__in=clusters).values_list("pk", flat=True))


def notices_prune(record_ids: Iterable[uuid.UUID]) -> int:
    """Withdraw the notices of these records that their person clusters no longer bear out
    (a link was split, a record corrected or withheld): a notice stands only while a record
    of the other organisation is in the record's cluster."""
    ids = list(record_ids)
    notices = list(
        HitNotice.objects.filter(record_id__in=ids).values_list(
            "pk", "record_id", "record__cluster_id", "other_organisation_id"
        )
    )
    clusters = {cluster for _pk, _r, cluster, _o in notices if cluster is not None}
    present = set(
        PersonRecord.objects.filter(cluster_id__in=clusters).values_list(
            "cluster_id", "organisation_id"
        )
    )
    stale = [pk for pk, _r, cluster, org in notices if (cluster, org) not in present]
    if stale:
        HitNotice.objects.filter(pk__in=stale).delete()
    return len(stale)


def withheld_everywhere() -> set[uuid.UUID]:
    """Every record named only as restricted (``_withheld`` over all records)."""
    open_too = Subject.objects.filter(restricted=False, record_id__isnull=False).values("record_id")
    return set(
        Subject.objects.filter(restricted=True)
        .exclude(record_id__in=open_too)
        .values_list("record_id", flat=True)
    )


@transaction.atomic
def records_index(
    *, record_ids: Iterable[uuid.UUID | str], context: Context = TASK, link: bool = True
) -> int:
    """Index these records and raise a notice on both sides of every new match.
    ``link=False`` keeps their person clusters as they are: a bulk load links everything in
    one batch (``persons_relink``) and then indexes without linking again.

    Idempotent: re-indexing a record replaces its entries, and a notice per record and
    other organisation is created once. Returns the number of new notices.
    """
    ids = [uuid.UUID(str(pk)) for pk in record_ids]
    withheld = _withheld(ids)
    records = list(
        PersonRecord.objects.filter(pk__in=ids)
        .exclude(pk__in=withheld)
        .prefetch_related("identifiers")
    )
    mates_before = _cluster_mates(ids)
    the_matcher = matcher()
    the_matcher.forget(withheld)
    the_matcher.index(records, link=link)
    found = the_matcher.matches([r.pk for r in records])
    pruned = notices_prune(set(ids) | mates_before)
    if pruned:
        audit_record(
            actor=SYSTEM,
            action=Action.DELETE,
            purpose=Purpose.VICTIM_PROTECTION,
            context=context,
            object_type="hit",
            detail={"records": len(ids), "withdrawn_notices": pruned},
        )
    if not found:
        return 0
    involved = {m.record_id for m in found} | {m.other_record_id for m in found}
    known_since = _known_since(involved)
    # One notice per (record, other organisation), on both sides of every match.
    notices: dict[tuple[uuid.UUID, int], HitNotice] = {}
    for match in found:
        for record_id, org, other_id, other_org in (
            (
                match.record_id,
                match.organisation_id,
                match.other_record_id,
                match.other_organisation_id,
            ),
            (
                match.other_record_id,
                match.other_organisation_id,
                match.record_id,
                match.organisation_id,
            ),
        ):
            notice = notices.get((record_id, other_org))
            if notice is None:
                notices[(record_id, other_org)] = HitNotice(
                    organisation_id=org,
                    record_id=record_id,
                    other_organisation_id=other_org,
                    other_record_id=other_id,
                    matched_on=list(match.keys),
                    since=known_since[other_id],
                )
            else:
                notice.matched_on = sorted(set(notice.matched_on) | set(match.keys))
                if known_since[other_id] < notice.since:
                    notice.since, notice.other_record_id = known_since[other_id], other_id
    before = HitNotice.objects.filter(record_id__in=involved).count()
    HitNotice.objects.bulk_create(notices.values(), batch_size=2000, ignore_conflicts=True)
    new = HitNotice.objects.filter(record_id__in=involved).count() - before
    if new:
        audit_record(
            actor=SYSTEM,
            action=Action.MATCH,
            purpose=Purpose.VICTIM_PROTECTION,
            context=context,
            object_type="hit",
            detail={"records": len(ids), "new_notices": new},
        )
    return new


@transaction.atomic
def hit_acknowledge(*, actor: Actor, context: Context, notice_id: int) -> HitNotice | None:
    """Mark a notice as dealt with by the organisation's coordinator; None (and a denied
    audit event) when the notice does not exist or is not the actor's."""
    notice = audited_get(
        policy.visible_hit_notices(actor).select_for_update(),
        notice_id,
        actor=actor,
        context=context,
        action=Action.ACKNOWLEDGE,
        purpose=Purpose.VICTIM_PROTECTION,
        object_type="hit",
        record_ok=False,  # recorded below, once, when it changes anything
    )
    if notice is None:
        return None
    if notice.acknowledged_at is None:
        notice.acknowledged_at = timezone.now()
        notice.acknowledged_by_id = actor.user_id
        notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_record(
            actor=actor,
            action=Action.ACKNOWLEDGE,
            purpose=Purpose.VICTIM_PROTECTION,
            context=context,
            object_type="hit",
            object_id=notice.pk,
        )
    return notice
