"""Unexpected errors in the audit trail (ASVS 16.3.4): a request that failed with a server
error leaves an ``error`` event (what was asked, which exception; no message, which could
hold data), capped like other refusals, beside the traceback on the console. And the
refusals that security controls in ``common`` announce (``common.refusals``)."""

from __future__ import annotations

import contextlib
import sys
from typing import Any

from django.core.signals import got_request_exception
from django.dispatch import receiver
from django.http import HttpRequest

from ketenzicht.accounts.actor import SYSTEM
from ketenzicht.accounts.request_actor import get_actor
from ketenzicht.common.context import Context
from ketenzicht.common.refusals import request_refused
from ketenzicht.common.rotation import field_keys_rotated

from .models import Action, Purpose, Result
from .services import audit_record, audit_refusal


@receiver(got_request_exception)
def on_request_exception(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
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


@receiver(request_refused, dispatch_uid="audit.refusal")
def on_request_refused(
    sender: Any,
    request: HttpRequest,
    channel: str,
    control: str,
    detail: dict[str, Any],
    **kwargs: Any,
) -> None:
    audit_refusal(
        actor=get_actor(request),
        context=Context(channel=channel, origin=request.META.get("REMOTE_ADDR", "") or ""),
        control=control,
        detail=detail,
    )


@receiver(field_keys_rotated, dispatch_uid="audit.rotation")
def on_field_keys_rotated(
    sender: Any, active: str, resealed: int, indexed: int, **kwargs: Any
) -> None:
    audit_record(
        actor=SYSTEM,
        action=Action.CONFIGURE,
        purpose=Purpose.ADMINISTRATION,
        context=Context(channel="cli", explanation="field key rotation"),
        detail={"active_key": active, "resealed": resealed, "indexed": indexed},
    )
