"""Writes about sharing: a signal's distribution, referral access, groups and defaults.

Every disclosure beyond the own organisation records its legal basis (``Disclosure``); without
one, sharing is refused with a message on the ``legal_basis`` field.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import Organisation
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record, audited_get
from ketenzicht.common.context import Context

if TYPE_CHECKING:
    from ketenzicht.signals.models import Signal
from ketenzicht.signals.models import Signal, SignalRevision

from .models import (
    AccessGrant,
    Disclosure,
    Distribution,
    GrantEnd,
    GrantReason,
    HandlingCode,
    LegalBasis,
    OrganisationDefaults,
    SharingGroup,
)

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class SharingRequest:
    """What the reporter asked for; empty values mean 'the default'."""

    distribution: str = ""
    sharing_group: str = ""  # code
    legal_basis: str = ""  # code
    legal_basis_note: str = ""
    handling_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SharingDecision:
    """A validated sharing request, ready to store on a signal."""

    distribution: str
    sharing_group_id: int | None
    legal_basis_id: int | None
    legal_basis_note: str
    handling_codes: list[str]

    def as_fields(self) -> dict[str, object]:
        return {
            "distribution": self.distribution,
            "sharing_group_id": self.sharing_group_id,
            "legal_basis_id": self.legal_basis_id,
            "legal_basis_note": self.legal_basis_note,
            "handling_codes": self.handling_codes,
        }


def default_distribution(kind: str) -> str:
    """Soft signals travel the chain by default so they do not stay where they were seen;
    hard signals stay in the organisation and reach the competent body by referral."""
    return Distribution.CHAIN if kind == "soft" else Distribution.ORGANISATION


class SharingVocabulary:
    """Groups, legal bases and defaults for one batch of writes (no query per item)."""

    def __init__(self) -> None:
        self.bases = {b.code: b for b in LegalBasis.objects.filter(active=True)}
        self._groups: dict[int, dict[str, int]] = {}
        self._defaults: dict[int, OrganisationDefaults | None] = {}

    def groups_of(self, organisation_id: int) -> dict[str, int]:
        if organisation_id not in self._groups:
            self._groups[organisation_id] = dict(
                SharingGroup.objects.filter(organisations=organisation_id).values_list("code", "pk")
            )
        return self._groups[organisation_id]

    def defaults_of(self, organisation_id: int) -> OrganisationDefaults | None:
        if organisation_id not in self._defaults:
            self._defaults[organisation_id] = (
                OrganisationDefaults.objects.select_related("legal_basis")
                .filter(organisation_id=organisation_id)
                .first()
            )
        return self._defaults[organisation_id]


def sharing_decide(
    *, actor: Actor, kind: str, request: SharingRequest, vocabulary: SharingVocabulary
) -> tuple[SharingDecision | None, Errors]:
    """Validate a sharing request for the actor's organisation; field -> messages."""
    errors: Errors = {}
    distribution = request.distribution or default_distribution(kind)
    if distribution not in Distribution.values:
        errors["distribution"] = [_("Choose how far this signal may be shared.")]
        return None, errors
    unknown = sorted(set(request.handling_codes) - set(HandlingCode.values))
    if unknown:
        errors["handling_codes"] = [
            _("Unknown code(s): %(codes)s.") % {"codes": ", ".join(unknown)}
        ]
    codes = [c for c in HandlingCode.values if c in request.handling_codes]
    if distribution == Distribution.ORGANISATION:
        return SharingDecision(distribution, None, None, "", codes), errors

    group_id = None
    if distribution == Distribution.GROUP:
        groups = vocabulary.groups_of(actor.organisation_id or 0)
        if not request.sharing_group:
            errors["sharing_group"] = [_("Choose the sharing group.")]
        elif request.sharing_group not in groups:
            errors["sharing_group"] = [_("Choose a sharing group your organisation belongs to.")]
        else:
            group_id = groups[request.sharing_group]

    basis, note = None, request.legal_basis_note.strip()
    if request.legal_basis:
        basis = vocabulary.bases.get(request.legal_basis)
        if basis is None:
            errors["legal_basis"] = [
                _("Unknown legal basis '%(code)s'.") % {"code": request.legal_basis}
            ]
    else:
        defaults = vocabulary.defaults_of(actor.organisation_id or 0)
        if defaults is not None and defaults.legal_basis and defaults.legal_basis.active:
            basis = defaults.legal_basis
            note = note or defaults.legal_basis_note
        else:
            errors["legal_basis"] = [
                _(
                    "Sharing beyond your organisation needs a legal basis. Choose one, or keep "
                    "the signal within your organisation."
                )
            ]
    if basis is not None and basis.needs_note and not note:
        errors["legal_basis_note"] = [
            _("This legal basis needs a note: the scope of the consent or the covenant.")
        ]
    if errors or basis is None:  # no basis without an error about it
        return None, errors
    return SharingDecision(distribution, group_id, basis.pk, note, codes), errors


