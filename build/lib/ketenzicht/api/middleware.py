from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


class ApiOverHttpsMiddleware:
    """With HTTPS on, the API answers plain HTTP with 403 (problem+json), never a redirect:
    a redirect would teach a misconfigured client nothing while its token crossed the wire."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.SECURE_SSL_REDIRECT
            and request.path.startswith("/api/")
            and not request.is_secure()
        ):
            body = {
                "type": "https://ketenzicht.nl/problems/403",
                "title": "HTTPS required",
                "status": 403,
                "detail": "Call the API over https://.",
            }
            return JsonResponse(body, status=403, content_type="application/problem+json")
        return self.get_response(request)


class ApiVersionMiddleware:
    """NL API Design Rules: every API response carries ``API-Version``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            response["API-Version"] = settings.API_VERSION
            if request.path.endswith("/openapi.json"):
                response["Access-Control-Allow-Origin"] = "*"
        return response
