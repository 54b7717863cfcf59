"""Everyday use (issue 20): every demo role lands on its main page, opens every link of its
menu, and reads every table without sideways scrolling at 1280 px; the API documentation
passes axe; the header holds together on a 390 px phone; the rapporteur picks a police unit;
the auditor finds a user's events by part of the name and reads local times."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# One account per role the demo world has, with the page its work starts on.
LANDING = {
    "coa.terapel": "/signalen/",
    "coa.coordinator": "/signalen/",
    "avim.noord": "/signalen/",
    "nidos.voogd": "/signalen/",
    "gemeente.westerwolde": "/monitor/GM1950",
    "rapporteur": "/monitor/NL",
    "auditor": "/audit/",
    "beheerder": "/delen/groepen",
    "coa.privacy": "/privacy/inzageverzoeken",
}

# Every table on the page fits its container, and the page fits the window.
OVERFLOW = """() => {
  const wide = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) wide.push(`page ${root.scrollWidth}>${root.clientWidth}`);
  for (const table of document.querySelectorAll('table')) {
    const box = table.parentElement;
    if (table.scrollWidth > table.clientWidth || box.scrollWidth > box.clientWidth)
      wide.push(`${table.caption ? table.caption.textContent : 'table'}: ${box.scrollWidth}>${box.clientWidth}`);
  }
  return wide;
}"""


def menu_links(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "nav.kz-nav a", "links => links.map(a => a.getAttribute('href'))"
    )


def logout(page: Page) -> None:
    page.locator(".kz-header__tools form[action='/uitloggen'] button").click()
    page.wait_for_url(lambda url: "/inloggen" in url)


def test_every_role_lands_on_its_work_and_every_menu_page_fits(page: Page) -> None:
    for username, landing in LANDING.items():
        login(page, username)
        assert page.url.endswith(landing), (username, page.url)
        expect(page.locator("h1")).not_to_contain_text("Nog geen toegang")
        for href in menu_links(page):
            response = page.goto(href)
            assert response is not None and response.status == 200, (username, href)
            assert page.evaluate(OVERFLOW) == [], (username, href)
        logout(page)
    # Nidos guardians have no reception location: no attention list in their menu.
    login(page, "nidos.voogd")
    assert "/aandacht" not in menu_links(page)


def test_detail_pages_with_tables_fit(page: Page) -> None:
    login(page, "coa.coordinator")
    page.goto("/treffers")
    expect(page.locator("thead")).to_contain_text("Overeenkomend op")
    button = page.locator("main button", has_text="Markeer als afgehandeld").first
    box = button.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280
    assert_accessible(page, "hits-1280")
    page.locator("tbody a").first.click()  # the person page
    assert page.evaluate(OVERFLOW) == []
    page.goto("/signalen/")
    page.locator("tbody a").first.click()
    assert page.evaluate(OVERFLOW) == []
    page.goto("/postvak")
    links = page.locator("main tbody a")
    if links.count():
        links.first.click()
        assert page.evaluate(OVERFLOW) == []
    page.goto("/delen/gezondheid")
    assert page.evaluate(OVERFLOW) == []
    assert_accessible(page, "sharing-health-1280")


def test_rapporteur_picks_a_police_unit_and_a_province(page: Page) -> None:
    login(page, "rapporteur")
    picker = page.locator("#gebied")
    for group in ("Landelijk", "Politie-eenheden", "Provincies", "Gemeenten"):
        expect(picker.locator(f"optgroup[label='{group}']")).to_have_count(1)
    page.select_option("#gebied", label="Noord-Nederland")
    page.click("main >> text=Tonen")
    expect(page.locator("h1")).to_contain_text("Noord-Nederland (politie-eenheid)")
    page.select_option("#gebied", label="Groningen")
    page.click("main >> text=Tonen")
    expect(page.locator("h1")).to_contain_text("Groningen")
    assert page.evaluate(OVERFLOW) == []
    assert_accessible(page, "monitor-picker")


def test_api_documentation_is_accessible(page: Page) -> None:
    login(page, "coa.coordinator")
    page.click("nav >> text=API")
    expect(page.locator("h1")).to_contain_text("Ketenzicht API")
    expect(page.locator("main")).to_contain_text("/signals/{signal_id}")
    assert page.evaluate(OVERFLOW) == []
    assert_accessible(page, "api-docs")


def test_header_holds_together_on_a_phone(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "coa.coordinator")
    for name in ("English", "Uitloggen"):
        control = page.locator(".kz-header__tools button", has_text=name)
        box = control.bounding_box()
        assert box is not None
        # One line of text: a word broken over two lines doubles the height.
        line = control.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
        assert box["height"] < 2 * line + 24, (name, box)
        assert box["x"] + box["width"] <= 390
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert_accessible(page, "header-390")


def test_auditor_finds_a_user_by_part_of_the_name(page: Page) -> None:
    login(page, "auditor")
    page.fill("#id_actor", "COA.TER")
    page.click("main >> text=Filteren")
    users = page.locator("tbody tr td:nth-child(2)")
    expect(users.first).to_have_text("coa.terapel")
    assert set(users.all_inner_texts()) == {"coa.terapel"}
    expect(page.locator("thead")).not_to_contain_text("UTC")
    assert_accessible(page, "audit-filter")
