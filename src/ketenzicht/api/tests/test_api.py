from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import User
from ketenzicht.api.authentication import token_create
from ketenzicht.audit.models import AuditEvent
from ketenzicht.signals.factories import register
from ketenzicht.signals.models import Signal

pytestmark = pytest.mark.django_db

VALID: dict[str, Any] = {
    "kind": "soft",
    "observedOn": "2026-03-01",
    "municipality": "GM1950",
    "exploitationTypes": ["labour"],
    "indicators": ["AL-DR-S01", "AL-CR-M03"],
    "narrative": "Bewoner moet schuld afbetalen aan ronselaar.",
    "distribution": "organisation",
    "subjects": [
        {
            "role": "presumed_victim",
            "givenName": "Yohannes",
            "familyName": "Haile",
            "dateOfBirth": "1999-01-01",
            "dateOfBirthPrecision": "placeholder_jan1",
            "nationality": "ERI",
            "vNumber": "12.345.678.90",
            "phones": ["0612345678"],
        }
    ],
}


def client_for(actor: Actor, **headers: str) -> Client:
    token = token_create(user=User.objects.get(pk=actor.user_id))
    return Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1", **headers)


def test_create_returns_201_with_uuid_and_camel_case(reporter: Actor) -> None:
    response = client_for(reporter).post("/api/v1/signals", VALID, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert Signal.objects.filter(pk=body["id"]).exists()
    assert body["observedOn"] == "2026-03-01"
    assert body["indicators"] == ["AL-CR-M03", "AL-DR-S01"] or set(body["indicators"]) == {
        "AL-CR-M03",
        "AL-DR-S01",
    }
    person = body["subjects"][0]["person"]
    assert person["vNumber"] == "1234567890"
    assert person["phones"] == ["+31612345678"]
    assert person["dateOfBirthPrecision"] == "placeholder_jan1"
    assert response["API-Version"] == "1.0.0"
    assert response["Location"].endswith(f"/api/v1/signals/{body['id']}")


def test_minimal_signal_without_subjects(reporter: Actor) -> None:
    payload = {
        k: VALID[k]
        for k in ("kind", "observedOn", "municipality", "exploitationTypes", "narrative")
    }
    response = client_for(reporter).post(
        "/api/v1/signals", payload, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["subjects"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"observedOn": (dt.date.today() + dt.timedelta(days=3)).isoformat()}, "observedOn"),
        ({"observedOn": "2026-02-30"}, "observedOn"),
        ({"municipality": "GM9999"}, "municipality"),
        ({"municipality": "Amsterdam"}, "municipality"),
        ({"kind": "medium"}, "kind"),
        ({"exploitationTypes": []}, "exploitationTypes"),
        ({"indicators": ["NOPE"]}, "indicators"),
        ({"subjects": [{"role": "presumed_victim", "vNumber": "123"}]}, "subjects.0.vNumber"),
        ({"subjects": [{"role": "presumed_victim", "phones": ["12ab"]}]}, "subjects.0.phones"),
        (
            {"subjects": [{"role": "presumed_victim", "nationality": "XYZ"}]},
            "subjects.0.nationality",
        ),
        (
            {"subjects": [{"role": "presumed_victim", "dateOfBirth": "2099-01-01"}]},
            "subjects.0.dateOfBirth",
        ),
        ({"subjects": [{"role": "boss"}]}, "subjects.0.role"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field(
    reporter: Actor, change: dict[str, Any], field: str
) -> None:
    response = client_for(reporter).post(
        "/api/v1/signals", {**VALID, **change}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400
    names = [p["name"] for p in problem["invalidParams"]]
    assert any(name.startswith(field) for name in names), names
    assert Signal.objects.count() == 0


def test_malformed_json_is_a_problem(reporter: Actor) -> None:
    response = client_for(reporter).post(
        "/api/v1/signals", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_errors_follow_accept_language(reporter: Actor) -> None:
    change = {"observedOn": (dt.date.today() + dt.timedelta(days=3)).isoformat()}
    dutch = client_for(reporter, HTTP_ACCEPT_LANGUAGE="nl").post(
        "/api/v1/signals", {**VALID, **change}, content_type="application/json"
    )
    english = client_for(reporter, HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/signals", {**VALID, **change}, content_type="application/json"
    )
    assert (
        dutch.json()["invalidParams"][0]["reason"] != english.json()["invalidParams"][0]["reason"]
    )
    assert "future" in english.json()["invalidParams"][0]["reason"]


def test_list_and_detail_respect_sharing(reporter: Actor, outsider: Actor) -> None:
    signal = register(reporter)
    mine = client_for(reporter).get("/api/v1/signals")
    assert [row["id"] for row in mine.json()["results"]] == [str(signal.pk)]
    theirs = client_for(outsider)
    assert theirs.get("/api/v1/signals").json()["results"] == []
    hidden = theirs.get(f"/api/v1/signals/{signal.pk}")
    missing = theirs.get("/api/v1/signals/00000000-0000-0000-0000-000000000000")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert hidden["Content-Type"] == "application/problem+json"


def test_keyset_next_link_and_page_size(reporter: Actor) -> None:
    for _ in range(3):
        register(reporter)
    client = client_for(reporter)
    first = client.get("/api/v1/signals?pageSize=2").json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert client.get("/api/v1/signals?cursor=zzz").status_code == 400
    assert client.get("/api/v1/signals?pageSize=1000").status_code == 400


def test_persons_endpoints(reporter: Actor, outsider: Actor) -> None:
    register(reporter)
    client = client_for(reporter, HTTP_X_AUDIT_TOELICHTING="controle dossier")
    records = client.get("/api/v1/persons?name=TESFAY").json()["results"]
    assert [r["familyName"] for r in records] == ["Tesfay"]
    # Names are sealed (ADR 0021): whole words match, parts of words do not.
    assert client.get("/api/v1/persons?name=tesf").json()["results"] == []
    detail = client.get(f"/api/v1/persons/{records[0]['id']}")
    assert detail.status_code == 200 and detail.json()["nationality"] == "ERI"
    assert client_for(outsider).get(f"/api/v1/persons/{records[0]['id']}").status_code == 404
    event = AuditEvent.objects.filter(object_type="person", action="view").first()
    assert event is not None and event.explanation == "controle dossier"


def test_authentication_is_required() -> None:
    anonymous = Client(HTTP_HOST="127.0.0.1")
    response = anonymous.get("/api/v1/signals")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    forged = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION="Token nope")
    assert forged.get("/api/v1/signals").status_code == 401


def test_openapi_is_public_with_cors_and_version_header() -> None:
    response = Client(HTTP_HOST="127.0.0.1").get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["API-Version"] == "1.0.0"
    spec = response.json()
    assert {"/signals", "/signals/{signal_id}", "/persons", "/persons/{person_id}"} <= set(
        spec["paths"]
    )
    assert Client(HTTP_HOST="127.0.0.1").get("/api/v1/docs").status_code == 200


def test_unknown_api_path_is_a_problem() -> None:
    response = Client(HTTP_HOST="127.0.0.1").get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_one_response_lists_every_problem(reporter: Actor) -> None:
    body = {
        **VALID,
        "observedOn": "2030-01-01",
        "municipality": "GM9999",
        "exploitationTypes": [],
        "subjects": [{"role": "presumed_victim", "vNumber": "12"}],
    }
    response = client_for(reporter, HTTP_ACCEPT_LANGUAGE="nl").post(
        "/api/v1/signals", body, content_type="application/json"
    )
    names = {p["name"] for p in response.json()["invalidParams"]}
    assert names == {"observedOn", "municipality", "exploitationTypes", "subjects.0.vNumber"}
    reasons = " ".join(p["reason"] for p in response.json()["invalidParams"])
    assert "Ensure" not in reasons
    assert "toekomst" in reasons


def test_malformed_json_is_explained_in_the_clients_language(reporter: Actor) -> None:
    response = client_for(reporter, HTTP_ACCEPT_LANGUAGE="nl").post(
        "/api/v1/signals", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["title"]
    assert "Expecting" not in response.json()["title"]


def test_an_empty_query_parameter_is_refused_not_ignored(reporter: Actor) -> None:
    """``?status=`` must not silently list everything (found by schemathesis)."""
    response = client_for(reporter, HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/signals?status=")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["invalidParams"] == [
        {
            "name": "status",
            "reason": "Leave out a parameter you do not use; it may not be empty.",
            "code": "invalid",
        }
    ]


def test_a_retry_with_the_same_idempotency_key_returns_the_first_signal(reporter: Actor) -> None:
    client = client_for(reporter, HTTP_IDEMPOTENCY_KEY="3f1c-retry-1")
    first = client.post("/api/v1/signals", VALID, content_type="application/json")
    again = client.post("/api/v1/signals", VALID, content_type="application/json")
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Signal.objects.count() == 1
    assert AuditEvent.objects.filter(action="create", object_type="signal").count() == 1
    # The same key for another body is a client error, not a second signal.
    other = client.post(
        "/api/v1/signals", VALID | {"narrative": "Iets anders."}, content_type="application/json"
    )
    assert other.status_code == 422
    assert other["Content-Type"] == "application/problem+json"
    assert Signal.objects.count() == 1
    # Without a key the same body is simply another signal.
    assert (
        client_for(reporter)
        .post("/api/v1/signals", VALID, content_type="application/json")
        .status_code
        == 201
    )
    assert Signal.objects.count() == 2


def test_an_invalid_request_with_a_key_saves_nothing_and_can_be_retried(reporter: Actor) -> None:
    client = client_for(reporter, HTTP_IDEMPOTENCY_KEY="k-2")
    bad = client.post(
        "/api/v1/signals", VALID | {"municipality": "GM0000"}, content_type="application/json"
    )
    assert bad.status_code == 400
    from ketenzicht.api.models import IdempotencyKey

    assert not IdempotencyKey.objects.exists() and not Signal.objects.exists()
    good = client.post("/api/v1/signals", VALID, content_type="application/json")
    assert good.status_code == 201


def test_an_idempotency_key_must_be_visible_characters(reporter: Actor) -> None:
    client = client_for(reporter, HTTP_IDEMPOTENCY_KEY="x" * 256)
    response = client.post("/api/v1/signals", VALID, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "Idempotency-Key"
    assert not Signal.objects.exists()


def test_with_https_pages_redirect_but_the_api_refuses_plain_http(
    reporter: Actor, settings: Any
) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^api/"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client(HTTP_HOST="127.0.0.1")
    page = client.get("/signalen/")
    assert page.status_code == 301 and page["Location"] == "https://127.0.0.1/signalen/"
    api = client.get("/api/v1/signals", HTTP_AUTHORIZATION="Token whatever")
    assert api.status_code == 403 and api["Content-Type"] == "application/problem+json"
    assert api.json()["title"] == "HTTPS required"
    secure = client.get("/api/v1/signals", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 401  # through to the API, which asks for credentials


def test_a_token_stops_working_when_it_expires_or_is_revoked(reporter: Actor, capsys: Any) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from ketenzicht.api.models import ApiToken

    user = User.objects.get(pk=reporter.user_id)
    short, revoked = token_create(user=user, days=1), token_create(user=user)
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.get("/api/v1/signals", HTTP_AUTHORIZATION=f"Token {short}").status_code == 200

    ApiToken.objects.filter(prefix=short[:8]).update(expires_at=timezone.now())
    assert client.get("/api/v1/signals", HTTP_AUTHORIZATION=f"Token {short}").status_code == 401

    call_command("token", "list", "reporter")
    listing = capsys.readouterr().out
    assert revoked[:8] in listing and revoked not in listing  # the prefix, never the token
    call_command("token", "revoke", revoked[:8], "--reason", "laptop gestolen")
    assert client.get("/api/v1/signals", HTTP_AUTHORIZATION=f"Token {revoked}").status_code == 401
    event = AuditEvent.objects.filter(action="revoke").get()
    assert event.explanation == "laptop gestolen" and event.detail == {"token": revoked[:8]}


def test_a_refused_token_is_a_failed_login_on_record(db: None) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    for header in ("Token nietbestaand-token-123", "Token", "Token a b"):
        assert client.get("/api/v1/signals", HTTP_AUTHORIZATION=header).status_code == 401
    failures = list(AuditEvent.objects.filter(action="login_failed", channel="api").order_by("id"))
    assert [e.detail["token"] for e in failures] == ["nietbest", "", ""]
    assert {e.detail["control"] for e in failures} == {"api_token"}
    assert all(e.origin == "127.0.0.1" for e in failures)


def test_guessing_tokens_cannot_fill_the_audit_trail(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ketenzicht.audit import services
    from ketenzicht.audit.services import REFUSALS_RECORDED as FAILED_TOKENS_RECORDED

    monkeypatch.setattr(services, "_minute", lambda: 1000)  # all within one minute
    client = Client(HTTP_HOST="127.0.0.1")
    for n in range(FAILED_TOKENS_RECORDED + 15):
        client.get("/api/v1/signals", HTTP_AUTHORIZATION=f"Token guess-{n:04d}")
    failures = AuditEvent.objects.filter(action="login_failed", channel="api").order_by("id")
    assert failures.count() == FAILED_TOKENS_RECORDED + 1
    assert "not recorded" in failures.last().detail["more"]  # type: ignore[union-attr]


def test_fields_a_client_may_not_set_are_ignored_not_assigned(
    reporter: Actor, outsider: Actor
) -> None:
    """Mass assignment (ASVS 15.3.3): the organisation, id, times, status and version come
    from the server, whatever the body says."""
    forged = {
        **VALID,
        "id": "00000000-0000-0000-0000-000000000001",
        "organisation": "avim-test",
        "registeredAt": "2020-01-01T00:00:00Z",
        "status": "closed",
        "version": 99,
        "anonymisedAt": "2020-01-01T00:00:00Z",
        "createdBy": outsider.user_id,
    }
    response = client_for(reporter).post("/api/v1/signals", forged, content_type="application/json")
    assert response.status_code == 201, response.content
    signal = Signal.objects.get(pk=response.json()["id"])
    assert str(signal.pk) != forged["id"]
    assert signal.organisation_id == reporter.organisation_id
    assert signal.created_by_id == reporter.user_id
    assert (signal.status, signal.version, signal.anonymised_at) == ("registered", 1, None)
    assert signal.received_at.year >= 2026


def test_no_token_starts_with_a_dash(reporter: Actor) -> None:
    """`token revoke PREFIX` takes the prefix as an argument: '-abc' would read as an option."""
    user = User.objects.get(pk=reporter.user_id)
    assert not any(token_create(user=user, days=1).startswith("-") for _ in range(300))
