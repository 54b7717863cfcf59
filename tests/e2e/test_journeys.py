from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ketenzicht.common.crypto import blind_index
from ketenzicht.signals.models import Signal

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_frontline_registers_a_soft_signal_and_finds_it(page: Page) -> None:
    login(page, "coa.terapel")
    assert_accessible(page, "signal-list")
    page.click("text=Nieuw signaal")
    expect(page.locator("h1")).to_have_text("Signaal registreren")
    assert_accessible(page, "signal-form")
    page.check("input[name=kind][value=soft]")
    page.fill("#id_observed_on", "2026-11-20")
    page.check("input[name=exploitation_types][value=sexual]")
    page.fill("#id_narrative", "Jonge vrouw wordt 's nachts opgehaald door een oudere man.")
    # Find two indicators through the search box; matching groups open by themselves.
    page.fill("#indicator-search", "AL-CR-M03")
    page.check("#ind-AL-CR-M03")
    page.fill("#indicator-search", "AL-DR-S01")
    page.check("#ind-AL-DR-S01")
    page.fill("#indicator-search", "")
    page.select_option("#id_subjects-0-role", "presumed_victim")
    page.fill("#id_subjects-0-given_name", "Blessing")
    page.fill("#id_subjects-0-family_name", "Okoro-E2E")
    page.fill("#id_subjects-0-date_of_birth", "2004-01-01")
    page.select_option("#id_subjects-0-dob_precision", "placeholder_jan1")
    page.select_option("#id_subjects-0-nationality", "NGA")
    page.click("button[name=save]")
    expect(page.locator(".utrecht-alert--ok")).to_be_visible()
    assert_accessible(page, "signal-detail")
    signal = Signal.objects.get(
        subjects__record__family_name_digest=blind_index("family_name", "Okoro-E2E")
    )
    assert signal.kind == "soft"
    assert sorted(signal.indicators.values_list("code", flat=True)) == ["AL-CR-M03", "AL-DR-S01"]

    page.click("text=Signalen")
    page.select_option("#id_exploitation_type", "sexual")
    page.select_option("#id_kind", "soft")
    page.click("form.kz-filters button[type=submit]")
    link = page.locator(f"a[href='/signalen/{signal.pk}']")
    expect(link).to_be_visible()
    link.click()
    expect(page.locator("h1")).to_contain_text(signal.reference)
    expect(page.locator("main")).to_contain_text("Okoro-E2E")


def test_form_errors_are_announced_and_keyboard_reachable(page: Page) -> None:
    login(page, "coa.terapel")
    page.goto("/signalen/nieuw")
    page.fill("#id_narrative", "")
    page.click("button[name=save]")
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#id_kind_error")).to_be_visible()
    assert_accessible(page, "signal-form-errors")
    # A failed save puts the keyboard on the error summary, read first.
    expect(page.locator("#form-errors")).to_be_focused()
    # Keyboard only, on a fresh page: the skip link is the first stop.
    page.goto("/signalen/nieuw")
    page.keyboard.press("Tab")
    expect(page.locator(".utrecht-skip-link")).to_be_focused()


def test_import_with_one_bad_row_imports_nothing(page: Page, tmp_path: Path) -> None:
    login(page, "coa.terapel")
    page.goto("/signalen/import")
    assert_accessible(page, "import")
    csv = tmp_path / "signalen.csv"
    csv.write_text(
        "reference,kind,observed_on,municipality,exploitation_types,narrative,"
        "subject_role,subject_family_name,subject_v_number\n"
        "E2E-1,soft,2026-10-01,GM1950,labour,Werkt in kas,presumed_victim,Haile,1234567890\n"
        "E2E-2,hard,2026-10-02,GM1950,labour,Schuld bij ronselaar,presumed_victim,Kidane,99\n",
        encoding="utf-8",
    )
    page.set_input_files("#id_file", str(csv))
    page.click("main form button[type=submit]")
    expect(page.locator("#import-errors")).to_be_visible()
    row = page.locator("#import-errors tbody tr").first
    expect(row.locator("td").nth(0)).to_have_text("3")
    expect(row.locator("td").nth(1)).to_have_text("subject_v_number")
    assert_accessible(page, "import-report")
    assert not Signal.objects.filter(source_reference__startswith="E2E-").exists()


def test_every_page_is_accessible(page: Page) -> None:
    login(page, "coa.terapel")
    signal = Signal.objects.filter(organisation__code="coa", subjects__isnull=False).first()
    assert signal is not None
    page.goto(f"/signalen/{signal.pk}/bewerken")
    assert_accessible(page, "signal-edit")
    page.goto(f"/personen/{signal.subjects.first().record_id}")  # type: ignore[union-attr]
    assert_accessible(page, "person-detail")
    page.goto("/signalen/?kind=hard")
    next_link = page.locator("a[rel=next]")
    if next_link.count():
        next_link.click()
        assert_accessible(page, "signal-list-deep")
    page.goto("/bestaat-niet")
    assert_accessible(page, "not-found")
    page.click("button[name=language][value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/signalen/")
    assert_accessible(page, "signal-list-en")
    page.click("text=Log out")
    assert_accessible(page, "login")
    login(page, "auditor")
    expect(page).to_have_url(re.compile(r".*/audit/$"))
    assert_accessible(page, "audit-trail")
