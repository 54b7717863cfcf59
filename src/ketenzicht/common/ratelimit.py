"""Rate limits on search, export and the API (ASVS 2.4.1), per user.

On Django REST framework's throttles (its scopes, rates and user or address keys), so the
API and the pages count the same way. The rates come from ``settings.RATE_LIMITS`` when a
request is made, not when the module is imported.

The count lives in the database (``RateCounter``), not in a process's memory: with three web
processes a per-process count let 348 searches through before the first 429 (issue 19, item
10). A limit now means the same on every process and host. Each request adds one to its
key's counter for the current fixed window with a single upsert (INSERT ... ON CONFLICT DO
UPDATE ... RETURNING, on SQLite and PostgreSQL alike), so concurrent requests never read
the same count: in each window exactly the first ``limit`` requests pass. A window starts
with a key's first request (not on the clock's minute), so ``Retry-After`` says how long
until that window ends. Django's database cache was not used for this: its ``incr`` reads
and then writes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rest_framework.throttling import UserRateThrottle

from .models import RateCounter
from .refusals import refuse


def count_request(name: str, period: int, now: float | None = None) -> tuple[int, float]:
    """Count one request against ``name`` in its window of ``period`` seconds, which starts
    with the first request after the previous window ended.

    Returns the requests counted in this window, this one included, and the seconds until
    the window ends. Atomic: one statement reads, resets or increments, and returns.
    """
    now = time.time() if now is None else now
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    # Every right-hand side of SET sees the row as it was (SQL), so both CASEs agree.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (name, window_started, hits) VALUES (%s, %s, 1) "  # noqa: S608
            "ON CONFLICT (name) DO UPDATE SET "
            f"hits = CASE WHEN {table}.window_started <= %s THEN 1 ELSE {table}.hits + 1 END, "
            f"window_started = CASE WHEN {table}.window_started <= %s "
            f"THEN excluded.window_started ELSE {table}.window_started END "
            "RETURNING hits, window_started",  # nosec B608: the model's own table, values bound
            [name, now, now - period, now - period],
        )
        hits, started = cursor.fetchone() or (1, now)
    return int(hits), max(float(started) + period - now, 0.0)


class UserScopeThrottle(UserRateThrottle):
    """Requests of one user (or token holder) in one scope; anonymous requests by address."""

    scope = "api"

    def __init__(self, scope: str | None = None) -> None:
        if scope:
            self.scope = scope
        super().__init__()
        self.seconds_left: float | None = None

    def get_rate(self) -> str:
        return str(settings.RATE_LIMITS[self.scope])

    def allow_request(self, request: Any, view: Any) -> bool:
        limit, period = self.parse_rate(self.rate)
        key = self.get_cache_key(request, view)
        if limit is None or period is None or key is None:
            return True
        hits, self.seconds_left = count_request(str(key), period)
        allowed = hits <= limit
        if not allowed:
            refuse(
                request,
                control="rate_limit",
                detail={"scope": self.scope, "path": request.path[:200]},
            )
        return allowed

    def wait(self) -> float | None:
        """Seconds until the window ends and requests pass again (``Retry-After``)."""
        return self.seconds_left

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