def disclosure_record(
    *, actor: Actor, signal_id: uuid.UUID, decision: SharingDecision
) -> Disclosure:
    """Keep the decision in the disclosure history (nothing to record for own-only at
    registration; a later restriction is recorded by ``signal_share``)."""
    return Disclosure(
        signal_id=signal_id,
        distribution=decision.distribution,
        sharing_group_id=decision.sharing_group_id,
        legal_basis_id=decision.legal_basis_id,
        legal_basis_note=decision.legal_basis_note,
        handling_codes=decision.handling_codes,
        decided_by_id=actor.user_id or None,
    )


def editable_signal(
    *, actor: Actor, context: Context, signal_id: uuid.UUID | str, action: str
) -> Signal | None:
    """The signal, locked, when the actor may change it; otherwise None, with a denied
    audit event. Call inside the caller's transaction and raise only after it commits, so
    that the denial stays on record (forbidden and nonexistent are the same denial)."""
    return audited_get(
        policy.editable_signals(actor).select_for_update(),
        signal_id,
        actor=actor,
        context=context,
        action=action,
        purpose=Purpose.FOLLOW_UP,
        object_type="signal",
        record_ok=False,
    )


def signal_share(
    *,
    actor: Actor,
    context: Context,
    signal_id: uuid.UUID | str,
    request: SharingRequest,
    expected_version: int | None = None,
) -> Disclosure | None:
    """Change how far a signal is shared. Only the reporting organisation decides.

    Takes effect on the next read: the policy reads the signal's current fields.
    Returns the new disclosure, or None when nothing changed. Raises
    ``Signal.DoesNotExist`` when the signal is not the actor's to change.
    """
    with transaction.atomic():
        signal = editable_signal(
            actor=actor, context=context, signal_id=signal_id, action=Action.SHARE
        )
        if signal is not None:
            return _share(actor, context, signal, request, expected_version)
    raise Signal.DoesNotExist


def _share(
    actor: Actor,
    context: Context,
    signal: Signal,
    request: SharingRequest,
    expected_version: int | None,
) -> Disclosure | None:
    if expected_version is not None and signal.version != expected_version:
        raise ValidationError(
            _("Someone else changed this signal while you were editing. Reload and try again.")
        )
    decision, errors = sharing_decide(
        actor=actor, kind=signal.kind, request=request, vocabulary=SharingVocabulary()
    )
    if errors or decision is None:  # no decision without an error about it
        raise ValidationError(errors)
    changes: dict[str, list[object]] = {}
    for name, new in decision.as_fields().items():
        old = getattr(signal, name)
        if old != new:
            changes[name.removesuffix("_id")] = [old, new]
            setattr(signal, name, new)
    if not changes:
        return None
    signal.version += 1
    signal.save()
    SignalRevision.objects.create(
        signal=signal, version=signal.version, changed_by_id=actor.user_id or None, changes=changes
    )
    disclosure = disclosure_record(actor=actor, signal_id=signal.pk, decision=decision)
    disclosure.save()
    audit_record(
        actor=actor,
        action=Action.SHARE,
        purpose=Purpose.FOLLOW_UP,
        context=context,
        object_type="signal",
        object_id=signal.pk,
        detail={
            "distribution": decision.distribution,
            "legal_basis": request.legal_basis or "default",
            "fields": sorted(changes),
        },
    )
    return disclosure


