"""The hidden-number estimate on the national monitor when the registrations give no finite
estimate: the rapporteur reads "niet te schatten" with the reason, never a number."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from ketenzicht.monitor.services import monitor_rebuild
from ketenzicht.monitor.tests.unestimable import without_a_finite_estimate
from ketenzicht.signals.factories import TEST_CONTEXT

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_rapporteur_reads_not_estimable_with_the_reason(
    page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Fifty victims for which the estimator finds no finite hidden number (inputs replaced
    # as in monitor/tests/unestimable.py); the publication and the page are the real ones.
    without_a_finite_estimate(monkeypatch)
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
