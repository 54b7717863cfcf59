"""View guards on top of the sharing policy: who may reach a page at all."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.request_actor import get_actor
from ketenzicht.audit.services import audit_refusal
from ketenzicht.common.context import Context


def denied(request: HttpRequest, capability: str) -> Http404:
    """Record that a role without ``capability`` tried a page (ASVS 16.3.2), and give the
    answer an unknown page gets: raise what this returns."""

    audit_refusal(
        actor=get_actor(request),
        context=Context(channel="web", origin=request.META.get("REMOTE_ADDR", "") or ""),
        control="authorization",
        detail={"capability": capability, "path": request.path[:200]},
    )
    return Http404()


def administrator_or_404(request: HttpRequest) -> Actor:
    """The acting administrator; anyone else gets the page that does not exist."""
    actor = get_actor(request)
    if not policy.may_administer(actor):
        raise denied(request, "administer")
    return actor
