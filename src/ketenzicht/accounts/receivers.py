"""Authentication events in the audit trail (ASVS 16.3.1)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from axes.signals import user_locked_out

from ketenzicht.audit.models import Action, Purpose, Result
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import Context

from .actor import Actor
from .mfa import IDP_MFA
from .selectors import actor_for_user
from .sessions import mark_login, sessions_limit


def _context(request: HttpRequest | None) -> Context:
    origin = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    return Context(channel="web", origin=origin or "")


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    with transaction.atomic():
        if request is not None and hasattr(request, "session"):
            mark_login(request)
            if getattr(request, "kz_idp_mfa", False):
                request.session[IDP_MFA] = True  # the provider asked the second factor
            sessions_limit(user, keep=request.session.session_key or "", request=request)
        audit_record(
            actor=actor_for_user(user),
            action=Action.LOGIN,
            purpose=Purpose.ACCESS_CONTROL,
            context=_context(request),
            object_type="user",
            object_id=user.pk,
        )


@receiver(user_logged_out)
def on_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    with transaction.atomic():
        audit_record(
            actor=actor_for_user(user),
            action=Action.LOGOUT,
            purpose=Purpose.ACCESS_CONTROL,
            context=_context(request),
            object_type="user",
            object_id=user.pk,
        )


def _refused(request: Any, username: object, action: str, detail: dict[str, Any] | None) -> None:
    """A refused log-in, by the name that was tried (truncated; passwords never reach the
    log)."""
    anonymous = Actor(
        user_id=0, username=str(username or "")[:150], organisation_id=None, organisation_code=""
    )
    with transaction.atomic():
        audit_record(
            actor=anonymous,
            action=action,
            purpose=Purpose.ACCESS_CONTROL,
            context=_context(request),
            result=Result.DENIED,
            detail=detail,
        )


@receiver(user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    _refused(request, credentials.get("username", ""), Action.LOGIN_FAILED, None)


@receiver(user_locked_out)
def on_locked_out(
    sender: Any, request: Any = None, username: str = "", ip_address: str = "", **kwargs: Any
) -> None:
    _refused(request, username, Action.LOCKOUT, {"failures": settings.AXES_FAILURE_LIMIT})
