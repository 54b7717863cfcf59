"""The second factor after the password (ASVS 6.3.3, 6.5, 6.6): setting it up, using it,
backup codes, throttling, and what a session that still owes it can reach."""

from __future__ import annotations

import re
import time
from typing import Any

from django.contrib.auth.hashers import identify_hasher
from django.core.management import call_command
from django.test import Client

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import BackupCode, BackupCodes, User
from ketenzicht.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"  # the factories' password


@pytest.fixture
def required(settings: Any) -> None:
    settings.MFA_REQUIRED = True


def _client() -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["django_language"] = "en"
    return client


def _login(client: Client, username: str) -> None:
    assert client.post("/inloggen", {"username": username, "password": PASSWORD}).status_code == 302


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, t0=device.t0, step=device.step, drift=offset):06d}"


def _enrol(client: Client, username: str) -> TOTPDevice:
    assert client.get("/account/beveiliging/authenticator").status_code == 200
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    response = client.post("/account/beveiliging/authenticator", {"token": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def _actions(username: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="user", actor=username)
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_without_a_second_factor_every_page_leads_to_setting_one_up(
    required: None, reporter: Actor
) -> None:
    client = _client()
    _login(client, "reporter")
    for path in ["/", "/signalen/", "/aandachtslijst", "/audit/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/account/beveiliging?next="), path
    assert client.get("/account/beveiliging").status_code == 200
    # The API does not take such a session as a log-in.
    assert client.get("/api/v1/signals").status_code in {401, 403}


def test_setting_up_an_authenticator_then_logging_in_with_it(
    required: None, reporter: Actor
) -> None:
    client = _client()
    _login(client, "reporter")
    page = client.get("/account/beveiliging/authenticator").content.decode()
    assert 'src="data:image/svg+xml' in page  # the QR code, within the CSP (img-src data:)
    device = TOTPDevice.objects.get(user__username="reporter", confirmed=False)
    wrong = client.post("/account/beveiliging/authenticator", {"token": "12345"})
    assert wrong.status_code == 400 and "A code is six digits." in wrong.content.decode()
    device = _enrol(client, "reporter")
    assert client.get("/signalen/").status_code == 200
    client.post("/uitloggen")

    _login(client, "reporter")
    response = client.get("/signalen/?status=open")
    assert response.status_code == 302
    assert response["Location"] == "/inloggen/tweede-stap?next=%2Fsignalen%2F%3Fstatus%3Dopen"
    refused = client.post("/inloggen/tweede-stap", {"token": "000000", "next": "/signalen/"})
    assert refused.status_code == 400
    assert "This code is not valid" in refused.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # the failure above made the device wait; not this test's point
    before = client.cookies["sessionid"].value
    response = client.post(
        "/inloggen/tweede-stap", {"token": _code(device, 1), "next": "/signalen/"}
    )
    assert response.status_code == 302 and response["Location"] == "/signalen/"
    assert client.cookies["sessionid"].value != before  # a new session id for the step up
    assert client.get("/signalen/").status_code == 200
    assert _actions("reporter") == [
        "login", "mfa_enrol", "logout", "login", "mfa_failed", "mfa_verify"
    ]  # fmt: skip


def test_a_code_works_once(required: None, reporter: Actor) -> None:
    client = _client()
    _login(client, "reporter")
    device = _enrol(client, "reporter")
    used = _code(device)  # the code that confirmed the app
    client.post("/uitloggen")
    _login(client, "reporter")
    assert client.post("/inloggen/tweede-stap", {"token": used}).status_code == 400


def test_wrong_codes_make_the_device_wait(required: None, reporter: Actor, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a wait longer than this test, however slow
    client = _client()
    _login(client, "reporter")
    device = _enrol(client, "reporter")
    client.post("/uitloggen")
    _login(client, "reporter")
    for _ in range(3):
        client.post("/inloggen/tweede-stap", {"token": "000000"})
    # Even the right code is refused until the back-off (factor x 1, 2, 4 ...) has passed;
    # tries while waiting do not count.
    assert client.post("/inloggen/tweede-stap", {"token": _code(device, 1)}).status_code == 400
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttle_reset()
    assert client.post("/inloggen/tweede-stap", {"token": _code(device, 1)}).status_code == 302


def test_backup_codes_are_hashed_and_each_works_once(required: None, reporter: Actor) -> None:
    client = _client()
    _login(client, "reporter")
    _enrol(client, "reporter")
    page = client.post("/account/beveiliging/back-upcodes").content.decode()
    codes = re.findall(r'<code class="utrecht-code">([a-z2-7]{5}-[a-z2-7]{5})</code>', page)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = list(BackupCode.objects.values_list("hash", flat=True))
    assert len(stored) == 10
    assert all(identify_hasher(h) for h in stored)  # salted password hashes, not the codes
    assert not any(c.replace("-", "") in h for c in codes for h in stored)
    client.post("/uitloggen")

    _login(client, "reporter")
    # Spaces, capitals and the dash are forgiven: people copy codes from paper.
    typed = codes[3].upper().replace("-", " ")
    assert client.post("/inloggen/tweede-stap", {"token": typed}).status_code == 302
    client.post("/uitloggen")
    _login(client, "reporter")
    assert client.post("/inloggen/tweede-stap", {"token": codes[3]}).status_code == 400
    BackupCodes.objects.get().throttle_reset()  # the refusal above made the codes wait
    page = _client()
    _login(page, "reporter")
    assert page.post("/inloggen/tweede-stap", {"token": codes[4]}).status_code == 302
    assert "8 unused backup codes left." in page.get("/account/beveiliging").content.decode()


def test_new_backup_codes_replace_the_old(required: None, reporter: Actor) -> None:
    client = _client()
    _login(client, "reporter")
    _enrol(client, "reporter")
    first = re.findall(
        r"([a-z2-7]{5}-[a-z2-7]{5})",
        client.post("/account/beveiliging/back-upcodes").content.decode(),
    )
    client.post("/account/beveiliging/back-upcodes")
    client.post("/uitloggen")
    _login(client, "reporter")
    assert client.post("/inloggen/tweede-stap", {"token": first[0]}).status_code == 400


def test_the_last_factor_cannot_be_removed_while_one_is_required(
    required: None, reporter: Actor, settings: Any
) -> None:
    client = _client()
    _login(client, "reporter")
    device = _enrol(client, "reporter")
    client.post(f"/account/beveiliging/verwijderen/authenticator/{device.pk}")
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    settings.MFA_REQUIRED = False
    client.post(f"/account/beveiliging/verwijderen/authenticator/{device.pk}")
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert _actions("reporter")[-1] == "mfa_remove"


def test_someone_elses_device_looks_like_none(
    required: None, reporter: Actor, colleague: Actor
) -> None:
    other = _client()
    _login(other, "colleague")
    theirs = _enrol(other, "colleague")
    client = _client()
    _login(client, "reporter")
    _enrol(client, "reporter")
    url = f"/account/beveiliging/verwijderen/authenticator/{theirs.pk}"
    assert client.post(url).status_code == 404
    assert client.post("/account/beveiliging/verwijderen/teapot/1").status_code == 404
    assert TOTPDevice.objects.filter(pk=theirs.pk, confirmed=True).exists()


def test_once_set_up_a_second_factor_is_asked_even_when_not_required(reporter: Actor) -> None:
    client = _client()
    _login(client, "reporter")
    assert client.get("/signalen/").status_code == 200  # not required, none set up
    _enrol(client, "reporter")
    client.post("/uitloggen")
    _login(client, "reporter")
    assert client.get("/signalen/")["Location"].startswith("/inloggen/tweede-stap")


def test_the_second_step_only_returns_to_this_site(required: None, reporter: Actor) -> None:
    client = _client()
    _login(client, "reporter")
    device = _enrol(client, "reporter")
    client.post("/uitloggen")
    _login(client, "reporter")
    response = client.post(
        "/inloggen/tweede-stap", {"token": _code(device, 1), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_an_administrator_resets_lost_factors_with_a_reason(
    required: None, reporter: Actor
) -> None:
    client = _client()
    _login(client, "reporter")
    _enrol(client, "reporter")
    client.post("/account/beveiliging/back-upcodes")
    call_command("mfa_reset", "reporter", reason="lost phone, identity checked by team lead")
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None and event.action == "mfa_remove"
    assert event.explanation == "lost phone, identity checked by team lead"
    assert event.detail == {"factor": "all", "removed": 2}
    user = User.objects.get(username="reporter")
    fresh = _client()
    _login(fresh, "reporter")
    assert fresh.get("/")["Location"].startswith("/account/beveiliging")
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_changing_the_password_ends_other_sessions(reporter: Actor) -> None:
    elsewhere = _client()
    _login(elsewhere, "reporter")
    client = _client()
    _login(client, "reporter")
    short = client.post(
        "/account/wachtwoord",
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert short.status_code == 400
    new = "a-longer-passphrase-" + str(int(time.time()))
    response = client.post(
        "/account/wachtwoord",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert client.get("/signalen/").status_code == 200
    assert elsewhere.get("/signalen/").status_code == 302  # logged out
    assert "password_change" in _actions("reporter")


def test_a_password_reset_by_an_administrator_keeps_the_second_factor(
    required: None, reporter: Actor
) -> None:
    """Forgotten passwords are reset by an administrator (`ketenzicht changepassword`, which
    sets the password as below); the second factor stays and is still asked."""
    client = _client()
    _login(client, "reporter")
    _enrol(client, "reporter")
    user = User.objects.get(username="reporter")
    user.set_password("a-new-passphrase-from-the-administrator")
    user.save()
    fresh = _client()
    response = fresh.post(
        "/inloggen",
        {"username": "reporter", "password": "a-new-passphrase-from-the-administrator"},
    )
    assert response.status_code == 302
    assert fresh.get("/signalen/")["Location"].startswith("/inloggen/tweede-stap")
    assert client.get("/signalen/").status_code == 302  # the old session ended


def test_changing_the_second_factor_after_a_while_needs_the_password_again(
    reporter: Actor,
) -> None:
    """ASVS 7.5.1: a desk left logged in cannot be used to add someone else's factor."""
    from ketenzicht.accounts.reauth import REAUTH_SECONDS
    from ketenzicht.accounts.sessions import STARTED

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["django_language"] = "nl"
    assert (
        client.post(
            "/inloggen", {"username": "reporter", "password": "correct-horse-battery"}
        ).status_code
        == 302
    )
    assert client.get("/account/beveiliging/authenticator").status_code == 200  # just logged in
    session = client.session
    session[STARTED] -= REAUTH_SECONDS + 60
    session.save()

    page = client.get("/account/beveiliging").content.decode()
    assert "Bevestig dat u het bent" in page
    away = client.get("/account/beveiliging/authenticator")
    assert away.status_code == 302
    assert away["Location"] == "/account/bevestigen?next=%2Faccount%2Fbeveiliging%2Fauthenticator"
    assert client.post("/account/beveiliging/back-upcodes").status_code == 302
    wrong = client.post(away["Location"], {"password": "niet-mijn-wachtwoord"})
    assert wrong.status_code == 400 and "Dit is niet uw wachtwoord." in wrong.content.decode()
    right = client.post(away["Location"], {"password": "correct-horse-battery"})
    assert right.status_code == 302 and right["Location"] == "/account/beveiliging/authenticator"
    assert client.get("/account/beveiliging/authenticator").status_code == 200
    assert AuditEvent.objects.filter(action="login", explanation="password confirmed").exists()
    assert AuditEvent.objects.filter(action="login_failed").count() == 1  # the wrong one
