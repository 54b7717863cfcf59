from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import include, path
from django.views.i18n import set_language

from ketenzicht.accounts import oidc
from ketenzicht.accounts.views import LoginView, home_view
from ketenzicht.common.forms import body_too_large_response

urlpatterns = [
    path("", home_view, name="home"),
    path(
        "inloggen",
        LoginView.as_view(),
        name="login",
    ),
    path("uitloggen", oidc.LogoutView.as_view(), name="logout"),
    path("sso/", include(oidc)),
    path("taal", set_language, name="set_language"),
    path("", include("ketenzicht.accounts.urls")),
    path("webauthn/", include("ketenzicht.accounts.webauthn_views")),
    path("signalen/", include("ketenzicht.signals.urls")),
    path("", include("ketenzicht.persons.urls")),
    path("delen/", include("ketenzicht.sharing.urls")),
    path("", include("ketenzicht.followup.urls")),
    path("", include("ketenzicht.monitor.urls")),
    path("", include("ketenzicht.notifications.urls")),
    path("audit/", include("ketenzicht.audit.urls")),
    path("privacy/", include("ketenzicht.privacy.urls")),
    path("api/v1/", include("ketenzicht.api.urls")),
]


def _problem(status: int, title: str) -> JsonResponse:
    return JsonResponse(
        {"type": f"https://ketenzicht.nl/problems/{status}", "title": title, "status": status},
        status=status,
        content_type="application/problem+json",
    )


def handler404(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _problem(404, "Not found.")
    return render(request, "errors/404.html", status=404)


def handler500(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _problem(500, "Server error.")
    return render(request, "errors/500.html", status=500)


def handler403(request: HttpRequest, exception: Any = None) -> HttpResponse:
    # Forbidden looks the same as nonexistent.
    return handler404(request, exception)


def handler400(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _problem(400, "Bad request.")
    if isinstance(exception, RequestDataTooBig):
        # A form too large to read: its page again with the limit, not a bare 400.
        response = body_too_large_response(request)
        if response is not None:
            return response
    return render(request, "errors/400.html", status=400)
