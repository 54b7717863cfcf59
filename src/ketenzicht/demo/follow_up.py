"""Follow-up history for the demo world: the demo's hard signals are routed by the routing
rules and its soft signals run through the combination rules, through the same services as
in production; each referral is then moved through its workflow by someone of the receiving
body, as it might have gone since the signal came in, so that the inbox, the signal pages and
the deadline figures show a realistic spread (acknowledged on time or late, outcomes, still
open, overdue).

The services stamp every step with the current time; a demo world is history, so afterwards
the clocks of each referral are set back to when its signal came in. That is the one place
where timestamps are written directly, and only for demo data."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import Membership
from ketenzicht.accounts.selectors import actor_for_user
from ketenzicht.common.context import CLI
from ketenzicht.followup.combinations import combinations_evaluate
from ketenzicht.followup.deadlines import add_working_days
from ketenzicht.followup.models import (
    Outcome,
    Referral,
    ReferralEvent,
    ReferralKind,
    ReferralStatus,
)
from ketenzicht.followup.services import due_dates, referral_transition, signal_route
from ketenzicht.followup.workflow import Step
from ketenzicht.notifications.models import Message
from ketenzicht.signals.models import Kind, Signal

from .loader import PREFIX

S = ReferralStatus
# How a demo referral ends, by outcome (weights) and what the receiving body tells the reporter.
OUTCOMES = {
    Outcome.INVESTIGATION_STARTED: (
        30,
        "Er is een onderzoek gestart. Dank voor het signaal; we nemen contact op als we "
        "meer informatie nodig hebben.",
    ),
    Outcome.VICTIM_CARE_STARTED: (
        25,
        "De betrokkene is aangemeld voor opvang en zorg; de bedenktijd is aangeboden.",
    ),
    Outcome.NO_FURTHER_ACTION: (
        30,
        "Het signaal is beoordeeld en bevat te weinig aanknopingspunten voor een onderzoek. "
        "Meld nieuwe informatie opnieuw.",
    ),
}


def _handlers() -> dict[int, Actor]:
    """Per organisation, a demo account that may handle its received referrals."""
    handlers: dict[int, Actor] = {}
    for membership in Membership.objects.select_related("user", "organisation").order_by("id"):
        organisation_id = membership.organisation_id
        if organisation_id in handlers:
            continue
        actor = actor_for_user(membership.user)
        if actor.organisation_id == organisation_id and policy.may_follow_up(actor):
            handlers[organisation_id] = actor
    return handlers


def _plan(rng: random.Random, age: int) -> list[tuple[str, int]]:
    """The steps a referral took, each with the working days after sending it took place;
    only steps that fit in the ``age`` (working days since it was sent) happen."""
    if rng.random() < 0.06:
        return []  # never picked up: it shows as overdue
    acknowledge = rng.choice([0, 1, 1, 2, 2, 3, 4, 6, 9])
    steps = [(S.ACKNOWLEDGED.value, acknowledge)]
    assessment = acknowledge + rng.randint(0, 3)
    outcome = assessment + rng.choice([3, 5, 8, 10, 14, 19, 25, 35])
    if rng.random() < 0.7:
        steps.append((S.IN_ASSESSMENT.value, assessment))
    if rng.random() < 0.85:
        steps.append((S.CLOSED.value, outcome))
    return [(to, days) for to, days in steps if days <= age]


def _step(rng: random.Random, to: str) -> Step:
    if to != S.CLOSED:
        return Step(to=to, note="Demo: in behandeling genomen." if to == S.ACKNOWLEDGED else "")
    codes = list(OUTCOMES)
    outcome = rng.choices(codes, [OUTCOMES[c][0] for c in codes])[0]
    return Step(
        to=to,
        outcome=outcome,
        outcome_reason="Onvoldoende aanknopingspunten."
        if outcome == Outcome.NO_FURTHER_ACTION
        else "",
        feedback=OUTCOMES[outcome][1],
    )


def _set_clocks(referral: Referral, sent: dt.datetime, when: dict[str, dt.datetime]) -> None:
    acknowledge_due, outcome_due = due_dates(referral.to_organisation_id, sent)
    # Deadlines that passed in the history count as escalated then: the worker must not
    # send years of escalations when it starts.
    today = timezone.localdate()
    escalated = timezone.make_aware(dt.datetime.combine(today, dt.time(0)))
    Referral.objects.filter(pk=referral.pk).update(
        acknowledge_escalated_at=escalated if acknowledge_due < today else None,
        outcome_escalated_at=escalated if outcome_due < today else None,
        sent_at=sent,
        acknowledge_due=acknowledge_due,
        outcome_due=outcome_due,
        acknowledged_at=when.get(S.ACKNOWLEDGED),
        outcome_at=when.get(S.CLOSED),
        closed_at=when.get(S.CLOSED),
    )
    for event in ReferralEvent.objects.filter(referral=referral):
        at = sent if event.to_status == S.SENT else when.get(event.to_status, sent)
        ReferralEvent.objects.filter(pk=event.pk).update(at=at)


def _at(sent: dt.datetime, working_days: int, rng: random.Random) -> dt.datetime:
    day = add_working_days(timezone.localtime(sent).date(), working_days)
    moment = dt.datetime.combine(day, dt.time(9 + rng.randint(0, 7), rng.randint(0, 59)))
    return max(sent, timezone.make_aware(moment))


# Routing and playing forward go through the production services one referral at a time
# (about a tenth of a second each): the most recent few hundred hard signals (most of the
# last twelve months at the default size) and as many soft ones keep the set-up quick and
# still fill the monitor's follow-up table and the deadline figures.
FOLLOW_UP_LIMIT = 400


def load_demo_follow_up(limit: int = FOLLOW_UP_LIMIT) -> int:
    """Route the most recent ``limit`` hard demo signals not routed yet, evaluate the
    combination rules on as many recent soft ones, and play forward the referrals this
    opened. Idempotent: referrals already there are left alone. Returns how many referrals
    were played forward."""
    demo = Signal.objects.filter(source_reference__startswith=PREFIX).order_by("-received_at")
    hard = list(
        demo.filter(kind=Kind.HARD)
        .exclude(referrals_as_main__kind=ReferralKind.ROUTED)
        .values_list("pk", flat=True)[:limit]
    )
    soft = list(demo.filter(kind=Kind.SOFT).values_list("pk", flat=True)[:limit])
    started = timezone.now()
    for signal_id in hard:
        signal_route(signal_id=signal_id, context=CLI)
    combinations_evaluate(signal_ids=soft, context=CLI)
    handlers = _handlers()
    today = timezone.localdate()
    played = 0
    referrals = (
        Referral.objects.filter(signal__source_reference__startswith=PREFIX)
        .filter(sent_at__gte=started)
        .select_related("signal")
        .prefetch_related("signals")
        .order_by("signal__source_reference")
    )
    for referral in referrals:
        # Seeded on purpose: synthetic data that loads the same every time.
        rng = random.Random(referral.signal.source_reference)  # nosec B311
        # A joint analysis starts when its last soft signal came in.
        came_in = max(s.received_at for s in referral.signals.all())
        sent = came_in + dt.timedelta(minutes=rng.randint(2, 90))
        age = max(0, (today - timezone.localtime(sent).date()).days * 5 // 7 - 1)
        handler = handlers.get(referral.to_organisation_id)
        when: dict[str, dt.datetime] = {}
        last = sent
        with transaction.atomic():
            for to, days in _plan(rng, age) if handler else []:
                referral_transition(
                    actor=handler,  # type: ignore[arg-type]
                    context=CLI,
                    referral_id=referral.pk,
                    step=_step(rng, to),
                )
                last = when[to] = max(last, _at(sent, days, rng))
            _set_clocks(referral, sent, when)
            # Its notifications were sent when its steps happened, not today.
            Message.objects.filter(
                link=f"/doorverwijzingen/{referral.pk}", created_at__gte=started
            ).update(created_at=last, read_at=last, emailed_at=last)
        played += 1
    # The notifications of this history are old news: on record, but read, and marked as
    # mailed so that the worker does not mail years of history when it starts.
    Message.objects.filter(created_at__gte=started, read_at__isnull=True).update(
        read_at=started, emailed_at=started
    )
    return played
