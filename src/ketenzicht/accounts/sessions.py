"""Idle and absolute session timeouts (ASVS 7.3.1, 7.3.2); the account's sessions, their
number, and ending them (7.1.2, 7.5.2).

Django has one session age. A user who walks away from a reception desk must be logged out
after a short idle time, and nobody should stay logged in for days by clicking now and
then: both limits are checked on every request. django-auto-logout does the same but
redirects with inline script, which our Content Security Policy forbids (ADR 0017).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from qsessions.models import Session

from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import Context

from .selectors import actor_for_user

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


# -- the account's sessions (ASVS 7.1.2, 7.5.2) ------------------------------------------


@dataclass(frozen=True)
class SessionRow:
    handle: str  # names the session in forms; never its key, which is a credential
    device: str
    address: str
    started: dt.datetime | None
    last_active: dt.datetime
    current: bool


def _handle(session_key: str) -> str:
    return salted_hmac("ketenzicht.session-handle", session_key).hexdigest()[:20]


def _live(user: Any) -> Any:
    return Session.objects.filter(user=user, expire_date__gt=timezone.now())


def sessions_of(request: HttpRequest) -> list[SessionRow]:
    """The signed-in user's live sessions, this one first, then the most recently used."""
    current = request.session.session_key or ""
    rows = [
        SessionRow(
            handle=_handle(s.session_key),
            device=_describe(s),
            address=s.ip or "",
            started=s.created_at,
            last_active=s.updated_at,
            current=s.session_key == current,
        )
        for s in _live(request.user).order_by("-updated_at")
    ]
    return sorted(rows, key=lambda r: not r.current)


def _describe(session: Session) -> str:
    """ "Firefox 128 on Linux" from the browser's user agent (ua-parser, via qsessions)."""
    info = session.device_info
    if info is None or info.user_agent is None:
        return _("unknown browser")
    agent = info.user_agent
    browser = " ".join(p for p in (agent.family, agent.major) if p)
    system = info.os.family if info.os is not None else ""
    if not system or system == "Other":
        return browser
    return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}


def sessions_end(request: HttpRequest, handle: str | None) -> int:
    """End one other session (by its handle) or, with None, every other one; audited.
    Returns how many ended. The current session is ended by logging out."""
    current = request.session.session_key or ""
    ended = [
        s
        for s in _live(request.user)
        if s.session_key != current and (handle is None or _handle(s.session_key) == handle)
    ]
    with transaction.atomic():
        Session.objects.filter(pk__in=[s.pk for s in ended]).delete()
        if ended:
            _audit_ended(request.user, len(ended), "ended by the user", request)
    return len(ended)


def sessions_limit(user: Any, keep: str, request: HttpRequest | None = None) -> int:
    """After a log-in: end the oldest sessions beyond ``SESSION_MAX_CONCURRENT``."""
    others = list(
        _live(user).exclude(session_key=keep).order_by("-updated_at").values_list("pk", flat=True)
    )
    surplus = others[max(0, settings.SESSION_MAX_CONCURRENT - 1) :]
    if surplus:
        Session.objects.filter(pk__in=surplus).delete()
        _audit_ended(user, len(surplus), "concurrent session limit", request)
    return len(surplus)


def _audit_ended(user: Any, count: int, why: str, request: HttpRequest | None) -> None:
    origin = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    audit_record(
        actor=actor_for_user(user),
        action=Action.LOGOUT,
        purpose=Purpose.ACCESS_CONTROL,
        context=Context(channel="web", origin=origin or "", explanation=why),
        object_type="user",
        object_id=user.pk,
        detail={"sessions_ended": count},
    )
