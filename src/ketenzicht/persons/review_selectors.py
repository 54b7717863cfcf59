"""Reads for linkage review (ADR 0011): the queue of uncertain pairs a coordinator decides and one
pair side by side, with the comparison that put it there."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.audit.models import Action, Purpose, Result
from ketenzicht.audit.services import audit_record, audited_get
from ketenzicht.common.context import Context

from .models import MatchReview, PersonRecord, ReviewStatus
from .review_labels import comparison_label, level_label


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
