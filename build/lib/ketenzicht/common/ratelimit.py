"""Rate limits on search, export and the API (ASVS 2.4.1), per user.

Built on Django REST framework's throttles (a sliding window of request times in the
cache), so the API and the pages count the same way. The rates come from
``settings.RATE_LIMITS`` when a request is made, not when the module is imported. The cache
is the process's own: with several web processes a user gets the limit in each, which
still stops a script from walking the register.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rest_framework.throttling import UserRateThrottle


class UserScopeThrottle(UserRateThrottle):
    """Requests of one user (or token holder) in one scope; anonymous requests by address."""

    scope = "api"

    def __init__(self, scope: str | None = None) -> None:
        if scope:
            self.scope = scope
        super().__init__()

    def get_rate(self) -> str:
        return str(settings.RATE_LIMITS[self.scope])

    def allow_request(self, request: Any, view: Any) -> bool:
        allowed = bool(super().allow_request(request, view))
        if not allowed:
            from ketenzicht.accounts.request_actor import get_actor
            from ketenzicht.audit.services import Context, audit_refusal

            channel = "api" if request.path.startswith("/api/") else "web"
            origin = request.META.get("REMOTE_ADDR", "") or ""
            audit_refusal(
                actor=get_actor(request),
                context=Context(channel=channel, origin=origin),
                control="rate_limit",
                detail={"scope": self.scope, "path": request.path[:200]},
            )
        return allowed

    def allows(self, request: HttpRequest) -> bool:
        """For a page: DRF's window only reads the user and the address of the request."""
        return self.allow_request(request, None)


class ApiThrottle(UserScopeThrottle):
    scope = "api"


class SearchThrottle(UserScopeThrottle):
    scope = "search"


View = Callable[..., HttpResponse]


def rate_limited(scope: str) -> Callable[[View], View]:
    """Limit a page to ``settings.RATE_LIMITS[scope]`` per user: past it, a 429 page that
    says when to try again (and a ``Retry-After`` header)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            throttle = UserScopeThrottle(scope)
            if throttle.allows(request):
                return view(request, *args, **kwargs)
            seconds = math.ceil(throttle.wait() or 1)
            response = render(
                request, "rate_limited.html", {"minutes": math.ceil(seconds / 60)}, status=429
            )
            response["Retry-After"] = str(seconds)
            return response

        return limited

    return decorate
