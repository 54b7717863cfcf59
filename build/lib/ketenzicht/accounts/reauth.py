"""Re-authentication before changing what protects the account (ASVS 7.5.1).

A session that logged in or confirmed its password in the last ``REAUTH_SECONDS`` may add or
remove a second factor and make new backup codes; an older one first confirms the password
(or, for single sign-on, logs in at the provider again). So a desk left logged in cannot be
used to take the account over by adding the passer-by's own authenticator.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .sessions import STARTED

REAUTH_SECONDS = 15 * 60
CONFIRMED = "kz_reauthenticated"  # when the password was last confirmed (epoch seconds)


def recently_authenticated(request: HttpRequest) -> bool:
    last = max(request.session.get(STARTED, 0), request.session.get(CONFIRMED, 0))
    return bool(time.time() - last <= REAUTH_SECONDS)


def mark_reauthenticated(request: HttpRequest) -> None:
    request.session[CONFIRMED] = int(time.time())


def confirm_url(next_path: str) -> str:
    return f"{reverse('reauthenticate')}?{urlencode({'next': next_path})}"


View = Callable[..., HttpResponse]


def recent_login_required(view: View) -> View:
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if recently_authenticated(request):
            return view(request, *args, **kwargs)
        if request.headers.get("Content-Type", "").startswith("application/json"):
            return JsonResponse({"detail": "Confirm your password first."}, status=403)
        back = request.get_full_path() if request.method == "GET" else reverse("mfa_setup")
        return redirect(confirm_url(back))

    return guarded
