"""Unexpected errors in the audit trail (ASVS 16.3.4): a request that failed with a server
error leaves an ``error`` event (what was asked, which exception; no message, which could
hold data), capped like other refusals, beside the traceback on the console."""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.signals import got_request_exception
from django.dispatch import receiver
from django.http import HttpRequest


@receiver(got_request_exception)
def on_request_exception(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    import sys

    from ketenzicht.accounts.actor import SYSTEM
    from ketenzicht.accounts.request_actor import get_actor
    from ketenzicht.common.context import Context

    from .models import Action, Result
    from .services import audit_refusal

    if request is None:
        return
    error = sys.exc_info()[0]
    try:
        actor = get_actor(request) if getattr(request, "user", None) is not None else SYSTEM
    except Exception:  # the database itself may be what failed
        actor = SYSTEM
    # Never turn an error page into a second failure.
    with contextlib.suppress(Exception):
        audit_refusal(
            actor=actor,
            context=Context(
                channel="api" if request.path.startswith("/api/") else "web",
                origin=request.META.get("REMOTE_ADDR", "") or "",
            ),
            control="error",
            action=Action.ERROR,
            result=Result.ERROR,
            detail={
                "path": request.path[:200],
                "method": request.method or "",
                "error": error.__name__ if error else "",
            },
        )
