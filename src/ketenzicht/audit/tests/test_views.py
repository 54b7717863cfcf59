from __future__ import annotations

from typing import Any

from django.test import Client

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import User
from ketenzicht.audit.models import AuditEvent
from ketenzicht.signals.factories import register

pytestmark = pytest.mark.django_db


def test_auditor_browses_and_filters_by_object(reporter: Actor, auditor: Actor) -> None:
    signal = register(reporter)
    register(reporter)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=auditor.user_id))
    page = client.get("/audit/")
    assert page.status_code == 200
    everything = page.content.decode().count('<tr class="utrecht-table__row">')
    filtered = client.get(f"/audit/?object_type=signal&object_id={signal.pk}")
    rows = filtered.content.decode().count('<tr class="utrecht-table__row">')
    assert rows == 2  # header row + the one create event of this signal
    assert everything > rows
    assert AuditEvent.objects.filter(actor=auditor.username, purpose="audit").count() == 2


def test_audit_trail_is_hidden_from_other_roles(reporter: Actor) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=reporter.user_id))
    assert client.get("/audit/").status_code == 404


def test_after_rotating_the_reference_key_older_events_are_still_found(
    reporter: Actor, auditor: Actor, settings: Any
) -> None:
    from ketenzicht.audit.services import audit_chain_link_pending
    from ketenzicht.audit.verify import audit_chain_verify

    settings.AUDIT_HMAC_KEY = "the old reference key"
    signal = register(reporter)
    settings.AUDIT_HMAC_KEY, settings.AUDIT_HMAC_KEY_FALLBACKS = "a new key", []
    from ketenzicht.signals.factories import TEST_CONTEXT
    from ketenzicht.signals.selectors import signal_get

    signal_get(actor=reporter, context=TEST_CONTEXT, signal_id=signal.pk)  # under the new key
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=auditor.user_id))
    url = f"/audit/?object_type=signal&object_id={signal.pk}"
    rows = client.get(url).content.decode().count('<tr class="utrecht-table__row">')
    assert rows == 1 + 1  # header + only the view: the create is under the old key

    settings.AUDIT_HMAC_KEY_FALLBACKS = ["the old reference key"]
    rows = client.get(url).content.decode().count('<tr class="utrecht-table__row">')
    assert rows == 1 + 2  # header + the create and the view
    audit_chain_link_pending()
    assert audit_chain_verify().intact  # the chain is not keyed: rotation leaves it whole


def test_the_trail_exports_as_json_lines_a_receiver_can_verify(
    reporter: Actor, capsys: Any
) -> None:
    import hashlib
    import json

    from django.core.management import call_command

    from ketenzicht.audit.chain import GENESIS

    register(reporter)
    register(reporter)
    call_command("audit", "export", "--explain", "naar de SIEM")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["seq"] for line in lines] == list(range(1, len(lines) + 1))
    previous = GENESIS
    for line in lines:  # the receiver recomputes the chain from the lines alone
        body = json.dumps(line["event"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert line["prev_hash"] == previous
        assert hashlib.sha256(f"{previous}|{body}".encode()).hexdigest() == line["hash"]
        previous = line["hash"]
    call_command("audit", "export", "--after-seq", str(lines[-1]["seq"]), "--explain", "vervolg")
    more = capsys.readouterr().out.splitlines()
    assert len(more) == 1 and json.loads(more[0])["event"]["action"] == "export"


@pytest.mark.parametrize(
    ("path", "capability"),
    [
        ("/audit/", "audit_trail"),
        ("/privacy/inzageverzoeken", "subject_access"),
        ("/delen/groepen", "administer"),
        ("/monitor", "aggregates"),
    ],
)
def test_a_page_the_role_may_not_see_is_a_refusal_on_record(
    reporter: Actor, path: str, capability: str
) -> None:
    """ASVS 16.3.2: the answer is the unknown page's, the attempt is in the trail."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=reporter.user_id))
    assert client.get(path).status_code == 404
    refusal = AuditEvent.objects.get(action="refused")
    assert refusal.detail == {"control": "authorization", "capability": capability, "path": path}
    assert refusal.actor == "reporter" and refusal.result == "denied"


def test_an_unexpected_error_is_on_record_without_its_message(reporter: Actor) -> None:
    from django.core.signals import got_request_exception
    from django.test import RequestFactory

    request = RequestFactory().get("/signalen/abc")
    request.user = User.objects.get(pk=reporter.user_id)
    try:
        raise ValueError("Senait Tesfay 1234567890")
    except ValueError:
        got_request_exception.send(sender=None, request=request)
    event = AuditEvent.objects.get(action="error")
    assert event.result == "error" and event.actor == "reporter"
    assert event.detail == {
        "control": "error",
        "path": "/signalen/abc",
        "method": "GET",
        "error": "ValueError",
    }
    assert "Tesfay" not in str(event.detail)


def test_identifiers_in_an_explanation_are_masked(reporter: Actor) -> None:
    from ketenzicht.common.context import Context
    from ketenzicht.signals.selectors import signal_get

    signal = register(reporter)
    context = Context(
        channel="api",
        explanation="AVG-2026-0042 op 2026-11-30: V-nummer 1234567890, tel +31 6 12345678 "
        "of 06-12345678, mail a.b@coa.example",
    )
    signal_get(actor=reporter, context=context, signal_id=signal.pk)
    explanation = AuditEvent.objects.filter(action="view").latest("id").explanation
    assert explanation == (
        "AVG-2026-0042 op 2026-11-30: V-nummer [nummer], tel [nummer] of [nummer], mail [e-mail]"
    )


@given(
    before=st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=30),
    v_number=st.from_regex(r"\A[1-9]\d{9}\Z", fullmatch=True),
    after=st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=30),
)
def test_no_v_number_survives_masking(before: str, v_number: str, after: str) -> None:
    from ketenzicht.audit.services import scrub

    masked = scrub(f"{before} {v_number} {after}")
    assert v_number not in masked and "[nummer]" in masked


def test_auditor_filters_by_part_of_a_user_name_in_any_case(
    reporter: Actor, colleague: Actor, auditor: Actor
) -> None:
    register(reporter)
    register(colleague)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=auditor.user_id))
    page = client.get("/audit/?actor=REPORT").content.decode()
    assert '<td class="utrecht-table__cell">reporter</td>' in page
    assert '<td class="utrecht-table__cell">colleague</td>' not in page


def test_an_object_id_without_a_type_finds_that_object_only(
    reporter: Actor, auditor: Actor
) -> None:
    signal = register(reporter)
    register(reporter)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=auditor.user_id))
    page = client.get(f"/audit/?object_id={signal.pk}")
    assert page.status_code == 200
    assert page.content.decode().count('<tr class="utrecht-table__row">') == 2


def test_times_are_local_with_the_utc_instant_kept(reporter: Actor, auditor: Actor) -> None:
    import datetime as dt

    register(reporter)
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=auditor.user_id))
    page = client.get("/audit/").content.decode()
    from django.utils import timezone

    shown = timezone.localtime(event.occurred_at).strftime("%d-%m-%Y %H:%M:%S")
    assert shown in page
    assert event.occurred_at.astimezone(dt.UTC).isoformat() in page  # datetime attribute


def test_explanations_the_product_writes_are_translated() -> None:
    from django.utils import translation

    from ketenzicht.audit.explanations import explanation_shown

    with translation.override("nl"):
        assert explanation_shown("concurrent session limit") == "limiet op gelijktijdige sessies"
        assert explanation_shown("written by a user") == "written by a user"
