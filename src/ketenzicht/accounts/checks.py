"""Deployment checks of our own (``ketenzicht check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def deployment_checks(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    if not settings.MFA_REQUIRED:
        found.append(
            Warning(
                "A second factor is not required (KETENZICHT_MFA_REQUIRED=0).",
                hint="Only the local demo runs without; ASVS 6.3.3 asks it of every account.",
                id="ketenzicht.W001",
            )
        )
    insecure = [o for o in settings.OTP_WEBAUTHN_ALLOWED_ORIGINS if not o.startswith("https://")]
    if insecure:
        found.append(
            Warning(
                f"Security keys are accepted for plain-HTTP addresses: {', '.join(insecure)}.",
                hint="Set KETENZICHT_WEBAUTHN_ORIGINS to the https:// address(es) users reach.",
                id="ketenzicht.W002",
            )
        )
    # Django checks the session cookie only when its own session app is installed; ours is
    # django-qsessions, so the same checks are made here.
    if not settings.SESSION_COOKIE_SECURE:
        found.append(
            Warning(
                "The session cookie is sent over plain HTTP (SESSION_COOKIE_SECURE is off).",
                hint="Serve behind TLS with KETENZICHT_HTTPS=1.",
                id="ketenzicht.W004",
            )
        )
    if not settings.SESSION_COOKIE_HTTPONLY:
        found.append(
            Warning(
                "Scripts can read the session cookie (SESSION_COOKIE_HTTPONLY is off).",
                id="ketenzicht.W005",
            )
        )
    database = settings.DATABASES["default"]
    host = str(database.get("HOST") or "")
    if (
        database["ENGINE"].endswith("postgresql")
        and host not in ("", "localhost", "127.0.0.1", "::1")
        and not host.startswith("/")
        and database.get("OPTIONS", {}).get("sslmode") != "verify-full"
    ):
        found.append(
            Warning(
                f"The database on {host} is reached without verified TLS.",
                hint="Add ?sslmode=verify-full&sslrootcert=... to KETENZICHT_DATABASE_URL "
                "(docs/operations.md, Database over TLS).",
                id="ketenzicht.W006",
            )
        )
    if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend") and not (
        settings.EMAIL_USE_TLS or getattr(settings, "EMAIL_USE_SSL", False)
    ):
        found.append(
            Warning(
                "E-mail goes to the relay without TLS.",
                hint="Set KETENZICHT_EMAIL_USE_TLS=1.",
                id="ketenzicht.W007",
            )
        )
    if settings.DEMO:
        found.append(
            Warning(
                "The demo world is installed (KETENZICHT_DEMO=1): `ketenzicht demo` creates "
                "accounts with one shared password.",
                hint="Leave KETENZICHT_DEMO unset in production.",
                id="ketenzicht.W003",
            )
        )
    return found
