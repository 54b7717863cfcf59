"""Reads of follow-up: referrals and joint-analysis cases through the sharing policy
(audited), and the deadline figures per receiving body (counts only)."""

from __future__ import annotations

import datetime as dt
import statistics
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import Organisation
from ketenzicht.audit.models import Action, Purpose, Result
from ketenzicht.audit.services import audit_record, audited_get
from ketenzicht.common.context import Context
from ketenzicht.common.keyset import Page, paginate
from ketenzicht.policy import Projection
from ketenzicht.sharing.models import GrantEnd
from ketenzicht.signals.models import Signal

from . import access, workflow
from .deadlines import working_days_between
from .models import Case, Outcome, Referral, ReferralEvent, ReferralStatus

S = ReferralStatus
OPEN = (S.SENT, S.ACKNOWLEDGED, S.IN_ASSESSMENT)


def _with_visible_signals(actor: Actor, qs: QuerySet[Referral]) -> QuerySet[Referral]:
    """A referral lists only the signals the reader may see in full (a joint referral may
    combine signals of organisations that did not share with the reader)."""
    return qs.select_related("from_organisation", "to_organisation").prefetch_related(
        Prefetch(
            "signals",
            queryset=Signal.objects.filter(pk__in=policy.visible_signals(actor).values("pk")),
            to_attr="visible_signals",
        )
    )


@transaction.atomic
def referral_list(
    *,
    actor: Actor,
    context: Context,
    signal_id: uuid.UUID | str | None = None,
    status: str = "",
    state: str = "",
    direction: str = "",
    cursor: str | None = None,
    size: int = 25,
    purpose: str = Purpose.FOLLOW_UP,
) -> Page[Referral]:
    """``state`` is one of ``STATES`` (the inbox filter), ``status`` one exact status."""
    qs = access.visible_referrals(actor)
    if signal_id:
        qs = qs.filter(signals__pk=signal_id)
    if status:
        qs = qs.filter(status=status)
    if state in STATES:
        qs = qs.filter(_state_filter(state))
    if direction == "received":
        qs = qs.filter(to_organisation_id=actor.organisation_id or 0)
    elif direction == "sent":
        qs = qs.exclude(to_organisation_id=actor.organisation_id or 0)
    page = paginate(
        _with_visible_signals(actor, qs), stamp_field="sent_at", cursor=cursor, size=size
    )
    audit_record(
        actor=actor,
        action=Action.LIST,
        purpose=purpose,
        context=context,
        object_type="referral",
        detail={"rows": len(page.items), "status": status, "direction": direction},
        shown=[("referral", r.pk) for r in page.items]
        + [("signal", s.pk) for r in page.items for s in r.visible_signals],  # type: ignore[attr-defined]
    )
    return page


# The inbox filters: not closed yet, past a deadline (as ``overdue`` says), closed.
STATES = ("open", "overdue", "closed")


def _state_filter(state: str, today: dt.date | None = None) -> Q:
    today = today or timezone.localdate()
    if state == "closed":
        return Q(status=S.CLOSED)
    if state == "overdue":
        return Q(status=S.SENT, acknowledge_due__lt=today) | Q(
            status__in=OPEN, outcome_due__lt=today
        )
    return ~Q(status=S.CLOSED)


def referral_state_counts(*, actor: Actor, direction: str) -> dict[str, int]:
    """How many visible referrals each inbox filter holds: counts only, no rows, so not an
    audited read of referrals (the list that follows is)."""
    qs = access.visible_referrals(actor)
    mine = Q(to_organisation_id=actor.organisation_id or 0)
    qs = qs.filter(mine) if direction == "received" else qs.exclude(mine)
    return qs.aggregate(
        **{state: Count("pk", filter=_state_filter(state), distinct=True) for state in STATES}
    )


@dataclass(frozen=True)
class EndedAccess:
    """A referral the organisation received and may no longer open: only its reference,
    when it came, when access ended and why (ADR 0022)."""

    reference: str
    sent_at: dt.datetime
    ended_at: dt.datetime
    reason: str  # sharing.models.GrantEnd


