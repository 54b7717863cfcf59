"""The hidden-number estimate on the national monitor when the registrations give no finite
estimate: the rapporteur reads "niet te schatten" with the reason, never a number."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from ketenzicht.monitor import tables
from ketenzicht.monitor.services import monitor_rebuild
from ketenzicht.signals.factories import TEST_CONTEXT

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_rapporteur_reads_not_estimable_with_the_reason(
    page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Fifty victims, most on two lists, but IND and COA never meet and no identifiable
    # model accounts for it. The demo world is too small for an estimate at all; the capture
    # histories are the one input replaced, the estimate and the page are the real ones.
    histories = (["ind", "coa", "avim"], [((0, 0, 1), 5), ((1, 0, 1), 5), ((0, 1, 1), 40)])
    monkeypatch.setattr(tables, "capture_histories", lambda today: histories)
    monitor_rebuild(context=TEST_CONTEXT, revise=True)

    login(page, "rapporteur")
    page.goto("/monitor/NL")
    section = page.locator("main")
    expect(section).to_contain_text("Verborgen aantal")
    expect(section).to_contain_text("niet te schatten")
    expect(section).to_contain_text("(IND – COA)")
    # Where the number would be: the words, no digits.
    estimated = page.locator("tr", has_text="Geschat totaal").locator("td")
    expect(estimated).to_have_text("niet te schatten")
    assert_accessible(page, "monitor-not-estimable")
    page.click("button[name=language][value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(section).to_contain_text("not estimable")
    expect(section).to_contain_text("share no victim at all (IND – COA)")
