"""Browser journeys in Debian's Chromium through Playwright, with axe-core on every page."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from ketenzicht.audit.guards import install_guards, remove_guards

# Playwright's sync API runs an event loop in this thread; the ORM calls in fixtures are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
# Served from our own static files: the pages' CSP forbids inline scripts.
AXE_URL = "/static/vendor/axe/axe.min.js"
CHROMIUM = os.environ.get("KETENZICHT_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "e2e-password-not-secret"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Generous waits: the journeys must hold on a 2-core machine that is doing other work too.
# Playwright's own defaults (5 s for expect) were made for an idle laptop.
ACTION_TIMEOUT_MS = 30_000
NAVIGATION_TIMEOUT_MS = 60_000
expect.set_options(timeout=20_000)
# The page is ready for axe once it has loaded and htmx has nothing in flight.
SETTLED = """() => document.readyState === "complete" && document.body !== null
    && !document.querySelector(".htmx-request, .htmx-settling, .htmx-swapping")"""
SHOTS = (
    Path(os.environ.get("KETENZICHT_SCREENSHOTS", ""))
    if os.environ.get("KETENZICHT_SCREENSHOTS")
    else None
)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo_world(transactional_db: None, settings: Any) -> Iterator[None]:
    settings.DEMO_PASSWORD = PASSWORD
    cache.clear()  # rate-limit windows and cached fragments of the previous test's world
    install_guards(connection)
    call_command("demo", signals=40, quiet=True)
    yield
    # The database is emptied after each browser test; the append-only guards would refuse.
    remove_guards(connection)


@pytest.fixture
def page(browser: Browser, live_server: Any, demo_world: None) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def login(page: Page, username: str) -> None:
    page.goto("/inloggen")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/inloggen" not in url)
    settle(page)


def settle(page: Page) -> None:
    """Wait until the current document has loaded and htmx has settled. A click that
    navigates returns before the next document exists; on a busy machine that gap is long
    enough to inject a script into nothing."""
    page.wait_for_load_state("load")
    page.wait_for_function(SETTLED)


# Messages of a check that raced a navigation: the document it ran in went away.
NAVIGATED = ("Execution context was destroyed", "appendChild", "navigat", "Target closed")


def assert_accessible(page: Page, name: str) -> None:
    """axe-core with the WCAG 2.2 A/AA rules must report no violations."""
    result = None
    for attempt in range(3):
        settle(page)
        try:
            if not page.evaluate("() => typeof window.axe !== 'undefined'"):
                page.add_script_tag(url=AXE_URL)
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
            )
            break
        except PlaywrightError as error:
            # A navigation still under way replaced the document: check the new one.
            if attempt == 2 or not any(m in str(error) for m in NAVIGATED):
                raise
    assert result is not None
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    violations = [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    assert violations == [], f"{name}: " + json.dumps(violations, indent=1)


@pytest.fixture(autouse=True)
def no_csp_violations(page: Page) -> Iterator[None]:
    """The pages must run under their own CSP: no console report of a blocked resource."""
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(msg.text) if msg.type == "error" else None)
    yield
    blocked = [m for m in messages if "Content Security Policy" in m]
    assert blocked == []
