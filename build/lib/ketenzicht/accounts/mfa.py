"""The second factor after a password (ASVS 6.3.3, 6.6): who still owes one, and the
middleware that holds them at the door until they give it.

A local account logs in with a password and then an authenticator-app code, a security key
(WebAuthn) or a one-time backup code (django-otp and django-otp-webauthn, ADR 0018). With
``MFA_REQUIRED`` (the production default) an account without a second factor is sent to set
one up before it can see anything; without it, an account that has set one up still has to
use it. Accounts that log in through the organisation's identity provider (OIDC) get their
second factor there: the provider's claim that it asked for one marks the session.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from django_otp import user_has_device

# Set by the OIDC login when the identity provider vouches for a second factor.
IDP_MFA = "kz_idp_mfa"

# What a user who owes a second factor may still reach: the steps themselves, log-out, the
# language switch and the files those pages need.
_OPEN_PREFIXES = ("/static/", "/taal", "/uitloggen", "/webauthn/", "/inloggen")
_SETUP_PREFIX = "/account/beveiliging"


def owes_second_factor(request: HttpRequest) -> bool:
    """Asked by the middleware and again by the menu: worked out once per request (looking
    for devices takes a query per kind of device)."""
    cached = getattr(request, "_kz_owes_second_factor", None)
    if cached is None:
        cached = _owes(request)
        request._kz_owes_second_factor = cached  # type: ignore[attr-defined]
    return bool(cached)


def _owes(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if is_verified(user) or request.session.get(IDP_MFA):
        return False
    return bool(settings.MFA_REQUIRED) or has_second_factor(user)


def is_verified(user: object) -> bool:
    """Whether this request's user gave a second factor (django-otp's middleware adds
    ``is_verified`` to the user)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if check is not None else False


def has_second_factor(user: object) -> bool:
    return bool(user_has_device(user))


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware: pages redirect to the second step, the API treats
    a session without it as no session at all (API tokens are separate credentials)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not owes_second_factor(request):
            return self.get_response(request)
        path = request.path
        if path.startswith("/api/"):
            request.user = AnonymousUser()
            return self.get_response(request)
        if path.startswith(_OPEN_PREFIXES):
            return self.get_response(request)
        enrolled = has_second_factor(request.user)
        if path.startswith(_SETUP_PREFIX) and not enrolled:
            return self.get_response(request)
        target = reverse("mfa_verify" if enrolled else "mfa_setup")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
