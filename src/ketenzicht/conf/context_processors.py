from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ketenzicht.accounts.mfa import owes_second_factor
from ketenzicht.accounts.request_actor import get_actor

from .navigation import menu


def actor(request: HttpRequest) -> dict[str, Any]:
    """The actor and the menu of what the sharing policy lets them reach."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"actor": None, "menu": []}
    if owes_second_factor(request):
        return {"actor": None, "menu": [], "mfa_pending": True}
    current = get_actor(request)
    return {"actor": current, "menu": menu(current)}