@transaction.atomic
def ended_access_list(*, actor: Actor, context: Context, size: int = 50) -> list[EndedAccess]:
    """Received referrals whose access ended, most recently ended first: so a body knows
    what it can no longer see, without seeing it."""
    after_close = access.referral_access_after_close()
    rows = []
    for referral in access.ended_referrals(actor).order_by("-closed_at", "-sent_at")[:size]:
        if referral.outcome == Outcome.FORWARDED:
            ended = referral.closed_at or referral.outcome_at or referral.sent_at
            rows.append(
                EndedAccess(referral.reference, referral.sent_at, ended, GrantEnd.FORWARDED)
            )
        else:
            ended = (referral.closed_at or referral.sent_at) + after_close
            rows.append(EndedAccess(referral.reference, referral.sent_at, ended, GrantEnd.CLOSED))
    audit_record(
        actor=actor,
        action=Action.LIST,
        purpose=Purpose.FOLLOW_UP,
        context=context,
        object_type="referral",
        detail={"ended_access": len(rows)},
    )
    return rows


@transaction.atomic
def referral_get(
    *,
    actor: Actor,
    context: Context,
    referral_id: uuid.UUID | str,
    purpose: str = Purpose.FOLLOW_UP,
) -> Referral | None:
    return audited_get(
        _with_visible_signals(actor, access.visible_referrals(actor)).prefetch_related(
            Prefetch("events", queryset=ReferralEvent.objects.select_related("by"))
        ),
        referral_id,
        actor=actor,
        context=context,
        action=Action.VIEW,
        purpose=purpose,
        object_type="referral",
    )


def referrals_of_signal(*, actor: Actor, signal: Signal) -> list[Referral]:
    """Referrals of a signal the caller already read in full (for its detail view)."""
    return list(
        _with_visible_signals(actor, access.visible_referrals(actor)).filter(signals=signal)
    )


def attach_referrals(*, actor: Actor, signal: Signal | None) -> Signal | None:
    """``signal`` (from ``signal_get``) with ``referral_list`` set when it is read in full:
    the interfaces compose the detail, so ``signals`` need not import follow-up."""
    if signal is not None and signal.projection == Projection.FULL:
        signal.referral_list = tuple(referrals_of_signal(actor=actor, signal=signal))
    return signal


def may_handle(actor: Actor, referral: Referral) -> bool:
    return (
        referral.to_organisation_id == actor.organisation_id
        and access.handled_referrals(actor).filter(pk=referral.pk).exists()
    )


def next_steps(referral: Referral) -> list[str]:
    return sorted(workflow.allowed(referral.status), key=list(S.values).index)


def overdue(referral: Referral, today: dt.date | None = None) -> str:
    """ "acknowledge" or "outcome" when that deadline has passed, else ""."""
    today = today or timezone.localdate()
    if referral.status == S.SENT and referral.acknowledge_due < today:
        return "acknowledge"
    if referral.status in OPEN and referral.outcome_due < today:
        return "outcome"
    return ""


# -- deadline performance --------------------------------------------------------------------


@dataclass(frozen=True)
class SlaRow:
    organisation: Organisation
    received: int
    open: int
    overdue_acknowledge: int
    overdue_outcome: int
    acknowledged_in_time: float | None  # share of acknowledged referrals, on time
    outcome_in_time: float | None
    median_days_to_acknowledge: float | None  # working days
    median_days_to_outcome: float | None
    # How many the shares and medians are of: a share of a few gives a small count back.
    acknowledged: int = 0
    reached_outcome: int = 0


