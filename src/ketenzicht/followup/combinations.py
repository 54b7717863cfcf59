"""Combined soft signals: rules such as "three or more soft signals from at least two
organisations about the same person within twelve months" open one joint-analysis referral
with the signals they combine, explained; later signals join the open referral instead of
opening another, and a closed combination reopens when new signals join it, so a
combination is never referred twice."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Case, When
from django.utils.translation import gettext as _

from ketenzicht.accounts.actor import SYSTEM
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import TASK, Context
from ketenzicht.persons.models import PersonIdentifier
from ketenzicht.persons.same_person import matcher
from ketenzicht.sharing.services import referral_access_grant
from ketenzicht.signals.models import Kind, Signal, Subject

from . import workflow
from .models import CombinationBasis, CombinationRule, Referral, ReferralEvent, ReferralKind
from .models import ReferralStatus as S
from .services import (
    _basis_of,
    _notify,
    outcome_clock_restart,
    referral_access_follow,
    referral_open,
)


def _soft_signals_of_records(record_ids: Iterable[uuid.UUID], since: dt.datetime) -> set[uuid.UUID]:
    return set(
        Subject.objects.filter(
            record_id__in=list(record_ids),
            restricted=False,
            signal__kind=Kind.SOFT,
            signal__received_at__gte=since,
        ).values_list("signal_id", flat=True)
    )


def _group(rule: CombinationRule, signal: Signal) -> set[uuid.UUID]:
    """The soft signals this rule links to ``signal`` within the rule's window."""
    since = signal.received_at - dt.timedelta(days=rule.window_days)
    records = list(
        Subject.objects.filter(signal=signal, restricted=False).values_list("record_id", flat=True)
    )
    if rule.basis == CombinationBasis.PERSON:
        linked = matcher().linked_records(records)
        every = set().union(*linked.values()) if linked else set()
        return _soft_signals_of_records(every, since) | {signal.pk}
    phones = PersonIdentifier.objects.filter(record_id__in=records, kind="phone").values(
        "value_digest"
    )
    sharing = PersonIdentifier.objects.filter(kind="phone", value_digest__in=phones).values_list(
        "record_id", flat=True
    )
    return _soft_signals_of_records(sharing, since) | {signal.pk}


def _explain(rule: CombinationRule, signals: list[Signal]) -> str:
    organisations = sorted({s.organisation.name for s in signals})
    return _(
        "combination rule %(code)s: %(n)s soft signals about %(basis)s from %(k)s "
        "organisations (%(orgs)s) within %(days)s days: %(refs)s"
    ) % {
        "code": rule.code,
        "n": len(signals),
        "basis": rule.get_basis_display(),
        "k": len(organisations),
        "orgs": ", ".join(organisations),
        "days": rule.window_days,
        "refs": ", ".join(s.reference for s in signals),
    }


@transaction.atomic
def combinations_evaluate(*, signal_ids: Iterable[uuid.UUID | str], context: Context = TASK) -> int:
    """Apply every active rule to these (new or changed) soft signals. Returns how many
    referrals were opened or extended."""
    changed = 0
    signals = list(
        Signal.objects.filter(pk__in=[str(i) for i in signal_ids], kind=Kind.SOFT).select_related(
            "organisation"
        )
    )
    # Rules are locked one at a time: two workers never open the same combination twice.
    for rule in (
        CombinationRule.objects.select_for_update(of=("self",))
        .filter(active=True)
        .select_related("target_organisation")
    ):
        done: set[uuid.UUID] = set()
        for signal in signals:
            if signal.pk in done:
                continue
            group_ids = _group(rule, signal)
            done |= group_ids
            group = list(
                Signal.objects.filter(pk__in=group_ids)
                .select_related("organisation")
                .order_by("received_at")
            )
            if len(group) < rule.min_signals:
                continue
            if len({s.organisation_id for s in group}) < rule.min_organisations:
                continue
            # The referral this combination already has: an open one, else the latest
            # closed one (a closed combination reopens on new signals, never doubles).
            existing = (
                Referral.objects.select_for_update(of=("self",))
                .filter(combination_rule=rule, signals__in=group_ids)
                .select_related("from_organisation", "to_organisation")
                .order_by(Case(When(status=S.CLOSED, then=1), default=0), "-sent_at")
                .first()
            )
            if existing is None:
                referral_open(
                    actor=SYSTEM,
                    context=context,
                    kind=ReferralKind.JOINT_ANALYSIS,
                    signals=group,
                    to_organisation=rule.target_organisation,
                    from_organisation_id=group[-1].organisation_id,
                    reason=_explain(rule, group),
                    combination_rule_id=rule.pk,
                )
                changed += 1
                continue
            held = set(existing.signals.values_list("pk", flat=True))
            new = [s for s in group if s.pk not in held]
            if not new:
                continue

            for s in new:
                existing.signals.add(s)
                if s.organisation_id != existing.to_organisation_id:
                    referral_access_grant(
                        SYSTEM,
                        context,
                        s,
                        existing.to_organisation_id,
                        _basis_of(s.organisation_id),
                        "",
                        "referral",
                    )
            note = _("combined with %(refs)s") % {"refs": ", ".join(s.reference for s in new)}
            audit_record(
                actor=SYSTEM,
                action=Action.UPDATE,
                purpose=Purpose.FOLLOW_UP,
                context=context,
                object_type="referral",
                object_id=existing.pk,
                detail={"combined": len(new), "reopened": existing.status == S.CLOSED},
            )
            if existing.status == S.CLOSED:
                event = workflow.apply(
                    existing, workflow.Step(to=S.IN_ASSESSMENT, note=note), user_id=None
                )
                outcome_clock_restart(existing)
                existing.save()
                event.save()
                referral_access_follow(SYSTEM, context, existing)
                _notify(existing, "referral.reopened", [existing.to_organisation_id])
                changed += 1
                continue
            ReferralEvent.objects.create(
                referral=existing,
                from_status=existing.status,
                to_status=existing.status,
                note=note,
            )
            _notify(existing, "referral.updated", [existing.to_organisation_id])
            changed += 1
    return changed
