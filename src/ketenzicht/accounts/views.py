from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .request_actor import get_actor


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    """Send each role to where its work starts."""
    actor = get_actor(request)
    if actor.is_auditor:
        return redirect("audit:list")
    return redirect("signals:list")
