"""Where an action comes from: the context every layer passes down with the actor and the
audit trail records (ADR 0029). It lives at the bottom of the app graph so that the
foundation can name it without importing the audit app."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Context:
    """Where a request came from: channel (web/api/cli/task), address, stated explanation."""

    channel: str
    origin: str = ""
    explanation: str = ""


CLI = Context(channel="cli")
TASK = Context(channel="task")


def request_context(request: HttpRequest, channel: str) -> Context:
    """Audit context of a request: channel, client address and the stated explanation.

    Clients state why they read in ``X-Audit-Toelichting`` (the ZGW audit-trail header).
    """
    return Context(
        channel=channel,
        origin=request.META.get("REMOTE_ADDR", "") or "",
        explanation=request.headers.get("X-Audit-Toelichting", "")[:500],
    )
