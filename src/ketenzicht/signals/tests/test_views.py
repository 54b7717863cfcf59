from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.utils import override_settings

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import User
from ketenzicht.audit.models import AuditEvent
from ketenzicht.signals.factories import register
from ketenzicht.signals.models import ImportJob, Signal, SignalRevision
from ketenzicht.signals.tests.test_importer import GOOD

pytestmark = pytest.mark.django_db


def logged_in(actor: Actor, language: str = "nl") -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=actor.user_id))
    client.cookies["django_language"] = language
    return client


def form_data(**overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "soft",
        "observed_on": "2026-03-01",
        "municipality": "GM1950",
        "location": "",
        "exploitation_types": ["labour"],
        "indicators": ["AL-DR-S01", "AL-CR-M03"],
        "source_reliability": "B",
        "information_credibility": "2",
        "narrative": "Bewoner moet 70 uur per week werken.",
        "distribution": "organisation",
        "subjects-TOTAL_FORMS": "1",
        "subjects-INITIAL_FORMS": "0",
        "subjects-MIN_NUM_FORMS": "0",
        "subjects-MAX_NUM_FORMS": "20",
        "subjects-0-role": "presumed_victim",
        "subjects-0-given_name": "Senait",
        "subjects-0-family_name": "Tesfay",
        "subjects-0-date_of_birth": "2001-05-04",
        "subjects-0-dob_precision": "exact",
        "subjects-0-sex": "female",
        "subjects-0-nationality": "ERI",
        "subjects-0-v_number": "1234567890",
        "subjects-0-phones": "0612345678",
        "subjects-0-aliases": "",
    }
    data.update(overrides)
    return data


