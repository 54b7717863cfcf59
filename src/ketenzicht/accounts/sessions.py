"""Idle and absolute session timeouts (ASVS 7.3.1, 7.3.2).

Django has one session age. A user who walks away from a reception desk must be logged out
after a short idle time, and nobody should stay logged in for days by clicking now and
then: both limits are checked on every request. django-auto-logout does the same but
redirects with inline script, which our Content Security Policy forbids (ADR 0017).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

STARTED = "kz_started"  # when the user logged in (epoch seconds)
SEEN = "kz_seen"  # the last request, rounded to the minute to spare session writes
SEEN_RESOLUTION = 60


def mark_login(request: HttpRequest) -> None:
    now = int(time.time())
    request.session[STARTED] = now
    request.session[SEEN] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            started = request.session.get(STARTED, 0)
            seen = request.session.get(SEEN, 0)
            idle = now - seen > settings.SESSION_IDLE_SECONDS
            if idle or now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)  # flushes the session; audited as a logout
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # unauthenticated from here on
                messages.info(
                    request,
                    _("You were logged out after a period without activity.")
                    if idle
                    else _("You were logged out: a session lasts at most a working day."),
                )
                return redirect_to_login(request.get_full_path())
            if now - seen >= SEEN_RESOLUTION:
                request.session[SEEN] = now
        return self.get_response(request)
