"""Reviewers' decisions about linkage: confirming or rejecting an uncertain pair, and
splitting a wrong link. Every decision is kept (``MatchReview``), audited, and followed by
every later online match and batch re-link (``persons.intake_linking``)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record, audited_get
from ketenzicht.common.context import Context

from .hit_services import records_index
from .intake_linking import (
    audit_links,
    decisions,
    detach,
    link_record,
    memberships,
    merge,
    ordered,
    supersede_settled,
)
from .models import MatchReview, PersonRecord, ReviewStatus

NOTE_MAX = 2000


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": _("Keep the note under %(max)d characters.") % {"max": NOTE_MAX}}
        )
    return note


def _members(cluster_id: int | None) -> list[uuid.UUID]:
    if cluster_id is None:
        return []
    return list(PersonRecord.objects.filter(cluster_id=cluster_id).values_list("pk", flat=True))


@transaction.atomic
def match_review_decide(
    *, actor: Actor, context: Context, review_id: int, same: bool, note: str = ""
) -> MatchReview | None:
    """Decide a waiting pair: the same person (their clusters merge and notices follow) or
    different people (they are kept apart from now on). None when the pair is not the
    actor's to decide or no longer waiting."""
    review = audited_get(
        policy.visible_match_reviews(actor)
        .select_for_update(of=("self",))
        .filter(status=ReviewStatus.PENDING),
        review_id,
        actor=actor,
        context=context,
        action=Action.MATCH_REVIEW,
        purpose=Purpose.VICTIM_PROTECTION,
        object_type="match_review",
        record_ok=False,  # the decision is recorded once it is made
    )
    if review is None:
        return None
    note = _clean_note(note)
    left, right = PersonRecord.objects.filter(pk__in=[review.left_id, review.right_id]).order_by(
        "pk"
    )
    if same:
        group = {str(pk) for pk in _members(left.cluster_id) or [left.pk]}
        other = {str(pk) for pk in _members(right.cluster_id) or [right.pk]}
        _confirmed, rejected = decisions([uuid.UUID(pk) for pk in group])
        if any((a in group and b in other) or (a in other and b in group) for a, b in rejected):
            raise ValidationError(
                _(
                    "A reviewer decided earlier that a record of one of these people is not "
                    "the other person. Split or change that decision first."
                )
            )
    # Who was linked with whom before, so that every record whose links change is audited
    # under its own reference with the coordinator as actor (``audit_links``).
    before = memberships([left.cluster_id, right.cluster_id])
    # The decision is about two people: it settles every waiting pair between them.
    between = [review.pk]
    if left.cluster_id is not None and right.cluster_id is not None:
        left_side, right_side = _members(left.cluster_id), _members(right.cluster_id)
        between += list(
            MatchReview.objects.filter(status=ReviewStatus.PENDING)
            .filter(
                Q(left_id__in=left_side, right_id__in=right_side)
                | Q(left_id__in=right_side, right_id__in=left_side)
            )
            .values_list("pk", flat=True)
        )
    MatchReview.objects.filter(pk__in=between).update(
        status=ReviewStatus.CONFIRMED if same else ReviewStatus.REJECTED,
        note=note,
        decided_at=timezone.now(),
        decided_by_id=actor.user_id,
        decided_for_id=actor.organisation_id,
    )
    review.refresh_from_db()
    if same:
        clusters = [c for c in (left.cluster_id, right.cluster_id) if c is not None]
        if len(clusters) == 2:
            supersede_settled([merge(clusters)])
        else:
            for record in (left, right):  # one of them had left the index meanwhile
                link_record(record)
    elif left.cluster_id is not None and left.cluster_id == right.cluster_id:
        # Linked through others meanwhile: the reviewer's side leaves the cluster.
        mine = left if left.organisation_id == actor.organisation_id else right
        detach([mine.pk])
        link_record(PersonRecord.objects.prefetch_related("identifiers").get(pk=mine.pk))
    affected = set(_members(PersonRecord.objects.get(pk=left.pk).cluster_id)) | set(
        _members(PersonRecord.objects.get(pk=right.pk).cluster_id)
    )
    audit_links(before, [str(left.pk), str(right.pk)], context, actor=actor, linking="review")
    records_index(record_ids=affected | {left.pk, right.pk}, context=context)
    audit_record(
        actor=actor,
        action=Action.MATCH_REVIEW,
        purpose=Purpose.VICTIM_PROTECTION,
        context=context,
        object_type="match_review",
        object_id=review.pk,
        detail={
            "decision": review.status,
            "probability": round(review.probability, 4),
            "pairs": len(set(between)),
        },
    )
    return review


@transaction.atomic
def person_split(
    *, actor: Actor, context: Context, record_id: uuid.UUID | str, note: str = ""
) -> PersonRecord | None:
    """Take an own record out of a wrong link: it is kept apart from every record it was
    linked with (recorded as rejected pairs, so later runs do not link it back), and the
    notices the link raised are withdrawn. None when the record is not the actor's."""
    record = audited_get(
        policy.splittable_records(actor).select_for_update(of=("self",)),
        str(record_id),
        actor=actor,
        context=context,
        action=Action.SPLIT,
        purpose=Purpose.VICTIM_PROTECTION,
        object_type="person",
        record_ok=False,  # the split is recorded once it is done
    )
    if record is None:
        return None
    note = _clean_note(note)
    mates = [m for m in _members(record.cluster_id) if m != record.pk]
    if not mates:
        raise ValidationError(_("This record is not linked to any other record."))
    before = memberships([record.cluster_id])
    now = timezone.now()
    for mate in mates:
        left, right = ordered(record.pk, mate)
        MatchReview.objects.update_or_create(
            left_id=left,
            right_id=right,
            defaults={
                "status": ReviewStatus.REJECTED,
                "note": note,
                "decided_at": now,
                "decided_by_id": actor.user_id,
                "decided_for_id": actor.organisation_id,
            },
            create_defaults={
                "probability": 0.0,
                "weight": 0.0,
                "status": ReviewStatus.REJECTED,
                "note": note,
                "decided_at": now,
                "decided_by_id": actor.user_id,
                "decided_for_id": actor.organisation_id,
            },
        )
    detach([record.pk])
    link_record(PersonRecord.objects.prefetch_related("identifiers").get(pk=record.pk))
    audit_links(before, [str(record.pk)], context, actor=actor, linking="split")
    records_index(record_ids=[record.pk, *mates], context=context)
    audit_record(
        actor=actor,
        action=Action.SPLIT,
        purpose=Purpose.VICTIM_PROTECTION,
        context=context,
        object_type="person",
        object_id=str(record.pk),
        detail={"separated_from": len(mates)},
    )
    record.refresh_from_db()
    return record
