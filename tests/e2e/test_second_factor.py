"""The second factor in the browser: a frontline worker must set one up before anything
else, adds an authenticator app and a security key (Chromium's virtual authenticator over
the DevTools protocol), keeps backup codes, and logs in again with the key; axe-core on
every page of the way, under the pages' own CSP."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from .conftest import PASSWORD, assert_accessible, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _code(page: Page) -> str:
    key = page.locator("#authenticator-key").inner_text().replace(" ", "")
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    return f"{totp(secret):06d}"


def test_setting_up_and_using_a_second_factor(page: Page, settings: Any, live_server: Any) -> None:
    settings.MFA_REQUIRED = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]

    login(page, "coa.terapel")
    expect(page.locator("h1")).to_have_text("Beveiliging van uw account")
    expect(page.locator(".utrecht-alert")).to_contain_text("Stel eerst een tweede factor in")
    expect(page.locator("nav.kz-nav")).to_have_count(0)  # no menu before the second factor
    assert_accessible(page, "mfa-setup-required")
    page.goto("/signalen/")
    expect(page.locator("h1")).to_have_text("Beveiliging van uw account")

    page.click("text=Authenticator-app instellen")
    expect(page.locator("img.kz-qr")).to_be_visible()
    page.fill("#id_token", "12345")
    page.click("main button[type=submit]")
    expect(page.locator("#id_token_error")).to_have_text("Een code bestaat uit zes cijfers.")
    assert_accessible(page, "mfa-authenticator-errors")
    page.fill("#id_token", _code(page))
    page.click("main button[type=submit]")
    expect(page.locator(".utrecht-alert, [role=status]").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("De authenticator-app is ingesteld.")
    expect(page.locator("nav.kz-nav")).to_be_visible()

    page.click("#passkey-register-button")
    expect(page.locator("main")).to_contain_text("toegevoegd")
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(credentials["credentials"]) == 1
    assert_accessible(page, "mfa-security-page")

    page.click("text=Back-upcodes maken")
    expect(page.locator("#backup-codes li")).to_have_count(10)
    assert_accessible(page, "mfa-backup-codes")
    page.click("text=Ik heb ze bewaard")

    page.click("text=Uitloggen")
    page.wait_for_url(lambda url: "/inloggen" in url)
    page.fill("#id_username", "coa.terapel")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Tweede stap van inloggen")
    assert_accessible(page, "mfa-verify")
    page.click("#passkey-verification-button")
    page.wait_for_url(lambda url: "/signalen/" in url)
    expect(page.locator("nav.kz-nav")).to_be_visible()
