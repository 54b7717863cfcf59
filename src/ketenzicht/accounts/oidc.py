"""Single sign-on with the organisation's identity provider (OpenID Connect, ADR 0019).

mozilla-django-oidc runs the authorisation-code flow with PKCE and checks the ID token's
signature, expiry and nonce. Here: the issuer and audience, the claims that say who the
person is (issuer + subject, never the e-mail address), that the provider asked for a
second factor, and the mapping of the provider's claims to an organisation and roles, made
anew at every log-in so that a role taken away at the provider is gone here too.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path, reverse

import jwt
import requests
from mozilla_django_oidc import views as oidc_views
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import Context

from .actor import SYSTEM
from .models import Membership, OidcIdentity, Organisation, Role, User

log = logging.getLogger(__name__)
BACKEND = "ketenzicht.accounts.oidc.OrganisationIdentityBackend"
# RFC 8176 methods that are a second factor (or a key that is one in itself).
MFA_METHODS = {"mfa", "otp", "hwk", "swk", "sms", "fido", "sc"}


def role_map() -> dict[str, str]:
    """The provider's role names to ours: configured pairs, else our own role codes."""
    configured = getattr(settings, "OIDC_ROLE_MAP", {}) or {}
    return dict(configured) if configured else {role: role for role in Role.values}


def mapped_roles(claims: dict[str, Any]) -> set[str]:
    given = claims.get(settings.OIDC_ROLES_CLAIM) or []
    if isinstance(given, str):
        given = given.split()
    mapping = role_map()
    return {mapping[name] for name in given if isinstance(name, str) and name in mapping}


def second_factor_claimed(claims: dict[str, Any]) -> bool:
    methods = set(claims.get("amr") or [])
    return bool(methods & MFA_METHODS) or claims.get("acr") in settings.OIDC_MFA_ACR_VALUES


class OrganisationIdentityBackend(OIDCAuthenticationBackend):
    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        try:
            user = super().authenticate(request, **kwargs)
        except (jwt.InvalidTokenError, requests.RequestException, SuspiciousOperation) as exc:
            # Refused, not a server error: the callback sends the person back to the log-in
            # page, and Django's user_login_failed puts the refusal in the audit trail.
            log.warning("single sign-on refused: %s", exc)
            return None
        return user

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("ID token from another issuer")
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client")
        return payload

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        info: dict[str, Any] = super().get_userinfo(access_token, id_token, payload)
        if info.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("user info of another subject")
        # What the ID token says about the log-in itself wins over the user info.
        signed: dict[str, Any] = {
            k: payload[k] for k in ("iss", "sub", "acr", "amr") if k in payload
        }
        return {**info, **signed}

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        if not claims.get("sub") or not claims.get(settings.OIDC_ORGANISATION_CLAIM):
            return False
        if settings.MFA_REQUIRED and not second_factor_claimed(claims):
            log.warning("single sign-on refused: the provider asked no second factor")
            return False
        return bool(mapped_roles(claims))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return User.objects.filter(
            oidc_identity__issuer=claims["iss"], oidc_identity__subject=claims["sub"]
        )

    @transaction.atomic
    def create_user(self, claims: dict[str, Any]) -> User:
        base = str(claims.get("preferred_username") or claims.get("email") or claims["sub"])[:140]
        username, n = base, 1
        while User.objects.filter(username=username).exists():
            n += 1
            username = f"{base}-{n}"
        user = User.objects.create_user(username)  # no password: it logs in only here
        OidcIdentity.objects.create(user=user, issuer=claims["iss"], subject=claims["sub"])
        return self.update_user(user, claims)

    @transaction.atomic
    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        code = claims[settings.OIDC_ORGANISATION_CLAIM]
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is None:
            raise SuspiciousOperation(f"unknown organisation {code!r}")
        roles = mapped_roles(claims)
        stale = Membership.objects.filter(user=user).exclude(
            organisation=organisation, role__in=roles
        )
        revoked = sorted(
            f"{m.organisation.code}:{m.role}" for m in stale.select_related("organisation")
        )
        stale.delete()
        granted = [
            f"{organisation.code}:{role}"
            for role in sorted(roles)
            if Membership.objects.get_or_create(user=user, organisation=organisation, role=role)[1]
        ]
        # Role changes made by the provider are access changes like any other: on record.
        for action, changed in ((Action.REVOKE, revoked), (Action.GRANT, granted)):
            if changed:
                audit_record(
                    actor=SYSTEM,
                    action=action,
                    purpose=Purpose.ACCESS_CONTROL,
                    context=Context(channel="web", explanation="roles from the identity provider"),
                    object_type="user",
                    object_id=user.pk,
                    detail={"memberships": changed},
                )
        user.email = str(claims.get("email", ""))[:254]
        user.first_name = str(claims.get("given_name", ""))[:150]
        user.last_name = str(claims.get("family_name", ""))[:150]
        user.set_unusable_password()
        user.save()
        if self.request is not None and second_factor_claimed(claims):
            self.request.kz_idp_mfa = True  # read by the log-in receiver
        return user


def _enabled(view: Any) -> Any:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


class LogoutView(auth_views.LogoutView):
    """Log out here and, for a single sign-on session, at the provider too: a reception
    desk's next user must not get back in by clicking "log in with your organisation"."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        id_token = request.session.get("oidc_id_token")
        from_provider = request.session.get("_auth_user_backend") == BACKEND
        response = super().post(request, *args, **kwargs)
        if from_provider and settings.OIDC_OP_LOGOUT_ENDPOINT:
            query = {
                "client_id": settings.OIDC_RP_CLIENT_ID,
                "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
            }
            if id_token:
                query["id_token_hint"] = id_token
            response["Location"] = f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{urlencode(query)}"
        # The next person at the desk finds nothing of this one in the browser (ASVS 14.3.1).
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


urlpatterns = [
    path(
        "aanmelden",
        _enabled(oidc_views.OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "terugkeer",
        _enabled(oidc_views.OIDCAuthenticationCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
]
