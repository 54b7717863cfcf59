"""Rate limits per user on the API, on searches for people and on downloads (ASVS 2.4.1)."""

from __future__ import annotations

from django.test import Client, override_settings

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import User
from ketenzicht.api.authentication import token_create

pytestmark = pytest.mark.django_db
LOW = {"api": "4/minute", "search": "2/minute", "export": "1/hour"}


def _api(actor: Actor) -> Client:
    token = token_create(user=User.objects.get(pk=actor.user_id))
    return Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")


def _web(actor: Actor) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=actor.user_id))
    client.cookies["django_language"] = "nl"
    return client


@override_settings(RATE_LIMITS=LOW)
def test_the_api_answers_429_as_a_problem_past_the_limit(reporter: Actor, colleague: Actor) -> None:
    api = _api(reporter)
    assert [api.get("/api/v1/signals").status_code for _ in range(4)] == [200] * 4
    refused = api.get("/api/v1/signals")
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["status"] == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    # The limit is per user: a colleague in the same organisation is not held back.
    assert _api(colleague).get("/api/v1/signals").status_code == 200


@override_settings(RATE_LIMITS=LOW)
def test_searching_for_people_is_limited_more_tightly(reporter: Actor) -> None:
    api = _api(reporter)
    codes = [api.get("/api/v1/persons", {"name": "Jansen"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert api.get("/api/v1/signals").status_code == 200  # other endpoints still answer


@override_settings(RATE_LIMITS=LOW)
def test_pages_say_when_to_try_again(reporter: Actor) -> None:
    web = _web(reporter)
    assert [web.get("/signalen/").status_code for _ in range(2)] == [200, 200]
    refused = web.get("/signalen/", {"kind": "hard"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) <= 60
    assert "Te veel verzoeken" in refused.content.decode()


@override_settings(RATE_LIMITS=LOW)
def test_downloads_are_limited(reporter: Actor) -> None:
    web = _web(reporter)
    assert web.get("/monitor/GM1950/export.csv").status_code != 429
    refused = web.get("/monitor/GM1950/export.xlsx")
    assert refused.status_code == 429
    assert 3500 < int(refused["Retry-After"]) <= 3600
    assert "over 60 minuten" in refused.content.decode()
