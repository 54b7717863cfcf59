"""Writes of follow-up: routing a hard signal, moving a referral through its workflow,
escalating overdue referrals. Combination rules are in ``combinations``, the victim track in
``victims``."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from ketenzicht.accounts.actor import SYSTEM, Actor
from ketenzicht.accounts.models import Organisation, Role
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record, audited_get
from ketenzicht.common.context import TASK, Context
from ketenzicht.notifications.models import Channel
from ketenzicht.notifications.services import Event, emit
from ketenzicht.sharing.models import GrantEnd, OrganisationDefaults
from ketenzicht.sharing.services import referral_access_grant, referral_access_term
from ketenzicht.signals.models import Kind, Signal, Status

from . import access, routing, workflow
from .deadlines import add_working_days
from .models import (
    DeadlinePolicy,
    Outcome,
    Referral,
    ReferralEvent,
    ReferralKind,
    ReferralStatus,
    RoutingRule,
)
from .victims import victim_tracks_open

S = ReferralStatus
DEFAULT_BASIS = "avg-6-1-e"


def _basis_of(organisation_id: int) -> str:
    """The legal basis a referral on the reporter's behalf records: the reporter's default."""
    defaults = (
        OrganisationDefaults.objects.filter(organisation_id=organisation_id)
        .select_related("legal_basis")
        .first()
    )
    return defaults.legal_basis.code if defaults and defaults.legal_basis else DEFAULT_BASIS


def due_dates(organisation_id: int, sent: dt.datetime) -> tuple[dt.date, dt.date]:
    """Acknowledge-by and outcome-by dates, in working days from the day it was sent."""
    deadline = DeadlinePolicy.objects.filter(organisation_id=organisation_id).first()
    acknowledge = deadline.acknowledge_days if deadline else settings.REFERRAL_ACKNOWLEDGE_DAYS
    outcome = deadline.outcome_days if deadline else settings.REFERRAL_OUTCOME_DAYS
    day = timezone.localtime(sent).date()
    return add_working_days(day, acknowledge), add_working_days(day, outcome)


def outcome_clock_restart(referral: Referral) -> None:
    """A reopened referral gets a new outcome deadline from today and may be escalated
    again; the caller saves it."""
    referral.outcome_due = due_dates(referral.to_organisation_id, timezone.now())[1]
    referral.outcome_escalated_at = None


def referral_access_follow(actor: Actor, context: Context, referral: Referral) -> None:
    """The receiving body's access to the referral's signals follows its referrals of them
    (ADR 0022): open while one is open, until the period after closing has passed, gone at
    once when forwarded. With several referrals of one signal to one body the longest term
    holds. Call after every change of status, inside its transaction."""
    org = referral.to_organisation_id
    after_close = access.referral_access_after_close()
    now = timezone.now()
    for signal in referral.signals.exclude(organisation_id=org):
        terms: list[tuple[dt.datetime, str]] = []
        for status, outcome, closed_at in Referral.objects.filter(
            to_organisation_id=org, signals=signal
        ).values_list("status", "outcome", "closed_at"):
            if outcome == Outcome.FORWARDED and status in (S.OUTCOME, S.CLOSED):
                terms.append((now, GrantEnd.FORWARDED))
            elif status == S.CLOSED and closed_at is not None:
                terms.append((closed_at + after_close, GrantEnd.CLOSED))
            else:
                break  # an open referral: no end
        else:
            if terms:
                ends_at, reason = max(terms)
                referral_access_term(actor, context, signal, org, ends_at=ends_at, reason=reason)
            continue
        referral_access_term(actor, context, signal, org, ends_at=None)


def referral_open(
    *,
    actor: Actor,
    context: Context,
    kind: str,
    signals: list[Signal],
    to_organisation: Organisation,
    from_organisation_id: int,
    reason: str,
    rule_id: int | None = None,
    combination_rule_id: int | None = None,
    forwarded_from: Referral | None = None,
) -> Referral:
    """Open a referral: access for the receiving body to every signal, deadlines, the first
    event, an audit event and notifications. Call inside a transaction."""
    now = timezone.now()
    acknowledge_due, outcome_due = due_dates(to_organisation.pk, now)
    referral = Referral.objects.create(
        kind=kind,
        signal=signals[0],
        from_organisation_id=from_organisation_id,
        to_organisation=to_organisation,
        rule_id=rule_id,
        combination_rule_id=combination_rule_id,
        forwarded_from=forwarded_from,
        reason=reason,
        sent_at=now,
        acknowledge_due=acknowledge_due,
        outcome_due=outcome_due,
    )
    referral.signals.set(signals)
    for signal in signals:
        if signal.organisation_id != to_organisation.pk:
            referral_access_grant(
                actor,
                context,
                signal,
                to_organisation.pk,
                _basis_of(signal.organisation_id),
                "",
                "referral",
            )
    Signal.objects.filter(pk__in=[s.pk for s in signals], status=Status.REGISTERED).update(
        status=Status.REFERRED
    )
    ReferralEvent.objects.create(
        referral=referral, to_status=S.SENT, at=now, by_id=actor.user_id or None, note=reason
    )
    audit_record(
        actor=actor,
        action=Action.ROUTE,
        purpose=Purpose.FOLLOW_UP,
        context=context,
        object_type="referral",
        object_id=referral.pk,
        detail={"kind": kind, "to": to_organisation.code, "signals": len(signals)},
    )
    _notify(referral, "referral.sent", [to_organisation.pk])
    return referral


def _notify(
    referral: Referral,
    event_type: str,
    organisations: Iterable[int],
    *,
    roles: tuple[str, ...] = (),
    urgent: bool = False,
    note: str = "",
) -> None:
    with override(settings.LANGUAGE_CODE):
        titles = {
            "referral.sent": _("New referral %(ref)s from %(org)s"),
            "referral.status_changed": _("Referral %(ref)s is now: %(status)s"),
            "referral.closed": _("Feedback on referral %(ref)s: %(outcome)s"),
            "referral.overdue": _("Referral %(ref)s is overdue"),
            "referral.updated": _("Referral %(ref)s: more signals combined"),
            "referral.reopened": _("Referral %(ref)s reopened: new information"),
            "referral.information": _("New information on referral %(ref)s"),
        }
        title = titles[event_type] % {
            "ref": referral.reference,
            "org": referral.from_organisation.name,
            "status": S(referral.status).label,
            "outcome": Outcome(referral.outcome).label if referral.outcome else "",
        }
        body = referral.feedback if event_type == "referral.closed" else referral.reason
        if note:
            body = note
    emit(
        Event(
            type=event_type,
            channel=Channel.REFERRALS,
            organisations=tuple(sorted(set(organisations))),
            title=title,
            body=body,
            link=f"/doorverwijzingen/{referral.pk}",
            subject=str(referral.pk),
            data={
                "referral": str(referral.pk),
                "reference": referral.reference,
                "status": referral.status,
                "outcome": referral.outcome,
                "signals": [str(pk) for pk in referral.signals.values_list("pk", flat=True)],
            },
            attributes={
                "kind": referral.kind,
                "status": referral.status,
                "fromOrganisation": referral.from_organisation.code,
                "toOrganisation": referral.to_organisation.code,
            },
            roles=roles,
            urgent=urgent,
        )
    )


def _reporters(referral: Referral) -> set[int]:
    """Every organisation that contributed a signal: all of them hear the outcome."""
    orgs = set(referral.signals.values_list("organisation_id", flat=True))
    return orgs | {referral.from_organisation_id}


# -- routing --------------------------------------------------------------------------------


@transaction.atomic
def signal_route(
    *,
    signal_id: uuid.UUID | str,
    context: Context = TASK,
    rules: list[RoutingRule] | None = None,
) -> Referral | None:
    """Route a hard signal to the competent body by the routing rules (``rules`` when the
    caller already read them for a batch). Idempotent: a signal is routed once; None when
    it is soft, already routed, or no rule applies."""
    signal = (
        Signal.objects.select_for_update(of=("self",))
        .select_related("municipality", "location", "organisation")
        .filter(pk=signal_id, kind=Kind.HARD)
        .first()
    )
    if signal is None or Referral.objects.filter(signal=signal, kind=ReferralKind.ROUTED).exists():
        return None
    decision = routing.decide(signal, rules)
    # Kept on the signal so its page can say where it went, also when it stays.
    Signal.objects.filter(pk=signal.pk).update(
        routed_at=timezone.now(),
        routing_rule_code=decision.rule.code if decision else "",
        routing_target=decision.organisation if decision else None,
    )
    if decision is None or decision.organisation.pk == signal.organisation_id:
        # Registered by the competent body itself, or nowhere to go: on record, no referral.
        audit_record(
            actor=SYSTEM,
            action=Action.ROUTE,
            purpose=Purpose.FOLLOW_UP,
            context=context,
            object_type="signal",
            object_id=signal.pk,
            detail={"routed": False, "rule": decision.rule.code if decision else None},
        )
        return None
    referral = referral_open(
        actor=SYSTEM,
        context=context,
        kind=ReferralKind.ROUTED,
        signals=[signal],
        to_organisation=decision.organisation,
        from_organisation_id=signal.organisation_id,
        reason=decision.explanation,
        rule_id=decision.rule.pk,
    )

    victim_tracks_open(referral=referral, context=context)
    return referral


# -- the workflow ------------------------------------------------------------------------------


def referral_transition(
    *,
    actor: Actor,
    context: Context,
    referral_id: uuid.UUID | str,
    step: workflow.Step,
    expected_version: int | None = None,
) -> Referral:
    """Move a received referral one step. Raises ``Referral.DoesNotExist`` (after an
    audited denial) when it is not the actor's organisation's to handle, and
    ``ValidationError`` (changing nothing) for an illegal or incomplete step."""
    with transaction.atomic():
        referral = audited_get(
            access.handled_referrals(actor)
            .select_for_update(of=("self",))
            .select_related("from_organisation", "to_organisation"),
            referral_id,
            actor=actor,
            context=context,
            action=Action.TRANSITION,
            purpose=Purpose.FOLLOW_UP,
            object_type="referral",
            record_ok=False,  # the step records itself
        )
        if referral is not None:
            return _transition(actor, context, referral, step, expected_version)
    # Raised after the block, so that the denial stays on record.
    raise Referral.DoesNotExist


def _transition(
    actor: Actor,
    context: Context,
    referral: Referral,
    step: workflow.Step,
    expected_version: int | None,
) -> Referral:
    if expected_version is not None and expected_version != referral.version:
        raise ValidationError(
            _("Someone else changed this referral in the meantime. Reload and try again.")
        )
    errors = workflow.check(referral, step)
    forward_to = None
    if not errors and step.outcome == Outcome.FORWARDED:
        forward_to = (
            Organisation.objects.filter(pk=step.forward_to or 0)
            .exclude(pk=referral.to_organisation_id)
            .first()
        )
        if forward_to is None:
            errors["forward_to"] = [_("Choose another organisation to forward to.")]
    if errors:
        raise ValidationError(errors)
    before = referral.status
    event = workflow.apply(referral, step, user_id=actor.user_id or None)
    if before in (S.CLOSED, S.OUTCOME) and referral.status == S.IN_ASSESSMENT:
        outcome_clock_restart(referral)
    referral.save()
    event.save()
    audit_record(
        actor=actor,
        action=Action.TRANSITION,
        purpose=Purpose.FOLLOW_UP,
        context=context,
        object_type="referral",
        object_id=referral.pk,
        detail={"from": before, "to": referral.status, "outcome": referral.outcome},
    )
    referral_access_follow(actor, context, referral)
    if forward_to is not None:
        referral_open(
            actor=actor,
            context=context,
            kind=ReferralKind.FORWARDED,
            signals=list(referral.signals.all()),
            to_organisation=forward_to,
            from_organisation_id=referral.to_organisation_id,
            reason=_("forwarded by %(org)s: %(why)s")
            % {"org": referral.to_organisation.name, "why": step.outcome_reason or step.note},
            combination_rule_id=referral.combination_rule_id,
            forwarded_from=referral,
        )
    if referral.status == S.CLOSED:
        _notify(referral, "referral.closed", _reporters(referral))
    elif before == S.CLOSED:
        _notify(referral, "referral.reopened", _reporters(referral))
    else:
        _notify(referral, "referral.status_changed", _reporters(referral))
    return referral


@transaction.atomic
def referral_add_information(
    *, actor: Actor, context: Context, referral_id: uuid.UUID | str, note: str
) -> Referral | None:
    """The reporter adds new information; a closed referral reopens for the receiving body.
    None (audited as denied) when the referral is not one the actor's organisation sent."""
    referral = audited_get(
        access.visible_referrals(actor)
        .exclude(to_organisation_id=actor.organisation_id or 0)
        .select_for_update(of=("self",))
        .select_related("from_organisation", "to_organisation"),
        referral_id,
        actor=actor,
        context=context,
        action=Action.UPDATE,
        purpose=Purpose.FOLLOW_UP,
        object_type="referral",
        record_ok=False,  # recorded below with what was added
    )
    if referral is None:
        return None
    if not note.strip():
        raise ValidationError({"note": [_("Describe the new information.")]})
    if referral.status == S.CLOSED:
        event = workflow.apply(
            referral, workflow.Step(to=S.IN_ASSESSMENT, note=note), user_id=actor.user_id
        )
        outcome_clock_restart(referral)
        referral.save()
        event.save()
        referral_access_follow(actor, context, referral)
        event_type = "referral.reopened"
    else:
        ReferralEvent.objects.create(
            referral=referral,
            from_status=referral.status,
            to_status=referral.status,
            by_id=actor.user_id,
            note=note.strip(),
        )
        event_type = "referral.information"
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        purpose=Purpose.FOLLOW_UP,
        context=context,
        object_type="referral",
        object_id=referral.pk,
        detail={"information": True, "status": referral.status},
    )
    _notify(referral, event_type, [referral.to_organisation_id], note=note.strip())
    return referral


