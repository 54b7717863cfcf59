"""The API fuzzed from its own OpenAPI document (schemathesis) as two organisations: every
operation, with generated valid and invalid input, must answer without a server error and
as documented (status codes, content types, headers, response bodies). Run in-process on
the real database; object-level authorisation across organisations is covered route by
route in ``sharing/tests/test_routes.py::test_unknown_objects_look_like_forbidden_ones``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import User
from ketenzicht.api.authentication import token_create
from ketenzicht.signals.factories import register


def _api_document() -> Any:
    """The document ``/api/v1/openapi.json`` serves, generated and rendered as its view does.
    Built directly, not fetched: fetching goes through the rate limiter, which counts in the
    database, and collection has no database access. Describing the API reads no data."""
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(raw))


# The document's own operation is drf-spectacular's (it serves any ``lang`` leniently); the
# fuzzing is of this product's operations.
schema = schemathesis.openapi.from_dict(_api_document()).exclude(path="/openapi.json")
schema.app = get_wsgi_application()  # calls go in-process, as from_wsgi would send them


@pytest.fixture
def one_connection() -> Iterator[None]:
    """Requests here go through Django's WSGI handler, which closes the database connection
    at the end of each request; the test's transaction lives on that connection (on
    PostgreSQL). Django's own test client unhooks the same signal handlers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def two_organisations(reporter: Actor, outsider: Actor, settings: Any) -> list[str]:
    settings.RATE_LIMITS = {
        "api": "100000/minute",
        "search": "100000/minute",
        "export": "100000/hour",
    }
    register(reporter)  # something of the first organisation for the second to look for
    register(outsider)
    return [
        token_create(user=User.objects.get(pk=reporter.user_id)),
        token_create(user=User.objects.get(pk=outsider.user_id)),
    ]


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_every_operation_answers_as_documented(
    case: Any, two_organisations: list[str], one_connection: None
) -> None:
    if case.query:
        # Page links are opaque and signed by the server: no generated one can be valid
        # (their refusal is tested in the pagination tests).
        case.query.pop("cursor", None)
    for token in two_organisations:
        response = case.call_and_validate(
            headers={"Authorization": f"Token {token}", "Host": "127.0.0.1"},
            # Left out: "schema-valid input must be accepted". Codes of municipalities,
            # organisations and indicators are data, not schema, so a generated "GM0000"
            # is rightly refused; every other check runs, invalid input included.
            excluded_checks=[positive_data_acceptance],
        )
        # call_and_validate raises on any failed check; the plainest of them, spelled out:
        assert response.status_code < 500, response.text
