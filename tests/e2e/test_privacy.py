"""A request for access in the browser: COA's privacy officer finds the person, is told what
is wrong with a bad search and a missing reference, and downloads the answer as JSON and PDF;
axe-core on every page, under the pages' own CSP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ketenzicht.persons.models import PersonRecord

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_privacy_officer_answers_a_request_for_access(page: Page) -> None:
    record = next(
        r
        for r in PersonRecord.objects.filter(organisation__code="coa").order_by("created_at")
        if r.v_number
    )
    login(page, "coa.privacy")
    expect(page.locator("h1")).to_have_text("Inzageverzoeken")
    assert_accessible(page, "privacy-requests")

    page.fill("#id_v_number", "123")
    page.click("main button[type=submit]")
    expect(page.locator("#id_v_number_error")).to_contain_text("Een V-nummer heeft tien cijfers.")
    assert_accessible(page, "privacy-search-error")

    page.fill("#id_v_number", record.v_number)
    page.click("main button[type=submit]")
    page.click(f"text={record.display_name}")
    expect(page.locator("h1")).to_have_text("Export voor een inzageverzoek")
    assert_accessible(page, "privacy-export")

    page.click("main button[type=submit]")  # no reference yet
    expect(page.locator("#id_reference_error")).to_contain_text("Geef het kenmerk van het verzoek.")
    assert_accessible(page, "privacy-export-error")

    page.fill("#id_reference", "AVG-2026-0042")
    page.check("input[name=fmt][value=json]")
    with page.expect_download() as download:
        page.click("main button[type=submit]")
    report = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert report["request"]["reference"] == "AVG-2026-0042"
    assert record.v_number in {r["vNumber"] for r in report["personRecords"]}

    page.check("input[name=fmt][value=pdf]")
    with page.expect_download() as download:
        page.click("main button[type=submit]")
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"
    assert download.value.suggested_filename == "inzage-AVG-2026-0042.pdf"
