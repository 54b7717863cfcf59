"""The monitor in the browser, checked with axe-core: a municipal analyst reads the figures
of their own municipality; the National Rapporteur moves from the nation to a municipality."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_analyst_and_rapporteur_read_the_monitor(page: Page) -> None:
    login(page, "gemeente.westerwolde")
    page.click("nav >> text=Monitor")
    expect(page.locator("h1")).to_contain_text("Westerwolde")
    expect(page.locator("main")).to_contain_text("Aanwezigheid")
    assert_accessible(page, "monitor-municipality")
    assert page.goto("/monitor/NL").status == 404
    page.click("text=Uitloggen")
    page.wait_for_url(lambda url: "/inloggen" in url)

    login(page, "rapporteur")
    page.click("nav >> text=Monitor")
    expect(page.locator("h1")).to_contain_text("Nederland")
    assert_accessible(page, "monitor-nation")
    page.select_option("#gebied", label="Amsterdam")
    page.click("main >> text=Tonen")
    expect(page.locator("h1")).to_contain_text("Amsterdam")