# -- deadlines -------------------------------------------------------------------------------


@transaction.atomic
def referrals_escalate_overdue(*, today: dt.date | None = None) -> int:
    """Escalate, once each, referrals past their acknowledge-by or outcome-by date to the
    receiving organisation's coordinators. Run by the worker's scheduler."""
    today = today or timezone.localdate()
    now = timezone.now()
    escalated = 0
    late_ack = Referral.objects.filter(
        status=S.SENT, acknowledge_due__lt=today, acknowledge_escalated_at__isnull=True
    )
    late_outcome = Referral.objects.filter(
        Q(status__in=[S.SENT, S.ACKNOWLEDGED, S.IN_ASSESSMENT]),
        outcome_due__lt=today,
        outcome_escalated_at__isnull=True,
    )
    for qs, field in (
        (late_ack, "acknowledge_escalated_at"),
        (late_outcome, "outcome_escalated_at"),
    ):
        for referral in qs.select_for_update(of=("self",)).select_related(
            "from_organisation", "to_organisation"
        )[:1000]:
            setattr(referral, field, now)
            referral.save(update_fields=[field])
            _notify(
                referral,
                "referral.overdue",
                [referral.to_organisation_id],
                roles=(Role.COORDINATOR,),
                urgent=True,
            )
            escalated += 1
    if escalated:
        audit_record(
            actor=SYSTEM,
            action=Action.ESCALATE,
            purpose=Purpose.FOLLOW_UP,
            context=TASK,
            object_type="referral",
            detail={"escalated": escalated, "day": today.isoformat()},
        )
    return escalated