def access_grant(
    *,
    actor: Actor,
    context: Context,
    signal_id: uuid.UUID | str,
    organisation_id: int,
    legal_basis: str,
    legal_basis_note: str = "",
    reason: str = GrantReason.REFERRAL,
) -> AccessGrant:
    """Give one organisation access to one signal (a referral), until revoked or until
    the referral's end sets its term (``referral_access_term``)."""
    with transaction.atomic():
        signal = editable_signal(
            actor=actor, context=context, signal_id=signal_id, action=Action.GRANT
        )
        if signal is not None:
            return referral_access_grant(
                actor, context, signal, organisation_id, legal_basis, legal_basis_note, reason
            )
    raise Signal.DoesNotExist


def referral_access_grant(
    actor: Actor,
    context: Context,
    signal: Signal,
    organisation_id: int,
    legal_basis: str,
    legal_basis_note: str,
    reason: str,
) -> AccessGrant:
    """Grant access for a referral whose right to refer is already established: the
    reporter's own grant above, or routing by the system on the reporter's behalf
    (``followup``). Call inside a transaction."""
    basis = LegalBasis.objects.filter(code=legal_basis, active=True).first()
    errors: Errors = {}
    if basis is None:
        errors["legal_basis"] = [_("A referral needs a legal basis.")]
    elif basis.needs_note and not legal_basis_note.strip():
        errors["legal_basis_note"] = [
            _("This legal basis needs a note: the scope of the consent or the covenant.")
        ]
    if not Organisation.objects.filter(pk=organisation_id).exists():
        errors["organisation"] = [_("Unknown organisation.")]
    if errors or basis is None:  # no basis without an error about it
        raise ValidationError(errors)
    grant = AccessGrant.objects.filter(
        signal=signal, organisation_id=organisation_id, revoked_at__isnull=True
    ).first()
    if grant is not None:
        # A new referral of the same signal to a body whose earlier one ended: open again.
        referral_access_term(actor, context, signal, organisation_id, ends_at=None)
        return grant
    grant = AccessGrant.objects.create(
        signal=signal,
        organisation_id=organisation_id,
        reason=reason,
        legal_basis=basis,
        legal_basis_note=legal_basis_note.strip(),
        granted_by_id=actor.user_id or None,
    )
    Disclosure.objects.create(
        signal=signal,
        distribution=signal.distribution,
        organisation_id=organisation_id,
        legal_basis=basis,
        legal_basis_note=grant.legal_basis_note,
        handling_codes=signal.handling_codes,
        decided_by_id=actor.user_id or None,
    )
    audit_record(
        actor=actor,
        action=Action.GRANT,
        purpose=Purpose.FOLLOW_UP,
        context=context,
        object_type="signal",
        object_id=signal.pk,
        detail={"organisation": organisation_id, "reason": reason, "legal_basis": basis.code},
    )
    return grant


def referral_access_term(
    actor: Actor,
    context: Context,
    signal: Signal,
    organisation_id: int,
    *,
    ends_at: dt.datetime | None,
    reason: str = "",
) -> bool:
    """Set when an organisation's access to a signal through referrals ends (ADR 0022):
    ``ends_at`` now for a forwarded referral, the end of the period after closing, or None
    while a referral is open. The policy reads ``ends_at`` in every query, so nothing has to
    run when the moment comes; the decision is audited when it is taken, with the moment.
    Returns whether anything changed. Call inside a transaction."""
    grant = (
        AccessGrant.objects.select_for_update()
        .filter(signal=signal, organisation_id=organisation_id, revoked_at__isnull=True)
        .first()
    )
    if grant is None:
        return False
    now = timezone.now()
    ended = grant.ends_at is not None and grant.ends_at <= now
    if ended and ends_at is not None and ends_at <= now:
        return False  # already over; keep the moment it ended
    if (grant.ends_at, grant.end_reason) == (ends_at, reason if ends_at else ""):
        return False
    grant.ends_at = ends_at
    grant.end_reason = reason if ends_at else ""
    grant.save(update_fields=["ends_at", "end_reason"])
    audit_record(
        actor=actor,
        action=Action.GRANT if ends_at is None else Action.REVOKE,
        purpose=Purpose.FOLLOW_UP,
        context=context,
        object_type="signal",
        object_id=signal.pk,
        detail={
            "organisation": organisation_id,
            "reason": reason if ends_at else "reopened",
            "ends_at": ends_at.isoformat(timespec="seconds") if ends_at else None,
        },
    )
    return True


