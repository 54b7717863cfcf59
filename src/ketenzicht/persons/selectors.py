"""Reads of person records, through the sharing policy and audited."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import Organisation
from ketenzicht.audit.models import Action, Purpose, Result
from ketenzicht.audit.services import audit_record, audited_get
from ketenzicht.common.context import Context
from ketenzicht.common.crypto import blind_index
from ketenzicht.common.encrypted_fields import tokens_match
from ketenzicht.common.keyset import Page, paginate
from ketenzicht.sharing import policy
from ketenzicht.sharing.policy import Projection
from ketenzicht.signals.models import Subject, SubjectRole

from .matching import matcher
from .models import HitNotice, MatchReview, PersonRecord, ReviewStatus
from .review_labels import comparison_label, level_label


@transaction.atomic
def person_list(
    *,
    actor: Actor,
    context: Context,
    name: str = "",
    v_number: str = "",
    cursor: str | None = None,
    size: int = 25,
    purpose: str = Purpose.WORK_LIST,
) -> Page[PersonRecord]:
    qs = (
        policy.visible_person_records(actor)
        .select_related("organisation")
        .prefetch_related("identifiers")
    )
    # Names are sealed (ADR 0021): a search matches whole words of the names, any order,
    # any case or accents; the V-number matches exactly.
    if name:
        qs = qs.filter(tokens_match("name_digests", "name", name))
    if v_number:
        qs = qs.filter(v_number_digest=blind_index("v_number", v_number))
    page = paginate(qs, stamp_field="created_at", cursor=cursor, size=size)
    audit_record(
        actor=actor,
        action=Action.LIST,
        purpose=purpose,
        context=context,
        object_type="person",
        detail={"rows": len(page.items), "search": bool(name or v_number)},
        shown=[("person", r.pk) for r in page.items],
    )
    return page


@transaction.atomic
def person_get(
    *,
    actor: Actor,
    context: Context,
    person_id: uuid.UUID | str,
    purpose: str = Purpose.FOLLOW_UP,
) -> PersonRecord | None:
    return audited_get(
        policy.visible_person_records(actor)
        .select_related("organisation", "location")
        .prefetch_related(
            "identifiers",
            Prefetch(
                "subjects",
                queryset=policy.visible_subjects(actor).select_related("signal"),
            ),
        ),
        person_id,
        actor=actor,
        context=context,
        action=Action.VIEW,
        purpose=purpose,
        object_type="person",
        # The signals that name the person are listed with it.
        shown=lambda record: [("signal", subject.signal_id) for subject in record.subjects.all()],
    )


# -- hit/no-hit notices ------------------------------------------------------------------


@dataclass(frozen=True)
class HitRow:
    """What a coordinator learns from a match: who else is involved and whom to call, with
    the signal numbers on both sides, never the other side's content."""

    notice: HitNotice
    own_signals: list[str]
    other_signals: list[str]


