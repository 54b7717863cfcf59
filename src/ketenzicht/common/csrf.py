"""What a refused form says (Django's CSRF check), in the user's language, on record."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .refusals import refuse


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form without a valid CSRF token: an expired page or a cross-site attempt (ASVS
    16.3.3). The user learns how to go on; the audit trail gets the refusal."""
    refuse(request, control="csrf", detail={"reason": reason[:100], "path": request.path[:200]})
    return render(request, "errors/csrf.html", status=403)
