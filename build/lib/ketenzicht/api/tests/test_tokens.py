"""The privacy-preserving hit/no-hit index over the API: partners send keyed tokens made on
their own systems; the index answers which organisations share a token, never more."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management import call_command

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.factories import OrganisationFactory, make_actor
from ketenzicht.accounts.models import Role
from ketenzicht.audit.models import AuditEvent, Result
from ketenzicht.persons.linkage.tokens import tokens
from ketenzicht.persons.models import PartnerToken, TokenRecord

from .test_api import client_for

pytestmark = pytest.mark.django_db

KEY = b"k" * 32  # the partners' shared key; the index never sees it
PERSON = {
    "record_id": "x",
    "given_name": "Yohannes",
    "family_name": "Haile",
    "date_of_birth": "1999-04-12",
    "v_number": "12.345.678.90",
    "phone": "06 1234 5678",
}


def _body(record: dict[str, str], key: bytes = KEY, key_id: str = "2026-1") -> dict[str, object]:
    made = tokens(record, key=key, key_id=key_id)
    return {"keyId": key_id, "tokens": [{"kind": t.kind, "value": t.value} for t in made]}


@pytest.fixture
def partners() -> tuple[Actor, Actor]:
    nidos = OrganisationFactory(code="nidos-tokens", name="Nidos")
    municipality = OrganisationFactory(code="gm-tokens", name="Gemeente Assen")
    return (
        make_actor(Role.COORDINATOR, nidos, username="nidos-co"),
        make_actor(Role.COORDINATOR, municipality, username="gm-co"),
    )


def test_equal_tokens_are_a_hit_and_nothing_else_leaves(partners: tuple[Actor, Actor]) -> None:
    nidos, municipality = (client_for(a) for a in partners)
    first = nidos.put("/api/v1/token-records/dossier-17", _body(PERSON), "application/json")
    assert first.status_code == 200, first.content
    assert first.json()["hits"] == []
    # The municipality writes the same person differently: the normalised tokens still agree.
    variant = PERSON | {"given_name": "Johannes", "v_number": "1234567890", "phone": "+31612345678"}
    second = municipality.put("/api/v1/token-records/bsn-x-9", _body(variant), "application/json")
    body = second.json()
    assert [h["contact"]["organisation"] for h in body["hits"]] == ["nidos-tokens"]
    # Yohannes and Johannes share a transliteration key; the sorted names differ.
    assert body["hits"][0]["kinds"] == ["key_dob", "phone", "v_number"]
    text = json.dumps(body)
    assert "dossier-17" not in text  # never the other partner's reference or tokens
    assert not any(t["value"] in text for t in _body(PERSON)["tokens"])  # type: ignore[index]
    # The earlier partner learns of the later one by polling.
    listed = nidos.get("/api/v1/token-records").json()["results"]
    assert [r["reference"] for r in listed] == ["dossier-17"]
    assert listed[0]["hits"][0]["contact"]["organisation"] == "gm-tokens"
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)).isoformat()
    assert nidos.get("/api/v1/token-records", {"since": later}).json()["results"] == []
    assert AuditEvent.objects.filter(object_type="token_record", action="view").exists()


def test_tokens_of_another_key_never_match(partners: tuple[Actor, Actor]) -> None:
    nidos, municipality = (client_for(a) for a in partners)
    nidos.put("/api/v1/token-records/a", _body(PERSON), "application/json")
    other_key = municipality.put(
        "/api/v1/token-records/b", _body(PERSON, key=b"z" * 32, key_id="2027-1"), "application/json"
    )
    assert other_key.json()["hits"] == []
    # Same key, other key identifier: still no match (rotation keeps generations apart).
    renamed = municipality.put(
        "/api/v1/token-records/b", _body(PERSON, key_id="2027-1"), "application/json"
    )
    assert renamed.json()["hits"] == []


def test_bad_input_is_refused_per_field_and_nothing_is_saved(
    partners: tuple[Actor, Actor],
) -> None:
    nidos = client_for(partners[0])
    bad = {"keyId": "2026 1", "tokens": [{"kind": "bsn", "value": "ABC"}]}
    response = nidos.put("/api/v1/token-records/a", bad, "application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    fields = {e["name"] for e in response.json()["invalidParams"]}
    assert {"keyId", "tokens"} <= {f.split(".")[0] for f in fields}
    assert "32 kleine hexadecimale tekens" in response.content.decode()
    empty = nidos.put("/api/v1/token-records/a", {"keyId": "k1", "tokens": []}, "application/json")
    assert empty.status_code == 400
    too_long = nidos.put("/api/v1/token-records/" + "r" * 65, _body(PERSON), "application/json")
    assert too_long.status_code == 400
    assert "eigen referentie" in too_long.content.decode()
    assert not TokenRecord.objects.exists()


def test_only_own_records_and_only_coordinators(partners: tuple[Actor, Actor]) -> None:
    nidos, municipality = (client_for(a) for a in partners)
    nidos.put("/api/v1/token-records/mine", _body(PERSON), "application/json")
    assert municipality.get("/api/v1/token-records/mine").status_code == 404
    assert municipality.delete("/api/v1/token-records/mine").status_code == 404
    own_organisation = TokenRecord.objects.get().organisation
    frontline = client_for(make_actor(Role.FRONTLINE, own_organisation, username="fl"))
    refused = frontline.put("/api/v1/token-records/x", _body(PERSON), "application/json")
    assert refused.status_code == 404
    assert frontline.get("/api/v1/token-records").status_code == 404
    assert AuditEvent.objects.filter(object_type="token_record", result=Result.DENIED).count() >= 3
    assert nidos.delete("/api/v1/token-records/mine").status_code == 204
    assert not PartnerToken.objects.exists()


def test_retiring_a_key_drops_its_tokens(partners: tuple[Actor, Actor]) -> None:
    nidos = client_for(partners[0])
    nidos.put("/api/v1/token-records/old", _body(PERSON, key_id="2025-1"), "application/json")
    nidos.put("/api/v1/token-records/new", _body(PERSON, key_id="2026-1"), "application/json")
    call_command("retire_token_key", "2025-1")
    assert list(TokenRecord.objects.values_list("reference", flat=True)) == ["new"]
    assert AuditEvent.objects.filter(detail__retired_key_id="2025-1").exists()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    reference=st.text(max_size=80),
    key_id=st.text(max_size=40),
    kind=st.text(max_size=12),
    value=st.text(max_size=40),
)
def test_whatever_is_sent_is_stored_whole_or_refused(
    partners: tuple[Actor, Actor], reference: str, key_id: str, kind: str, value: str
) -> None:
    from django.core.exceptions import ValidationError

    from ketenzicht.persons.token_services import token_record_put
    from ketenzicht.signals.factories import TEST_CONTEXT

    before = PartnerToken.objects.count()
    try:
        record = token_record_put(
            actor=partners[0],
            context=TEST_CONTEXT,
            reference=reference,
            key_id=key_id,
            tokens=[{"kind": kind, "value": value}],
        )
    except ValidationError:
        assert PartnerToken.objects.count() == before
    else:
        assert record is not None and record.tokens.get().value == value
        record.delete()
