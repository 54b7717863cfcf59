from __future__ import annotations

from django.http import HttpRequest

from ketenzicht.audit.services import Context


def request_context(request: HttpRequest, channel: str) -> Context:
    """Audit context of a request: channel, client address and the stated explanation.

    Clients state why they read in ``X-Audit-Toelichting`` (the ZGW audit-trail header).
    """
    return Context(
        channel=channel,
        origin=request.META.get("REMOTE_ADDR", "") or "",
        explanation=request.headers.get("X-Audit-Toelichting", "")[:500],
    )
