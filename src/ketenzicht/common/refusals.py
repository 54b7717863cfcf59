"""Refusals by security controls that live in ``common`` (the CSRF check, rate limits),
announced rather than written: the audit app records them (``audit.receivers``), so the
bottom of the app graph need not import the audit trail (docs/architecture.md, "The app
graph"). A test checks that the audit app listens, since an unheard refusal would be lost."""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal
from django.http import HttpRequest

# Sent with ``request``, ``channel`` ("web" or "api"), ``control`` and ``detail``.
request_refused = Signal()


def refuse(request: HttpRequest, *, control: str, detail: dict[str, Any]) -> None:
    """A security control refused ``request``: on record, capped (``audit_refusal``)."""
    request_refused.send(
        sender=refuse,
        request=request,
        channel="api" if request.path.startswith("/api/") else "web",
        control=control,
        detail=detail,
    )
