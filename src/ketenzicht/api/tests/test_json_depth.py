"""Deeply nested JSON is refused with a 400 problem by the parser itself, on every API route
that takes a body (issue 19, item 3): a thousand ``[`` used to raise RecursionError (500)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import User
from ketenzicht.api.authentication import token_create
from ketenzicht.api.parsers import MAX_DEPTH, nesting_depth

pytestmark = pytest.mark.django_db

SAMPLE_ARGUMENTS = {"uuid": str(uuid.uuid4()), "int": "1", "str": "ref-1"}


def _write_routes() -> list[tuple[str, str]]:
    """(method, path) of every POST, PUT and PATCH under /api/v1, from the URL resolver, so
    that a route added later is covered without touching this test."""
    api: Any = next(
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace == "api"
    )
    routes = []
    for pattern in api.url_patterns:
        assert isinstance(pattern, URLPattern)
        view = getattr(pattern.callback, "view_class", None)
        path = re.sub(
            r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_ARGUMENTS[m[1] or "str"], str(pattern.pattern)
        )
        for method in ("post", "put", "patch"):
            if view is not None and hasattr(view, method):
                routes.append((method, "/api/v1/" + path))
    return routes


WRITE_ROUTES = _write_routes()


def _nested(depth: int, opener: str = "[") -> str:
    if opener == "[":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


def _client(actor: Actor) -> Client:
    token = token_create(user=User.objects.get(pk=actor.user_id))
    return Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")


def test_every_route_that_takes_a_body_is_found() -> None:
    found = set(WRITE_ROUTES)
    assert ("post", "/api/v1/signals") in found
    assert ("patch", "/api/v1/hits/1") in found
    assert ("post", "/api/v1/subscriptions") in found
    assert ("put", "/api/v1/token-records/ref-1") in found
    assert len(found) >= 7


@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES)
@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1_000, 100_000])
def test_deep_nesting_is_a_400_problem_on_every_write_route(
    colleague: Actor, method: str, path: str, depth: int
) -> None:
    response = getattr(_client(colleague), method)(
        path, _nested(depth), content_type="application/json"
    )
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400
    assert str(MAX_DEPTH) in problem["detail"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    route=st.sampled_from(WRITE_ROUTES),
    depth=st.integers(min_value=1, max_value=3_000),
    opener=st.sampled_from(["[", "{"]),
)
def test_any_depth_is_parsed_or_refused_never_a_server_error(
    colleague: Actor, route: tuple[str, str], depth: int, opener: str
) -> None:
    method, path = route
    response = getattr(_client(colleague), method)(
        path, _nested(depth, opener), content_type="application/json"
    )
    assert response.status_code < 500
    refused_as_too_deep = response.status_code == 400 and str(MAX_DEPTH) in response.json().get(
        "detail", ""
    )
    assert refused_as_too_deep == (depth > MAX_DEPTH)


@given(
    st.recursive(st.none() | st.integers(), lambda c: st.lists(c) | st.dictionaries(st.text(), c))
)
def test_nesting_depth_counts_levels(value: Any) -> None:
    def depth(v: Any) -> int:  # the obvious recursive definition, on shallow values
        if isinstance(v, list):
            return 1 + max(map(depth, v), default=0)
        if isinstance(v, dict):
            return 1 + max(map(depth, v.values()), default=0)
        return 0

    assert nesting_depth(value) == depth(value)


def test_the_refusal_speaks_the_clients_language(colleague: Actor) -> None:
    token = token_create(user=User.objects.get(pk=colleague.user_id))
    client = Client(
        HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="nl"
    )
    response = client.post("/api/v1/signals", _nested(1_000), content_type="application/json")
    assert response.status_code == 400
    assert "niveaus" in response.json()["detail"]