def access_revoke(
    *, actor: Actor, context: Context, signal_id: uuid.UUID | str, organisation_id: int
) -> int:
    """End an organisation's access to a signal; returns the number of grants ended."""
    with transaction.atomic():
        signal = editable_signal(
            actor=actor, context=context, signal_id=signal_id, action=Action.REVOKE
        )
        if signal is not None:
            return _revoke(actor, context, signal, organisation_id)
    raise Signal.DoesNotExist


def _revoke(actor: Actor, context: Context, signal: Signal, organisation_id: int) -> int:
    revoked = AccessGrant.objects.filter(
        signal=signal, organisation_id=organisation_id, revoked_at__isnull=True
    ).update(revoked_at=timezone.now(), end_reason=GrantEnd.REVOKED)
    if revoked:
        audit_record(
            actor=actor,
            action=Action.REVOKE,
            purpose=Purpose.FOLLOW_UP,
            context=context,
            object_type="signal",
            object_id=signal.pk,
            detail={"organisation": organisation_id},
        )
    return revoked


# -- administration ---------------------------------------------------------------------


@transaction.atomic
def sharing_group_save(
    *,
    actor: Actor,
    context: Context,
    code: str,
    name: str,
    description: str = "",
    organisation_ids: Sequence[int],
    group_id: int | None = None,
) -> SharingGroup:
    """Create or change a sharing group. Membership changes act on the next request."""
    if not policy.may_administer(actor):
        raise PermissionDenied
    errors: Errors = {}
    if len(set(organisation_ids)) < 2:
        errors["organisations"] = [_("A sharing group needs at least two organisations.")]
    clash = SharingGroup.objects.filter(code=code).exclude(pk=group_id or 0)
    if clash.exists():
        errors["code"] = [_("Another sharing group already has this code.")]
    if errors:
        raise ValidationError(errors)
    if group_id is None:
        group = SharingGroup.objects.create(code=code, name=name, description=description)
        before: set[int] = set()
    else:
        group = SharingGroup.objects.select_for_update().get(pk=group_id or 0)
        before = set(group.organisations.values_list("pk", flat=True))
        group.code, group.name, group.description = code, name, description
        group.save()
    group.organisations.set(organisation_ids)
    audit_record(
        actor=actor,
        action=Action.CONFIGURE,
        purpose=Purpose.ADMINISTRATION,
        context=context,
        object_type="sharing_group",
        object_id=group.pk,
        detail={
            "added": sorted(set(organisation_ids) - before),
            "removed": sorted(before - set(organisation_ids)),
        },
    )
    return group


@transaction.atomic
def organisation_settings_save(
    *,
    actor: Actor,
    context: Context,
    organisation_id: int,
    legal_basis: str,
    legal_basis_note: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
) -> OrganisationDefaults:
    """Set an organisation's default legal basis and the contact partners see."""
    if not policy.may_administer(actor):
        raise PermissionDenied
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    basis = None
    if legal_basis:
        basis = LegalBasis.objects.filter(code=legal_basis, active=True).first()
        if basis is None:
            raise ValidationError({"legal_basis": [_("Unknown legal basis.")]})
        if basis.needs_note and not legal_basis_note.strip():
            raise ValidationError(
                {
                    "legal_basis_note": [
                        _(
                            "This legal basis needs a note: the scope of the consent or the "
                            "covenant."
                        )
                    ]
                }
            )
    defaults, _created = OrganisationDefaults.objects.update_or_create(
        organisation=organisation,
        defaults={"legal_basis": basis, "legal_basis_note": legal_basis_note.strip()},
    )
    organisation.contact_name = contact_name.strip()
    organisation.contact_phone = contact_phone.strip()
    organisation.contact_email = contact_email.strip()
    organisation.save()
    audit_record(
        actor=actor,
        action=Action.CONFIGURE,
        purpose=Purpose.ADMINISTRATION,
        context=context,
        object_type="organisation",
        object_id=organisation.pk,
        detail={"legal_basis": legal_basis or None},
    )
    return defaults
