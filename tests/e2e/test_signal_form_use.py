"""Everyday use of the signal form in a browser (issue 20, items 1, 2, 9, 10, 11, 12)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ketenzicht.signals.models import Signal

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(os.environ["KZ_F_SHOTS"]) if os.environ.get("KZ_F_SHOTS") else None


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_the_form_starts_right_and_shows_errors_the_nl_design_system_way(page: Page) -> None:
    login(page, "coa.terapel")
    page.goto("/signalen/nieuw")
    # Item 1: a person, also one added with the button, starts on "onbekend".
    expect(page.locator("#id_subjects-0-sex")).to_have_value("unknown")
    page.click("button[name=add_subject]")
    expect(page.locator("#id_subjects-1-sex")).to_have_value("unknown")
    expect(page.locator("#id_subjects-1-sex_error")).to_have_count(0)

    # Item 9: the adults' list, each indicator once, found by everyday words.
    expect(page.locator("input[name=indicator_age][value=adult]")).to_be_checked()
    page.fill("#indicator-search", "paspoort")
    expect(page.locator("#indicator-count")).to_contain_text("3 indicatoren gevonden")
    page.fill("#indicator-search", "uren")
    expect(page.locator("#ind-AL-EX-S01")).to_be_visible()
    page.check("input[name=indicator_age][value=child]")
    expect(page.locator("#ind-CL-EX-S01")).to_be_visible()
    expect(page.locator("#ind-AL-EX-S01")).to_be_hidden()
    page.check("input[name=indicator_age][value=adult]")
    page.fill("#indicator-search", "")

    # Item 11: the character count follows typing.
    page.fill("#id_narrative", "Werkt 70 uur per week.")
    expect(page.locator("#id_narrative_count")).to_have_text("nog 19.978 tekens over")

    # Item 12: a failed save focuses the summary; its links lead to each field.
    page.fill("#id_observed_on", "")
    page.click("button[name=save]")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.locator("a[href='#id_observed_on']")).to_be_visible()
    expect(page.locator("#id_observed_on")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_kind_0")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_narrative")).to_have_value("Werkt 70 uur per week.")
    _shot(page, "form-errors")
    assert_accessible(page, "signal-form-errors")
    summary.locator("a[href='#id_kind_0']").click()
    expect(page.locator("#id_kind_0")).to_be_focused()


def test_edit_keeps_every_value_and_the_list_finds_by_reference(page: Page) -> None:
    login(page, "coa.terapel")
    signal = Signal.objects.filter(organisation__code="coa", anonymised_at__isnull=True).first()
    assert signal is not None
    # Item 10: the reference in the search box finds the signal.
    page.goto("/signalen/")
    page.fill("#id_q", signal.reference)
    page.click("text=Filter")
    expect(page.locator("tbody tr")).to_have_count(1)
    _shot(page, "list-search")
    assert_accessible(page, "signal-list-search")
    # Item 2: the edit form shows the stored date and municipality and saves unchanged.
    page.click(f"text={signal.reference}")
    page.click("text=Bewerken")
    expect(page.locator("#id_observed_on")).to_have_value(signal.observed_on.isoformat())
    expect(page.locator("#id_municipality")).to_have_value(signal.municipality_id)
    _shot(page, "edit-form")
    page.click("button[name=save]")
    expect(page.locator(".utrecht-alert--ok")).to_be_visible()