def _signal_refs(actor: Actor, record_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """Signal numbers per record; a restricted naming is not disclosed outside its
    organisation, not even by number."""
    refs: dict[uuid.UUID, list[str]] = defaultdict(list)
    for record_id, signal_id in (
        Subject.objects.filter(policy.shown_subjects(actor), record_id__in=record_ids)
        .order_by("signal__received_at")
        .values_list("record_id", "signal_id")
    ):
        refs[record_id].append(str(signal_id)[:8].upper())
    return refs


@transaction.atomic
def hit_list(
    *,
    actor: Actor,
    context: Context,
    open_only: bool = False,
    notice_id: int | None = None,
    cursor: str | None = None,
    size: int = 25,
    purpose: str = Purpose.VICTIM_PROTECTION,
) -> Page[HitRow]:
    qs = policy.visible_hit_notices(actor).select_related(
        "record", "other_organisation", "acknowledged_by"
    )
    if open_only:
        qs = qs.filter(acknowledged_at__isnull=True)
    if notice_id is not None:
        qs = qs.filter(pk=notice_id)
    page = paginate(qs, stamp_field="created_at", cursor=cursor, size=size)
    # Signal numbers on both sides: of every record the matcher links to this one, per
    # organisation (an organisation may hold several records of one person).
    linked = matcher().linked_records([n.record_id for n in page.items])
    every = set().union(*linked.values()) if linked else set()
    organisation_of = dict(
        PersonRecord.objects.filter(pk__in=every).values_list("pk", "organisation_id")
    )
    refs = _signal_refs(actor, list(every))

    def numbers(notice: HitNotice, organisation_id: int) -> list[str]:
        found: list[str] = []
        for record_id in linked.get(notice.record_id, ()):
            if organisation_of.get(record_id) == organisation_id:
                found.extend(r for r in refs[record_id] if r not in found)
        return found

    audit_record(
        actor=actor,
        action=Action.LIST,
        purpose=purpose,
        context=context,
        object_type="hit",
        detail={"rows": len(page.items), "open_only": open_only},
        shown=[("person", n.record_id) for n in page.items],
        # A role without hits sees an empty list; the trail shows it asked anyway.
        result=Result.OK if policy.may_receive_hits(actor) else Result.DENIED,
    )
    return Page(
        [
            HitRow(n, numbers(n, n.organisation_id), numbers(n, n.other_organisation_id))
            for n in page.items
        ],
        page.next_cursor,
    )


# -- attention list for reception ----------------------------------------------------------


@dataclass(frozen=True)
class AttentionReason:
    kind: str  # "signal" or "hit"
    organisation: Organisation
    since: dt.datetime
    signal_id: uuid.UUID | None = None  # only when the actor may open the signal in full
    signal_reference: str = ""
    narrative: str = ""  # only when the signal is shared with the actor in full
    handling_codes: tuple[str, ...] = ()


@dataclass
class AttentionRow:
    resident: PersonRecord
    reasons: list[AttentionReason] = field(default_factory=list)

    @property
    def latest(self) -> dt.datetime:
        return max(r.since for r in self.reasons)

    @property
    def possible_victim(self) -> bool:
        return any(r.kind == "signal" for r in self.reasons)


MAX_ATTENTION_ROWS = 500


@transaction.atomic
def attention_list(
    *,
    actor: Actor,
    context: Context,
    location_id: int,
    purpose: str = Purpose.VICTIM_PROTECTION,
) -> list[AttentionRow] | None:
    """Residents of one location who need extra attention, newest first.

    A resident is listed when a record linked to theirs (same person by the matcher) is named
    as presumed victim on a signal the actor may know of (at least the attention
    projection), or when the organisation holds a hit notice for them. The narrative comes
    along only for signals the actor sees in full. None when the location is not the
    actor's to see.
    """
    location = policy.attention_locations(actor).filter(pk=location_id).first()
    if location is None:
        audit_record(
            actor=actor,
            action=Action.LIST,
            purpose=purpose,
            context=context,
            object_type="person",
            detail={"attention_location": location_id},
            result=Result.DENIED,
        )
        return None
    residents = {
        r.pk: r
        for r in PersonRecord.objects.filter(
            location_id=location.pk, organisation_id=location.organisation_id
        )
    }
    rows: dict[uuid.UUID, AttentionRow] = {}
    linked = matcher().linked_records(residents)
    resident_of: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for resident_id, records in linked.items():
        for record_id in records:
            resident_of[record_id].add(resident_id)
    victims = policy.visible_subjects(actor, Projection.ATTENTION).filter(
        record_id__in=list(resident_of), role=SubjectRole.PRESUMED_VICTIM
    )
    signals = {
        s.pk: s
        for s in policy.visible_signals(actor, Projection.ATTENTION)
        .filter(pk__in=victims.values("signal_id"))
        .select_related("organisation")
    }
    for signal_id, record_id in victims.filter(signal_id__in=list(signals)).values_list(
        "signal_id", "record_id"
    ):
        signal = signals[signal_id]
        full = bool(getattr(signal, "kz_full", False))
        for resident_id in resident_of[record_id]:
            row = rows.setdefault(resident_id, AttentionRow(residents[resident_id]))
            if any(r.signal_reference == signal.reference for r in row.reasons):
                continue
            row.reasons.append(
                AttentionReason(
                    kind="signal",
                    organisation=signal.organisation,
                    since=signal.received_at,
                    signal_id=signal.pk if full else None,
                    signal_reference=signal.reference,
                    narrative=signal.narrative if full else "",
                    handling_codes=tuple(signal.handling_codes),
                )
            )
    for notice in (
        policy.attention_hit_notices(actor)
        .filter(record_id__in=list(residents))
        .select_related("other_organisation")
    ):
        row = rows.setdefault(notice.record_id, AttentionRow(residents[notice.record_id]))
        if not any(r.organisation == notice.other_organisation for r in row.reasons):
            row.reasons.append(
                AttentionReason(
                    kind="hit", organisation=notice.other_organisation, since=notice.created_at
                )
            )
    result = sorted(rows.values(), key=lambda r: r.latest, reverse=True)[:MAX_ATTENTION_ROWS]
    by_reference = {s.reference: s.pk for s in signals.values()}
    for row in result:
        row.reasons.sort(key=lambda r: r.since, reverse=True)
    audit_record(
        actor=actor,
        action=Action.LIST,
        purpose=purpose,
        context=context,
        object_type="person",
        detail={"attention_location": location.pk, "rows": len(result)},
        # The resident, and each signal the row names (in full, or only by its number).
        shown=[("person", row.resident.pk) for row in result]
        + [
            ("signal", by_reference[reason.signal_reference])
            for row in result
            for reason in row.reasons
            if reason.kind == "signal"
        ],
    )
    return result


# -- match reviews -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewSide:
    """One record of a pair: in full when it is the own organisation's, else nothing."""

    record: PersonRecord | None


@dataclass(frozen=True)
class Step:
    comparison: str
    level: str
    weight: float
    start: float  # cumulative weight before this step
    end: float


@dataclass(frozen=True)
class ReviewView:
    review: MatchReview
    sides: tuple[ReviewSide, ReviewSide]
    steps: list[Step]
    # Waiting pairs between the same two people (clusters), decided together with this one.
    pairs: int = 1
    # Who decided and why is shown only to the deciding organisation: a note may carry its
    # own record's content.
    own_decision: bool = False


def _one_per_person_pair(views: list[ReviewView]) -> list[ReviewView]:
    """One row per two clusters: their most probable pair stands for the rest."""
    grouped: dict[frozenset[object], list[ReviewView]] = {}
    for view in views:
        r = view.review
        key = frozenset((r.left.cluster_id or r.left_id, r.right.cluster_id or r.right_id))
        grouped.setdefault(key, []).append(view)
    return [
        ReviewView(
            group[0].review, group[0].sides, group[0].steps, len(group), group[0].own_decision
        )
        for group in grouped.values()
    ]


def _waterfall(review: MatchReview) -> list[Step]:
    prior, random_pair = str(_("Starting point")), str(_("two records chosen at random"))
    steps = [Step(prior, random_pair, review.prior, 0.0, review.prior)]
    total = review.prior
    for comparison, level, weight in review.steps:
        steps.append(
            Step(comparison_label(comparison), level_label(level), weight, total, total + weight)
        )
        total += weight
    return steps


@transaction.atomic
def match_review_queue(
    *, actor: Actor, context: Context, decided: bool = False, size: int = 100
) -> list[ReviewView] | None:
    """The pairs waiting for the actor's organisation (or, with ``decided``, its recent
    decisions), most probable first; None when the actor may not review."""
    if not policy.may_review_matches(actor):
        audit_record(
            actor=actor,
            action=Action.LIST,
            purpose=Purpose.VICTIM_PROTECTION,
            context=context,
            object_type="match_review",
            result=Result.DENIED,
        )
        return None
    qs = policy.visible_match_reviews(actor).select_related(
        "left__organisation", "right__organisation", "decided_by"
    )
    if decided:
        qs = qs.filter(
            status__in=[ReviewStatus.CONFIRMED, ReviewStatus.REJECTED], decided_by__isnull=False
        ).order_by("-decided_at", "-id")
    else:
        qs = qs.filter(status=ReviewStatus.PENDING)
    views = _one_per_person_pair([_view(actor, review) for review in qs[: size * 10]])[:size]
    audit_record(
        actor=actor,
        action=Action.LIST,
        purpose=Purpose.VICTIM_PROTECTION,
        context=context,
        object_type="match_review",
        detail={"rows": len(views), "decided": decided},
    )
    return views


def _view(actor: Actor, review: MatchReview) -> ReviewView:
    own = actor.organisation_id or 0

    def side(record: PersonRecord) -> ReviewSide:
        return ReviewSide(record if record.organisation_id == own else None)

    left, right = side(review.left), side(review.right)
    if left.record is None:  # the reviewer's own record always comes first
        left, right = right, left
    own_decision = review.decided_for_id is not None and review.decided_for_id == own
    return ReviewView(review, (left, right), _waterfall(review), own_decision=own_decision)


@transaction.atomic
def match_review_get(*, actor: Actor, context: Context, review_id: int) -> ReviewView | None:
    review = audited_get(
        policy.visible_match_reviews(actor)
        .select_related("left__organisation", "right__organisation", "decided_by")
        .prefetch_related("left__identifiers", "right__identifiers"),
        review_id,
        actor=actor,
        context=context,
        action=Action.VIEW,
        purpose=Purpose.VICTIM_PROTECTION,
        object_type="match_review",
    )
    return _view(actor, review) if review else None


def linked_organisations(actor: Actor, record: PersonRecord) -> list[Organisation] | None:
    """For a coordinator's own record: the other organisations in its person cluster (what
    its hit notices already say); None when the actor may not split this record."""
    if not policy.splittable_records(actor).filter(pk=record.pk).exists():
        return None
    if record.cluster_id is None:
        return []
    others = (
        PersonRecord.objects.filter(cluster_id=record.cluster_id)
        .exclude(pk=record.pk)
        .values("organisation_id")
    )
    return list(Organisation.objects.filter(pk__in=others).order_by("name"))


def distinct_persons(records: QuerySet[PersonRecord]) -> int:
    """How many people these records are about: one per person cluster, and each record
    outside any cluster (withheld from linkage) as a person of its own. For figures only;
    the caller decides which records may be counted."""
    counts = records.aggregate(
        clusters=Count("cluster_id", distinct=True),
        unlinked=Count("pk", filter=Q(cluster__isnull=True)),
    )
    return int(counts["clusters"]) + int(counts["unlinked"])
