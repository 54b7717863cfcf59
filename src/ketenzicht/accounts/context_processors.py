from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .request_actor import get_actor


def actor(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"actor": None}
    return {"actor": get_actor(request)}
