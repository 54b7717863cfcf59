"""Writes of joint-analysis cases (casussen): a coordinator groups signals by hand, shares
the case with a sharing group, and the members record notes and decisions.

A case shares the analysis, not the signals: each member sees of the grouped signals only
what the sharing rules already let it see; the case tells it which signals exist and whom
to ask. Every write is audited."""

from __future__ import annotations

import re
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.audit.models import Action, Purpose, Result
from ketenzicht.audit.services import audit_record, audited_get
from ketenzicht.common.context import Context
from ketenzicht.sharing.models import SharingGroup
from ketenzicht.signals.models import Signal

from . import access
from .models import Case, CaseNote

REFERENCE = re.compile(r"[0-9A-Fa-f]{8}")


def _audit(
    actor: Actor, context: Context, action: str, case_id: int | None, **detail: object
) -> None:
    audit_record(
        actor=actor,
        action=action,
        purpose=Purpose.FOLLOW_UP,
        context=context,
        object_type="case",
        object_id=case_id,
        result=Result.DENIED if detail.pop("denied", False) else Result.OK,
        detail=detail,
    )


def signals_by_reference(actor: Actor, references: str) -> list[Signal]:
    """Signals the actor sees in full, by their 8-character references (comma, space or
    newline separated). Raises a field error naming every reference it cannot use."""
    wanted = [r.upper() for r in re.split(r"[\s,;]+", references.strip()) if r]
    bad = [r for r in wanted if not REFERENCE.fullmatch(r)]
    found: dict[str, Signal] = {}
    for reference in wanted:
        if reference in bad:
            continue
        # A key range, not a text prefix: the primary-key index answers it.
        low = uuid.UUID(reference.lower() + "0" * 24)
        high = uuid.UUID(reference.lower() + "f" * 24)
        match = list(
            policy.visible_signals(actor).filter(pk__gte=low, pk__lte=high).order_by("pk")[:2]
        )
        if len(match) == 1:
            found[reference] = match[0]
        else:
            bad.append(reference)
    if bad:
        raise ValidationError(
            {
                "signals": [
                    _("Unknown signal reference(s): %(refs)s.") % {"refs": ", ".join(sorted(bad))}
                ]
            }
        )
    return list(dict.fromkeys(found.values()))


def _open_case(actor: Actor, context: Context, case_id: int, *, own: bool) -> Case | None:
    """An open case the actor sees, locked for a change; with ``own`` only one of the
    actor's own organisation, who alone group and close it. A denial is recorded here, the
    change by its caller."""
    cases = access.visible_cases(actor).filter(closed_at__isnull=True)
    if own:
        cases = cases.filter(organisation_id=actor.organisation_id or 0)
    return audited_get(
        cases.select_for_update(of=("self",)),
        case_id,
        actor=actor,
        context=context,
        action=Action.UPDATE,
        purpose=Purpose.FOLLOW_UP,
        object_type="case",
        record_ok=False,
    )


def _group_of(actor: Actor, group_id: int | None) -> SharingGroup | None:
    if group_id is None:
        return None
    group = SharingGroup.objects.filter(
        pk=group_id, organisations__id=actor.organisation_id or 0
    ).first()
    if group is None:
        raise ValidationError({"sharing_group": [_("Choose a group your organisation is in.")]})
    return group


@transaction.atomic
def case_create(
    *, actor: Actor, context: Context, name: str, references: str, sharing_group_id: int | None
) -> Case | None:
    """Open a case with the given signals; None (audited) without the right."""
    if not policy.may_work_on_cases(actor):
        _audit(actor, context, Action.CREATE, None, denied=True)
        return None
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Give the case a name.")]
    signals: list[Signal] = []
    group = None
    try:
        signals = signals_by_reference(actor, references)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        group = _group_of(actor, sharing_group_id)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    case = Case.objects.create(
        name=name.strip()[:200],
        organisation_id=actor.organisation_id or 0,
        sharing_group=group,
        created_by_id=actor.user_id or None,
    )
    case.signals.set(signals)
    _audit(actor, context, Action.CREATE, case.pk, signals=len(signals), group=group and group.code)
    return case


@transaction.atomic
def case_add_signals(
    *, actor: Actor, context: Context, case_id: int, references: str
) -> Case | None:
    case = _open_case(actor, context, case_id, own=True)
    if case is None:
        return None
    signals = signals_by_reference(actor, references)
    case.signals.add(*signals)
    _audit(actor, context, Action.UPDATE, case.pk, added=len(signals))
    return case


@transaction.atomic
def case_note_add(
    *, actor: Actor, context: Context, case_id: int, text: str, decision: bool
) -> CaseNote | None:
    """Any organisation that sees the case may add notes and decisions while it is open."""
    case = _open_case(actor, context, case_id, own=False)
    if case is None:
        return None
    if not text.strip():
        raise ValidationError({"text": [_("Write the note.")]})
    note = CaseNote.objects.create(
        case=case,
        author_id=actor.user_id or None,
        organisation_id=actor.organisation_id or 0,
        text=text.strip(),
        decision=decision,
    )
    _audit(actor, context, Action.UPDATE, case.pk, note=note.pk, decision=decision)
    return note


@transaction.atomic
def case_close(*, actor: Actor, context: Context, case_id: int) -> Case | None:
    case = _open_case(actor, context, case_id, own=True)
    if case is None:
        return None
    case.closed_at = timezone.now()
    case.save(update_fields=["closed_at"])
    _audit(actor, context, Action.UPDATE, case.pk, closed=True)
    return case
