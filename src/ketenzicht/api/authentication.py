from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from ketenzicht.accounts.actor import SYSTEM
from ketenzicht.accounts.models import User
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record, audit_refusal
from ketenzicht.common.context import CLI, Context

from .models import ApiToken


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, days: int | None = None) -> str:
    """Create a token and return it; it is shown once and stored only as a digest. It
    expires after ``days`` (default ``API_TOKEN_DAYS``)."""
    key = secrets.token_urlsafe(32)
    while key.startswith("-"):  # the prefix must be usable as a command-line argument
        key = secrets.token_urlsafe(32)
    lifetime = dt.timedelta(days=days if days is not None else settings.API_TOKEN_DAYS)
    expires = timezone.now() + lifetime
    token = ApiToken.objects.create(
        user=user, digest=_digest(key), prefix=key[:8], expires_at=expires
    )
    audit_record(
        actor=SYSTEM,
        action=Action.TOKEN_CREATE,
        purpose=Purpose.ACCESS_CONTROL,
        context=CLI,
        object_type="user",
        object_id=user.pk,
        detail={"prefix": token.prefix, "expires": expires.date().isoformat()},
    )
    return key


@transaction.atomic
def token_revoke(*, prefix: str, reason: str) -> int:
    """Revoke the live tokens that start with ``prefix`` (as ``token list`` shows them)."""
    tokens = list(ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True))
    ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).update(revoked_at=timezone.now())
    for token in tokens:
        audit_record(
            actor=SYSTEM,
            action=Action.REVOKE,
            purpose=Purpose.ACCESS_CONTROL,
            context=Context(channel="cli", explanation=reason),
            object_type="user",
            object_id=token.user_id,
            detail={"token": token.prefix},
        )
    return len(tokens)


def _failed(request: Request, prefix: str) -> None:
    """A refused token is a failed log-in (ASVS 16.3.1); only the first eight characters are
    kept, as ``token list`` shows them, never the token. Successful calls are on record as
    the reads and writes they make. Capped per address and minute (audit_refusal)."""
    audit_refusal(
        actor=SYSTEM,
        context=Context(channel="api", origin=request.META.get("REMOTE_ADDR", "") or ""),
        control="api_token",
        action=Action.LOGIN_FAILED,
        detail={"token": prefix.encode("ascii", "replace").decode()[:8]},
    )


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            _failed(request, "")
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            _failed(request, "")
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=_digest(key), revoked_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )
        if token is None or not token.user.is_active:
            _failed(request, key[:8])
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return self.keyword
