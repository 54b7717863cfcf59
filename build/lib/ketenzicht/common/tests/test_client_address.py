"""The client's address behind the TLS proxy (ASVS 15.3.4, 16.2.1), and no TRACE (13.4.4)."""

from __future__ import annotations

from typing import Any

from django.test import Client

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import User
from ketenzicht.audit.models import AuditEvent


def _login_origin(forwarded: str | None) -> str:
    client = Client(HTTP_HOST="127.0.0.1")  # the test client's peer is 127.0.0.1
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    response = client.post(
        "/inloggen", {"username": "reporter", "password": "correct-horse-battery"}, **headers
    )
    assert response.status_code == 302
    return AuditEvent.objects.filter(action="login").latest("id").origin


@pytest.mark.parametrize(
    ("forwarded", "origin"),
    [
        ("203.0.113.9", "203.0.113.9"),  # what the proxy put there
        ("198.51.100.7, 203.0.113.9", "203.0.113.9"),  # a client's own header comes first
        ("2001:db8::5", "2001:db8::5"),
        ("not-an-address", "127.0.0.1"),
        (None, "127.0.0.1"),
    ],
)
def test_the_proxys_forwarded_address_is_the_client(
    reporter: Actor, settings: Any, forwarded: str | None, origin: str
) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert _login_origin(forwarded) == origin


def test_without_a_trusted_proxy_the_header_is_ignored(reporter: Actor, settings: Any) -> None:
    settings.TRUSTED_PROXIES = []
    assert _login_origin("203.0.113.9") == "127.0.0.1"


@pytest.mark.parametrize("method", ["TRACE", "TRACK"])
@pytest.mark.parametrize("path", ["/inloggen", "/signalen/", "/api/v1/signals"])
def test_trace_is_refused_everywhere(db: None, method: str, path: str) -> None:
    response = Client(HTTP_HOST="127.0.0.1").generic(method, path, HTTP_COOKIE="sessionid=geheim")
    assert response.status_code == 405 and "TRACE" not in response["Allow"]
    assert b"geheim" not in response.content


def test_a_form_without_its_csrf_token_is_refused_explained_and_on_record(
    reporter: Actor,
) -> None:
    client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
    client.force_login(User.objects.get(pk=reporter.user_id))
    client.cookies["django_language"] = "nl"
    response = client.post("/account/sessies/beeindigen", {"session": "all"})
    assert response.status_code == 403
    assert "Het formulier kon niet worden verstuurd" in response.content.decode()
    event = AuditEvent.objects.get(action="refused")
    assert event.detail["control"] == "csrf" and event.actor == "reporter"


def test_running_into_a_rate_limit_is_on_record(reporter: Actor, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "2/minute"}
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=reporter.user_id))
    statuses = [client.get("/signalen/?kind=soft").status_code for _ in range(4)]
    assert statuses == [200, 200, 429, 429]
    refusals = AuditEvent.objects.filter(action="refused", detail__control="rate_limit")
    assert refusals.count() == 2
    assert refusals.first().detail["scope"] == "search"  # type: ignore[union-attr]
