"""View guards on top of the sharing policy: who may reach a page at all."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.request_actor import get_actor

from . import policy


def administrator_or_404(request: HttpRequest) -> Actor:
    """The acting administrator; anyone else gets the page that does not exist."""
    actor = get_actor(request)
    if not policy.may_administer(actor):
        raise Http404
    return actor
