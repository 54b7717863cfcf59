"""Follow-up journey: a hard signal of COA at Ter Apel is routed to AVIM Noord-Nederland,
which acknowledges and closes it with an outcome; COA reads the feedback. Every page
checked with axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ketenzicht.followup.models import Referral
from ketenzicht.signals.models import Signal

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NARRATIVE = "Vrouw vertelt dat zij in een woning in Ter Apel klanten moet ontvangen."
FEEDBACK = "Onderzoek gestart door AVIM; de bewoonster is in de opvang geplaatst."


def logout(page: Page) -> None:
    page.click("text=Uitloggen")
    page.wait_for_url(lambda url: "/inloggen" in url)


def test_hard_signal_is_routed_handled_and_fed_back(page: Page) -> None:
    login(page, "coa.terapel")
    page.goto("/signalen/nieuw")
    page.check("input[name=kind][value=hard]")
    page.check("input[name=exploitation_types][value=sexual]")
    page.fill("#id_narrative", NARRATIVE)
    page.select_option("#id_subjects-0-role", "presumed_victim")
    page.fill("#id_subjects-0-given_name", "Amina")
    page.fill("#id_subjects-0-family_name", "Proef")
    page.click("button[name=save]")
    expect(page.locator(".utrecht-alert--ok")).to_be_visible()
    signal = Signal.objects.latest("received_at")  # narratives are sealed: no query on them
    assert signal.narrative == NARRATIVE
    referral = Referral.objects.get(signal=signal)
    assert referral.to_organisation.code == "avim-noord-nederland"
    page.reload()
    expect(page.locator("main")).to_contain_text("Westerwolde")
    expect(page.locator("main")).to_contain_text("Politie eenheid Noord-Nederland")
    assert_accessible(page, "signal-detail-referred")
    logout(page)

    # AVIM Noord-Nederland finds it in the inbox, acknowledges and closes it.
    login(page, "avim.noord")
    page.click("nav >> text=Postvak")
    row = page.locator("tr", has_text=referral.reference)
    expect(row).to_contain_text("Centraal Orgaan opvang asielzoekers")
    assert_accessible(page, "inbox-avim")
    row.locator("a").click()
    expect(page.locator("main")).to_contain_text("regel R2")
    assert_accessible(page, "referral-received")
    # One step is possible: the form is that step's, a note is all it takes.
    expect(page.locator("input[name=stap]")).to_have_count(0)
    expect(page.locator("#id_outcome")).to_have_count(0)
    page.click("text=Stap opslaan")
    expect(page.locator(".utrecht-alert--ok")).to_be_visible()
    # Three steps now; the first is chosen, and assessing takes a note only.
    expect(page.locator("input[name=stap]")).to_have_count(3)
    expect(page.locator("#id_note")).to_be_visible()
    expect(page.locator("#id_feedback")).to_have_count(0)
    # Choosing "closed" (by keyboard) brings in closing's fields without a reload.
    page.locator("input[name=stap][value=closed]").focus()
    page.keyboard.press("Space")
    expect(page.locator("#id_feedback")).to_be_visible()
    expect(page.locator("#id_forward_to")).to_be_visible()
    expect(page).to_have_url(re.compile(r"stap=closed"))
    assert_accessible(page, "referral-step-close")
    # Closing without feedback is refused with a field message, nothing changes.
    page.select_option("#id_outcome", "investigation_started")
    page.click("text=Stap opslaan")
    expect(page.locator(".utrecht-form-field-error-message")).to_contain_text("terugkoppeling")
    assert_accessible(page, "referral-close-error")
    assert Referral.objects.get(pk=referral.pk).status == "acknowledged"
    page.select_option("#id_outcome", "investigation_started")
    page.fill("#id_feedback", FEEDBACK)
    page.click("text=Stap opslaan")
    expect(page.locator("main")).to_contain_text("afgesloten: opsporingsonderzoek gestart")
    # The Postvak opens on the open referrals; the closed one is a filter away (keyboard).
    page.click("nav >> text=Postvak")
    expect(
        page.locator(".kz-referral-filters a[aria-current=page]", has_text="Open")
    ).to_be_visible()
    expect(page.locator("tr", has_text=referral.reference)).to_have_count(0)
    page.locator("a[href='?toon=gesloten']").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "toon=gesloten" in url)
    expect(page.locator("tr", has_text=referral.reference)).to_contain_text("afgesloten")
    expect(page.locator(".kz-referral-filters a[aria-current=page]")).to_contain_text("Gesloten (")
    assert_accessible(page, "inbox-closed")
    logout(page)

    # The reporter reads the feedback on the signal and in the inbox.
    login(page, "coa.terapel")
    page.click("nav >> text=Postvak")
    expect(page.locator("main")).to_contain_text(
        f"Terugkoppeling op doorverwijzing {referral.reference}"
    )
    assert_accessible(page, "inbox-reporter")
    page.goto(f"/signalen/{referral.signal_id}")
    expect(page.locator("main")).to_contain_text(FEEDBACK)
    logout(page)

    # The national monitor sees the deadline figures, without persons.
    login(page, "rapporteur")
    page.click("nav >> text=Termijnen")
    expect(page.locator("main")).to_contain_text("Politie eenheid Noord-Nederland - AVIM")
    assert_accessible(page, "deadlines")