def test_pages_are_dutch_by_default_and_english_on_request(reporter: Actor) -> None:
    page = logged_in(reporter).get("/signalen/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="nl"' in page.content.decode()
    assert "Signalen" in page.content.decode()
    english = logged_in(reporter, "en").get("/signalen/")
    assert '<html lang="en"' in english.content.decode()


def test_register_through_the_form_then_see_it(reporter: Actor) -> None:
    client = logged_in(reporter)
    assert client.get("/signalen/nieuw").status_code == 200
    response = client.post("/signalen/nieuw", form_data())
    signal = Signal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/signalen/{signal.pk}"
    detail = client.get(response["Location"]).content.decode()
    assert "Tesfay" in detail and "+31612345678" in detail
    assert signal.subjects.get().record.nationality == "ERI"


@pytest.mark.parametrize(
    ("field", "value", "message_part"),
    [
        ("observed_on", (dt.date.today() + dt.timedelta(days=1)).isoformat(), "toekomst"),
        ("subjects-0-v_number", "12345", "10 cijfers"),
        ("subjects-0-phones", "hallo", "telefoonnummer"),
        ("subjects-0-date_of_birth", "2099-01-01", "toekomst"),
    ],
)
def test_form_errors_are_shown_per_field_in_dutch_and_nothing_is_saved(
    reporter: Actor, field: str, value: str, message_part: str
) -> None:
    response = logged_in(reporter).post("/signalen/nieuw", form_data(**{field: value}))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert message_part in html.lower()
    assert 'aria-invalid="true"' in html
    assert Signal.objects.count() == 0


def test_add_person_button_adds_an_empty_person(reporter: Actor) -> None:
    response = logged_in(reporter).post("/signalen/nieuw", form_data(add_subject="1"))
    assert response.status_code == 200
    assert 'name="subjects-1-role"' in response.content.decode()
    assert Signal.objects.count() == 0


def test_edit_keeps_history_shown_on_the_detail_page(reporter: Actor) -> None:
    signal = register(reporter)
    client = logged_in(reporter)
    subject = signal.subjects.get()
    assert client.get(f"/signalen/{signal.pk}/bewerken").status_code == 200
    data = form_data(
        kind="hard",
        version="1",
        **{"subjects-INITIAL_FORMS": "1", "subjects-0-subject_id": str(subject.pk)},
    )
    response = client.post(f"/signalen/{signal.pk}/bewerken", data)
    assert response.status_code == 302
    assert SignalRevision.objects.get(signal=signal).changes["kind"] == ["soft", "hard"]
    assert "Versie 2" in client.get(f"/signalen/{signal.pk}").content.decode()


def test_list_filters_and_other_organisations(reporter: Actor, outsider: Actor) -> None:
    register(reporter, kind="hard")
    register(reporter, kind="soft")
    client = logged_in(reporter)
    assert client.get("/signalen/?kind=hard").content.decode().count("kz-kind--hard") == 1
    bad = client.get("/signalen/?observed_from=2026-05-01&observed_to=2026-01-01")
    assert "vóór het begin" in bad.content.decode()
    assert "kz-kind--" not in logged_in(outsider).get("/signalen/").content.decode()


def test_other_organisation_gets_404_on_detail_and_edit(reporter: Actor, outsider: Actor) -> None:
    signal = register(reporter)
    client = logged_in(outsider)
    assert client.get(f"/signalen/{signal.pk}").status_code == 404
    assert client.get(f"/signalen/{signal.pk}/bewerken").status_code == 404
    assert client.get("/signalen/00000000-0000-0000-0000-000000000000").status_code == 404


def test_pages_need_login() -> None:
    response = Client(HTTP_HOST="127.0.0.1").get("/signalen/")
    assert response.status_code == 302 and response["Location"].startswith("/inloggen")


def test_upload_runs_the_import_and_reports(
    reporter: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    client = logged_in(reporter)
    upload = SimpleUploadedFile("signalen.csv", GOOD.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/signalen/import", {"file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and str(job.pk) in response["Location"]
    job.refresh_from_db()
    assert job.status == "succeeded" and job.created_count == 2 and job.content == b""
    page = client.get(response["Location"]).content.decode()
    assert "2 signa" in page
    stages = [e.detail.get("stage") for e in AuditEvent.objects.filter(action="import")]
    assert "uploaded" in stages
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="import-job"')


def test_upload_with_a_bad_row_shows_the_row(
    reporter: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    bad = GOOD + "R-9,soft,2026-13-01,GM1950,labour,,Tekst,,,,,,,,\n"
    client = logged_in(reporter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/signalen/import",
            {"file": SimpleUploadedFile("fout.csv", bad.encode(), content_type="text/csv")},
        )
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-errors"' in page and '<td class="utrecht-table__cell">5</td>' in page
    assert Signal.objects.count() == 0


@override_settings(IMPORT_MAX_BYTES=100)
def test_oversize_and_wrong_type_uploads_are_refused(reporter: Actor) -> None:
    client = logged_in(reporter)
    big = client.post(
        "/signalen/import",
        {"file": SimpleUploadedFile("groot.csv", b"x" * 200, content_type="text/csv")},
    )
    assert big.status_code == 413
    exe = client.post(
        "/signalen/import",
        {"file": SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")},
    )
    assert exe.status_code == 400
    assert ImportJob.objects.count() == 0


def test_login_and_failed_login_are_audited(reporter: Actor) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    client.post("/inloggen", {"username": "reporter", "password": "wrong"})
    client.post("/inloggen", {"username": "reporter", "password": "correct-horse-battery"})
    actions = list(AuditEvent.objects.values_list("action", "result").order_by("id"))
    assert actions == [("login_failed", "denied"), ("login", "ok")]
    assert "wrong" not in str(list(AuditEvent.objects.values()))


def test_security_headers(reporter: Actor) -> None:
    response = logged_in(reporter).get("/signalen/")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_body_larger_than_any_upload_is_refused_before_it_is_read(
    reporter: Actor, settings: Any
) -> None:
    """ASVS 5.2.1: by its declared length (before the CSRF check reads the form), and a body
    without one is cut off by the upload handler."""
    from django.core.files.uploadhandler import StopUpload

    from ketenzicht.common.uploads import MARGIN, SizeLimitedUploadHandler

    settings.IMPORT_MAX_BYTES = 1000
    client = logged_in(reporter)
    client.cookies["django_language"] = "nl"
    declared = client.generic(
        "POST",
        "/signalen/import",
        b"x" * 10,
        content_type="multipart/form-data; boundary=b",
        CONTENT_LENGTH=str(1000 + MARGIN + 1),
    )
    assert declared.status_code == 413
    assert "Het bestand is te groot" in declared.content.decode()
    api = client.generic(
        "POST", "/api/v1/signals", b"{}", "application/json", CONTENT_LENGTH=str(10**9)
    )
    assert api.status_code == 413 and api["Content-Type"] == "application/problem+json"
    handler = SizeLimitedUploadHandler()
    assert handler.receive_data_chunk(b"x" * 10, 0) == b"x" * 10
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 10, 1000 + MARGIN)
    assert ImportJob.objects.count() == 0
