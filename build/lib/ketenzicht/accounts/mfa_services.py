"""Writes of the second factor: set up, use, replace and remove, each in the audit trail."""

from __future__ import annotations

import base64
import secrets

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.http import HttpRequest

import django_otp
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from ketenzicht.audit.models import Action, Purpose, Result
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import request_context

from .models import BACKUP_CODE_SHAPE, BackupCode, BackupCodes, User, normalise_backup_code
from .selectors import actor_for_user

BACKUP_CODES = 10
AUTHENTICATOR_NAME = "authenticator"
BACKUP_NAME = "backup"


def _audit(
    request: HttpRequest, user: User, action: str, device: Device | None, **detail: object
) -> None:
    audit_record(
        actor=actor_for_user(user),
        action=action,
        purpose=Purpose.ACCESS_CONTROL,
        context=request_context(request, "web"),
        object_type="user",
        object_id=user.pk,
        result=Result.DENIED if action == Action.MFA_FAILED else Result.OK,
        detail={"factor": _kind(device), **detail} if device is not None else detail or None,
    )


def _kind(device: Device) -> str:
    if isinstance(device, TOTPDevice):
        return "totp"
    if isinstance(device, BackupCodes):
        return "backup_code"
    return "webauthn"


def _second_step_done(request: HttpRequest, device: Device) -> None:
    django_otp.login(request, device)
    # A new session id at every step up in privilege (ASVS 7.2.4).
    request.session.cycle_key()


def pending_authenticator(user: User) -> TOTPDevice:
    """The authenticator being set up: one unconfirmed device per user, reused until
    confirmed so that reloading the page does not change the QR code under the user."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def confirm_authenticator(request: HttpRequest, user: User, token: str) -> bool:
    """Confirm the pending authenticator with a code it shows; it then replaces any
    authenticator the user had (one per user keeps the security page simple)."""
    device = pending_authenticator(user)
    if not device.verify_token(token):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        _audit(request, user, Action.MFA_ENROL, device)
    _second_step_done(request, device)
    return True


def verify_second_factor(request: HttpRequest, user: User, token: str) -> Device | None:
    """The second step with a code: an authenticator code or an unused backup code.

    django-otp throttles each device after failures (doubling waits), refuses a code used
    before, and a backup code works once.
    """
    # A code goes only to the kind of device it can be for, so that a backup code does not
    # count as a wrong authenticator code (and hold up the next one).
    if BACKUP_CODE_SHAPE.fullmatch(normalise_backup_code(token)):
        candidates: list[Device] = list(BackupCodes.objects.filter(user=user, confirmed=True))
    else:
        token = "".join(token.split())
        candidates = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    device = next((d for d in candidates if d.verify_token(token)), None)
    with transaction.atomic():
        if device is None:
            _audit(request, user, Action.MFA_FAILED, None)
            return None
        _audit(request, user, Action.MFA_VERIFY, device)
    _second_step_done(request, device)
    return device


def record_key_login(request: HttpRequest, user: User, device: Device) -> None:
    """A security key was used (django-otp-webauthn has done the ceremony and marked the
    session): only the audit trail and a new session id are ours to add."""
    with transaction.atomic():
        _audit(request, user, Action.MFA_VERIFY, device)
    request.session.cycle_key()


def record_key_failure(request: HttpRequest, user: User) -> None:
    with transaction.atomic():
        _audit(request, user, Action.MFA_FAILED, None, factor="webauthn")


def record_key_added(request: HttpRequest, user: User, device: Device) -> None:
    with transaction.atomic():
        _audit(request, user, Action.MFA_ENROL, device)
    request.session.cycle_key()


def _backup_code() -> str:
    # 50 random bits in the base32 alphabet (no 0/1/8/9 to mistake for O/I/B/g).
    return base64.b32encode(secrets.token_bytes(7)).decode()[:10].lower()


def new_backup_codes(request: HttpRequest, user: User) -> list[str]:
    """Ten fresh one-time codes; the old ones stop working. Shown once, kept as salted
    hashes (ADR 0018)."""
    codes = [_backup_code() for _ in range(BACKUP_CODES)]
    with transaction.atomic():
        device, _ = BackupCodes.objects.get_or_create(
            user=user, name=BACKUP_NAME, defaults={"confirmed": True}
        )
        device.codes.all().delete()
        BackupCode.objects.bulk_create(
            BackupCode(device=device, hash=make_password(c)) for c in codes
        )
        _audit(request, user, Action.MFA_ENROL, device, codes=len(codes))
    return codes


def remove_device(request: HttpRequest, user: User, device: Device) -> None:
    with transaction.atomic():
        _audit(request, user, Action.MFA_REMOVE, device)
        device.delete()


def reset_second_factors(user: User) -> int:
    """Remove every second factor of a user who lost them (an administrator's command,
    audited there); the user sets up a new one at the next log-in."""
    removed = 0
    for device in django_otp.devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    return removed
