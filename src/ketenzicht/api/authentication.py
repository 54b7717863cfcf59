from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from ketenzicht.accounts.actor import SYSTEM
from ketenzicht.accounts.models import User
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import CLI, audit_record

from .models import ApiToken


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User) -> str:
    """Create a token and return it; it is shown once and stored only as a digest."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=_digest(key), prefix=key[:8])
    audit_record(
        actor=SYSTEM,
        action=Action.TOKEN_CREATE,
        purpose=Purpose.ACCESS_CONTROL,
        context=CLI,
        object_type="user",
        object_id=user.pk,
    )
    return key


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=_digest(key), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return self.keyword
