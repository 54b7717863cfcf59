"""The referral state machine: the only place a referral's status changes.

    sent -> acknowledged -> in_assessment -> outcome -> closed
                  \\______________\\___________________/^
    closed -> in_assessment   (reopened when new information arrives)

An outcome needs its code (and for "no further action" a reason); closing needs feedback to
the reporter and an outcome, given now or before. Forwarding to another body is a closing
step (ADR 0022). Every step is a ``ReferralEvent``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Outcome, Referral, ReferralEvent, ReferralStatus

S = ReferralStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.SENT: frozenset({S.ACKNOWLEDGED}),
    S.ACKNOWLEDGED: frozenset({S.IN_ASSESSMENT, S.OUTCOME, S.CLOSED}),
    S.IN_ASSESSMENT: frozenset({S.OUTCOME, S.CLOSED}),
    S.OUTCOME: frozenset({S.CLOSED, S.IN_ASSESSMENT}),
    S.CLOSED: frozenset({S.IN_ASSESSMENT}),
}


@dataclass(frozen=True)
class Step:
    """What the receiving body asks for: the next status and what goes with it."""

    to: str
    outcome: str = ""
    outcome_reason: str = ""
    feedback: str = ""
    note: str = ""
    forward_to: int | None = None  # organisation id, with outcome "forwarded"


def allowed(current: str) -> frozenset[str]:
    return TRANSITIONS.get(current, frozenset())


def check(referral: Referral, step: Step) -> dict[str, list[str]]:
    """Field errors for this step, empty when it may be taken. Pure: changes nothing."""
    errors: dict[str, list[str]] = {}
    if step.to not in allowed(referral.status):
        errors["to"] = [
            _("A referral that is %(current)s cannot become %(to)s.")
            % {
                "current": S(referral.status).label if referral.status in S.values else "?",
                "to": S(step.to).label if step.to in S.values else step.to,
            }
        ]
        return errors
    outcome = step.outcome or (referral.outcome if step.to == S.CLOSED else "")
    if step.to in (S.OUTCOME, S.CLOSED):
        if outcome not in Outcome.values:
            errors["outcome"] = [_("Choose the outcome.")]
        elif outcome == Outcome.NO_FURTHER_ACTION and not (
            step.outcome_reason.strip() or referral.outcome_reason or step.feedback.strip()
        ):
            errors["outcome_reason"] = [_("Give the reason for no further action.")]
        elif outcome == Outcome.FORWARDED and step.outcome and step.forward_to is None:
            errors["forward_to"] = [_("Choose the body the referral is forwarded to.")]
        elif step.outcome == Outcome.FORWARDED and step.to != S.CLOSED:
            # Forwarding hands the referral over: this body's access ends with it (ADR
            # 0022), so it closes now, with its feedback, or it could never close it.
            errors["to"] = [_("Forwarding closes the referral: choose closed and give feedback.")]
    if step.to == S.CLOSED and not step.feedback.strip():
        errors["feedback"] = [_("Closing needs feedback to the reporter.")]
    if referral.status == S.CLOSED and step.to == S.IN_ASSESSMENT and not step.note.strip():
        errors["note"] = [_("Say what new information reopens the referral.")]
    return errors


def apply(referral: Referral, step: Step, *, user_id: int | None) -> ReferralEvent:
    """Take the step (after ``check``); the caller saves the referral in its transaction."""
    errors = check(referral, step)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    before = referral.status
    if step.to == S.ACKNOWLEDGED:
        referral.acknowledged_at = now
    if step.to in (S.OUTCOME, S.CLOSED) and step.outcome:
        referral.outcome = step.outcome
        referral.outcome_reason = step.outcome_reason.strip()
        referral.outcome_at = now
    if step.to == S.CLOSED:
        referral.feedback = step.feedback.strip()
        referral.closed_at = now
    if step.to == S.IN_ASSESSMENT and before in (S.CLOSED, S.OUTCOME):
        referral.closed_at = None  # reopened
    referral.status = step.to
    referral.version += 1
    return ReferralEvent(
        referral=referral,
        from_status=before,
        to_status=step.to,
        at=now,
        by_id=user_id,
        note=step.note.strip() or step.outcome_reason.strip() or step.feedback.strip(),
    )
