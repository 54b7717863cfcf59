from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import translation

# Everything is served from this origin (no CDN); inline scripts and styles are not allowed.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'; object-src 'none'"
)


class SecurityHeadersMiddleware:
    """CSP and no-store on every page: case data must not linger in shared caches."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        if not request.path.startswith("/static/"):
            response.setdefault("Cache-Control", "no-store")
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class LanguageMiddleware:
    """Dutch first: pages use the language the user chose (cookie), else Dutch.

    The browser's Accept-Language is ignored for pages, so a default English browser still
    gets the Dutch interface; API clients do get their Accept-Language (nl or en).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supported = {code for code, _name in settings.LANGUAGES}
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen in supported:
            language = chosen
        elif request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ClientAddressMiddleware:
    """Behind the TLS proxy every request comes from the proxy; the client's address is the
    one the proxy put in ``X-Forwarded-For`` (ASVS 15.3.4). Only a peer listed in
    ``TRUSTED_PROXIES`` is believed, and only the address it added (the last): whatever a
    client wrote in the header itself comes before it and is ignored. Runs first, so the
    audit trail, sessions, lockout and rate limits all see the client."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.proxies = frozenset(settings.TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        peer = request.META.get("REMOTE_ADDR", "")
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if peer in self.proxies and forwarded:
            client = forwarded.split(",")[-1].strip()
            try:
                ipaddress.ip_address(client)
            except ValueError:
                client = ""
            if client:
                request.META["KZ_PROXY_ADDR"] = peer
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)


class RefuseTraceMiddleware:
    """TRACE and TRACK echo a request back, cookies included (cross-site tracing); nothing
    here needs them, so they get 405 before any view (ASVS 13.4.4)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("TRACE", "TRACK"):
            return HttpResponseNotAllowed(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
        return self.get_response(request)
