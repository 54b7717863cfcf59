from __future__ import annotations

from django.http import HttpRequest

from .actor import Actor
from .selectors import actor_for_user


def get_actor(request: HttpRequest) -> Actor:
    """The actor for this request, computed once per request."""
    cached = getattr(request, "_ketenzicht_actor", None)
    if cached is None:
        cached = actor_for_user(request.user)  # type: ignore[arg-type]
        request._ketenzicht_actor = cached  # type: ignore[attr-defined]
    return cached
