"""Pages of the second factor: the step after the password, and the account's security page
where factors are set up and removed."""

from __future__ import annotations

import base64
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

import segno
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from . import mfa_services
from .forms import AuthenticatorConfirmForm, SecondFactorForm
from .mfa import has_second_factor, is_verified
from .models import BackupCodes, User
from .reauth import confirm_url, recent_login_required, recently_authenticated
from .sessions import sessions_end, sessions_of


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


@login_required
def verify_view(request: HttpRequest) -> HttpResponse:
    """The second step of logging in."""
    user = cast(User, request.user)
    if is_verified(user):
        return redirect(_next(request))
    if not has_second_factor(user):
        return redirect("mfa_setup")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa_services.verify_second_factor(request, user, form.cleaned_data["token"]):
            return redirect(_next(request))
        form.add_error(
            "token",
            _(
                "This code is not valid (or was used before). Check the time on your phone, or"
                " wait a moment after several wrong codes."
            ),
        )
    keys = WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    return render(
        request,
        "accounts/verify.html",
        {"form": form, "next": _next(request), "keys": keys},
        status=200 if not form.errors else 400,
    )


@login_required
def security_view(request: HttpRequest) -> HttpResponse:
    """What protects the account: authenticator, security keys, backup codes, password."""
    user = cast(User, request.user)
    devices = list(devices_for_user(user))
    return render(
        request,
        "accounts/security.html",
        {
            "authenticator": next((d for d in devices if isinstance(d, TOTPDevice)), None),
            "keys": [d for d in devices if isinstance(d, WebAuthnCredential)],
            "backup": next((d for d in devices if isinstance(d, BackupCodes)), None),
            "enrolled": bool(devices),
            "required": settings.MFA_REQUIRED,
            "sessions": sessions_of(request),
            "recent": recently_authenticated(request),
            "confirm_url": confirm_url(request.path),
            "max_sessions": settings.SESSION_MAX_CONCURRENT,
        },
    )


@login_required
@require_POST
def sessions_end_view(request: HttpRequest) -> HttpResponse:
    """End another session of this account (a desk left logged in), or all others."""
    handle = request.POST.get("session", "")
    ended = sessions_end(request, None if handle == "all" else handle)
    if not ended:
        raise Http404
    messages.success(
        request,
        ngettext("%(n)s session ended.", "%(n)s sessions ended.", ended) % {"n": ended},
    )
    return redirect("mfa_setup")


@login_required
@recent_login_required
def authenticator_view(request: HttpRequest) -> HttpResponse:
    """Set up (or replace) the authenticator app: scan the code, confirm with six digits."""
    user = cast(User, request.user)
    device = mfa_services.pending_authenticator(user)
    form = AuthenticatorConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa_services.confirm_authenticator(request, user, form.cleaned_data["token"].strip()):
            messages.success(request, _("The authenticator app is set up."))
            return redirect("mfa_setup")
        form.add_error("token", _("This code does not match. Check the time on your phone."))
    qr = segno.make(device.config_url, error="m")
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/authenticator.html",
        {
            "form": form,
            "qr": qr.svg_data_uri(scale=5, border=2),
            "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
        },
        status=200 if not form.errors else 400,
    )


@login_required
@require_POST
@recent_login_required
def backup_codes_view(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    if not is_verified(user) and has_second_factor(user):
        raise Http404
    codes = mfa_services.new_backup_codes(request, user)
    shown = [f"{c[:5]}-{c[5:]}" for c in codes]
    return render(request, "accounts/backup_codes.html", {"codes": shown})


@login_required
@require_POST
@recent_login_required
def remove_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    model = {"authenticator": TOTPDevice, "key": WebAuthnCredential, "backup": BackupCodes}.get(
        kind
    )
    device = model.objects.filter(user=user, pk=pk, confirmed=True).first() if model else None
    if device is None:
        raise Http404
    others = [
        d
        for d in devices_for_user(user)
        if not isinstance(d, BackupCodes) and (type(d), d.pk) != (type(device), device.pk)
    ]
    if settings.MFA_REQUIRED and not isinstance(device, BackupCodes) and not others:
        messages.error(
            request,
            _("Add another authenticator or security key first: your account needs one."),
        )
        return redirect("mfa_setup")
    mfa_services.remove_device(request, user, device)
    messages.success(request, _("Removed."))
    return redirect("mfa_setup")