def sla_rows(
    *,
    actor: Actor,
    context: Context,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[SlaRow] | None:
    """Per receiving organisation, for referrals sent from ``since`` up to and including
    ``until`` (default: the last twelve months): received, open and overdue referrals, the
    share handled within the deadline and median working days. Counts only; None without
    the right."""
    if not policy.may_view_follow_up_figures(actor):
        return None
    today = timezone.localdate()
    since = since or today - dt.timedelta(days=365)
    until = until or today
    per: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        Referral.objects.filter(sent_at__date__gte=since, sent_at__date__lte=until)
        .values_list(
            "to_organisation_id",
            "status",
            "sent_at",
            "acknowledge_due",
            "outcome_due",
            "acknowledged_at",
            "outcome_at",
        )
        .iterator(chunk_size=5000)
    ):
        per[row[0]].append(row)
    organisations = Organisation.objects.in_bulk(list(per))
    rows = []
    for organisation_id, items in per.items():
        ack_days, out_days, ack_ok, out_ok = [], [], 0, 0
        open_, late_ack, late_out = 0, 0, 0
        for _org, status, sent, ack_due, out_due, ack_at, out_at in items:
            sent_day = timezone.localdate(sent)
            if status in OPEN:
                open_ += 1
                if status == S.SENT and ack_due < today:
                    late_ack += 1
                if out_due < today:
                    late_out += 1
            if ack_at:
                ack_day = timezone.localdate(ack_at)
                ack_days.append(working_days_between(sent_day, ack_day))
                ack_ok += ack_day <= ack_due
            if out_at:
                out_day = timezone.localdate(out_at)
                out_days.append(working_days_between(sent_day, out_day))
                out_ok += out_day <= out_due
        rows.append(
            SlaRow(
                organisation=organisations[organisation_id],
                received=len(items),
                open=open_,
                overdue_acknowledge=late_ack,
                overdue_outcome=late_out,
                acknowledged_in_time=ack_ok / len(ack_days) if ack_days else None,
                outcome_in_time=out_ok / len(out_days) if out_days else None,
                median_days_to_acknowledge=statistics.median(ack_days) if ack_days else None,
                median_days_to_outcome=statistics.median(out_days) if out_days else None,
                acknowledged=len(ack_days),
                reached_outcome=len(out_days),
            )
        )
    audit_record(
        actor=actor,
        action=Action.LIST,
        purpose=Purpose.MONITORING,
        context=context,
        object_type="referral",
        detail={
            "figures": "sla",
            "since": since.isoformat(),
            "until": until.isoformat(),
            "organisations": len(rows),
        },
    )
    return sorted(rows, key=lambda r: (-r.received, r.organisation.name))


# -- joint-analysis cases ----------------------------------------------------------------------


def case_list(*, actor: Actor, context: Context) -> list[Case] | None:
    """Open cases first, then closed, newest first; None without the right (audited)."""
    if not policy.may_work_on_cases(actor):
        audit_record(
            actor=actor,
            action=Action.LIST,
            purpose=Purpose.FOLLOW_UP,
            context=context,
            object_type="case",
            result=Result.DENIED,
        )
        return None
    cases: list[Case] = list(
        access.visible_cases(actor)
        .select_related("organisation", "sharing_group")
        .annotate(signal_count=Count("signals", distinct=True))
        .order_by(F("closed_at").desc(nulls_first=True), "-created_at")[:200]
    )
    audit_record(
        actor=actor,
        action=Action.LIST,
        purpose=Purpose.FOLLOW_UP,
        context=context,
        object_type="case",
        detail={"count": len(cases)},
    )
    return cases


def case_get(*, actor: Actor, context: Context, case_id: int) -> Case | None:
    """One case with its notes; of its signals, ``visible_signals`` holds those the actor
    sees in full and ``hidden_signals`` counts the rest."""
    visible_ids: list[uuid.UUID] = []

    def signals_shown(case: Case) -> list[tuple[str, object]]:
        visible_ids.extend(
            policy.visible_signals(actor).filter(cases=case).values_list("pk", flat=True)
        )
        return [("signal", pk) for pk in visible_ids]

    case = audited_get(
        access.visible_cases(actor)
        .select_related("organisation", "sharing_group", "created_by")
        .prefetch_related("notes__author", "notes__organisation"),
        case_id,
        actor=actor,
        context=context,
        action=Action.VIEW,
        purpose=Purpose.FOLLOW_UP,
        object_type="case",
        shown=signals_shown,
    )
    if case is not None:
        visible = list(
            policy.visible_signals(actor)
            .filter(pk__in=visible_ids)
            .select_related("organisation")
            .order_by("received_at")
        )
        case.visible_signals = visible  # type: ignore[attr-defined]
        case.hidden_signals = case.signals.count() - len(visible)  # type: ignore[attr-defined]
    return case
