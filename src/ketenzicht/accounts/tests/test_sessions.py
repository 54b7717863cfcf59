"""Log-in, lockout and sessions (ASVS 6.3.1, 7.2.4, 7.3.1, 7.3.2, 7.4.1, 7.4.2): a new
session id at log-in, lockout after failed log-ins, idle and absolute timeouts, and a
session that ends for good at log-out or when the account is deactivated."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time

from django.conf import settings
from django.test import Client
from django.utils import timezone

import pytest
from axes.models import AccessAttempt
from qsessions.backends.db import SessionStore
from qsessions.models import Session

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import User
from ketenzicht.accounts.sessions import SEEN, SEEN_RESOLUTION, STARTED
from ketenzicht.api.authentication import token_create
from ketenzicht.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"  # the factories' password


def _client() -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["django_language"] = "nl"
    return client


def _login(client: Client, username: str, password: str = PASSWORD) -> int:
    return client.post("/inloggen", {"username": username, "password": password}).status_code


def _session(client: Client) -> SessionStore:
    return SessionStore(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_logging_in_gives_a_new_session_id(reporter: Actor) -> None:
    client = _client()
    client.get("/inloggen")
    client.session.save()  # an anonymous session, as a visitor might have
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert _login(client, "reporter") == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not SessionStore(session_key=before).exists(before)


def test_five_failed_logins_lock_the_username_not_others(reporter: Actor, auditor: Actor) -> None:
    client = _client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "reporter", "wrong") == 200
    assert _login(client, "reporter", "wrong") == 429
    # Locked: even the right password is refused, in Dutch, without saying whether it was.
    response = client.post("/inloggen", {"username": "reporter", "password": PASSWORD})
    assert response.status_code == 429
    assert "Te veel mislukte inlogpogingen" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="lockout", actor="reporter").count() >= 1
    assert AuditEvent.objects.filter(action="login_failed", actor="reporter").count() >= 5
    # Another user from the same address is not locked out.
    assert _login(_client(), "audit1") == 302
    # After the cool-off period the right password works again.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    )
    assert _login(client, "reporter") == 302


def test_a_successful_login_resets_the_count(reporter: Actor) -> None:
    client = _client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "reporter", "wrong")
    assert _login(client, "reporter") == 302
    client.post("/uitloggen")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "reporter", "wrong") == 200
    assert _login(client, "reporter") == 302


def _age(client: Client, *, started: int = 0, seen: int = 0) -> None:
    session = _session(client)
    now = int(time.time())
    session[STARTED] = now - started
    session[SEEN] = now - seen
    session.save()


def test_an_idle_session_ends(reporter: Actor) -> None:
    client = _client()
    _login(client, "reporter")
    _age(client, seen=settings.SESSION_IDLE_SECONDS - 120)
    assert client.get("/signalen/").status_code == 200  # still within the idle limit
    _age(client, seen=settings.SESSION_IDLE_SECONDS + 1)
    response = client.get("/signalen/?pagina=2")
    assert response.status_code == 302
    assert response["Location"].startswith("/inloggen?next=/signalen/%3Fpagina%3D2")
    page = client.get(response["Location"]).content.decode()
    assert "na een periode zonder activiteit uitgelogd" in page
    assert client.get("/signalen/").status_code == 302  # the session is gone, not paused
    assert AuditEvent.objects.filter(action="logout", actor="reporter").count() == 1


def test_an_active_session_still_ends_after_a_working_day(reporter: Actor) -> None:
    client = _client()
    _login(client, "reporter")
    _age(client, started=settings.SESSION_ABSOLUTE_SECONDS + 1, seen=5)
    response = client.get("/signalen/")
    assert response.status_code == 302
    assert "werkdag" in client.get(response["Location"]).content.decode()


def test_activity_keeps_a_session_alive(reporter: Actor) -> None:
    client = _client()
    _login(client, "reporter")
    _age(client, seen=SEEN_RESOLUTION + 1)
    client.get("/signalen/")
    assert int(time.time()) - _session(client)[SEEN] < 5  # the request counted as activity


def test_logging_out_ends_the_session_for_good(reporter: Actor) -> None:
    client = _client()
    _login(client, "reporter")
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post("/uitloggen")
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    thief = _client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = stolen
    assert thief.get("/signalen/").status_code == 302
    assert thief.get("/api/v1/signals").status_code in (401, 403)


def test_deactivating_an_account_ends_its_sessions_and_tokens(reporter: Actor) -> None:
    client = _client()
    _login(client, "reporter")
    token = token_create(user=User.objects.get(username="reporter"))
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/signalen/").status_code == 200
    assert api.get("/api/v1/signals").status_code == 200
    User.objects.filter(username="reporter").update(is_active=False)
    assert client.get("/signalen/").status_code == 302
    assert api.get("/api/v1/signals").status_code == 401


def _deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ketenzicht.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_check(tmp_path: object) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        # A production environment: none of the test run's settings (scripts/test allows
        # async-unsafe calls for the browser tests, which the check rightly refuses).
        if not key.startswith(("KETENZICHT_", "DJANGO_"))
    }
    env |= {
        "KETENZICHT_VAR_DIR": str(tmp_path),
        "KETENZICHT_HTTPS": "1",
        "KETENZICHT_SECRET_KEY": "x" * 20 + os.urandom(24).hex(),
        "KETENZICHT_WEBAUTHN_ORIGINS": "https://ketenzicht.example.nl",
        "KETENZICHT_WEBAUTHN_RP_ID": "ketenzicht.example.nl",
        "DJANGO_SETTINGS_MODULE": "ketenzicht.conf.settings",
    }
    result = _deploy_check(env)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    # The demo's settings are what the check is for: no second factor, keys over http.
    demo = env | {
        "KETENZICHT_MFA_REQUIRED": "0",
        "KETENZICHT_WEBAUTHN_ORIGINS": "http://localhost:8000",
        "KETENZICHT_DEMO": "1",
    }
    result = _deploy_check(demo)
    assert result.returncode != 0
    for check in ("W001", "W002", "W003"):
        assert f"ketenzicht.{check}" in result.stderr
    # Without TLS the check fails too: no redirect, no HSTS, no secure cookies (ASVS 12.2.1).
    plain = {k: v for k, v in env.items() if k != "KETENZICHT_HTTPS"}
    result = _deploy_check(plain)
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "ketenzicht.W004", "security.W016"):
        assert check in result.stderr
    # Backends reached without verified TLS (ASVS 12.3.1, 12.3.2).
    remote = env | {
        "KETENZICHT_DATABASE_URL": "postgres://kz@db.internal:5432/kz?sslmode=require",
        "KETENZICHT_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    }
    result = _deploy_check(remote)
    assert "ketenzicht.W006" in result.stderr and "ketenzicht.W007" in result.stderr
    verified = remote | {
        "KETENZICHT_DATABASE_URL": "postgres://kz@db.internal/kz?sslmode=verify-full",
        "KETENZICHT_EMAIL_USE_TLS": "1",
    }
    result = _deploy_check(verified)
    assert "ketenzicht.W006" not in result.stderr and "ketenzicht.W007" not in result.stderr


# -- the account's own sessions (ASVS 7.1.2, 7.5.2) ---------------------------------------


def _desk(user_agent: str) -> Client:
    client = Client(HTTP_HOST="127.0.0.1", HTTP_USER_AGENT=user_agent)
    client.cookies["django_language"] = "nl"
    assert _login(client, "reporter") == 302
    return client


FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0"
)


def test_the_security_page_lists_the_sessions_and_ends_another(reporter: Actor) -> None:
    reception, office = _desk(FIREFOX), _desk(EDGE)
    page = office.get("/account/beveiliging").content.decode()
    assert "Waar u bent ingelogd" in page
    assert "Firefox 128 op Linux" in page and "Edge 130 op Windows" in page
    assert "deze sessie" in page
    # The other session is named by a handle, never by its key (a credential).
    reception_key = reception.cookies[settings.SESSION_COOKIE_NAME].value
    assert reception_key not in page
    handle = page.split('name="session" value="')[1].split('"')[0]

    ended = office.post("/account/sessies/beeindigen", {"session": handle})

    assert ended.status_code == 302
    assert reception.get("/signalen/").status_code == 302  # back to the log-in page
    assert office.get("/signalen/").status_code == 200
    event = AuditEvent.objects.filter(action="logout", explanation="ended by the user").get()
    assert event.detail == {"sessions_ended": 1}
    # Unknown or already ended: nothing to end, and it says so the same way.
    assert office.post("/account/sessies/beeindigen", {"session": handle}).status_code == 404


def test_all_other_sessions_end_at_once(reporter: Actor) -> None:
    first, second, mine = _desk(FIREFOX), _desk(EDGE), _desk(FIREFOX)
    assert mine.post("/account/sessies/beeindigen", {"session": "all"}).status_code == 302
    assert first.get("/signalen/").status_code == 302
    assert second.get("/signalen/").status_code == 302
    assert mine.get("/signalen/").status_code == 200


def test_a_new_login_beyond_the_limit_ends_the_oldest_session(
    reporter: Actor, settings: object
) -> None:
    settings.SESSION_MAX_CONCURRENT = 2  # type: ignore[attr-defined]
    oldest = _desk(FIREFOX)
    middle = _desk(EDGE)
    # Explicit last-seen times, not a sleep: two log-ins in the same clock tick would tie.
    now = timezone.now()
    for client, ago in ((oldest, 20), (middle, 10)):
        Session.objects.filter(session_key=client.session.session_key).update(
            updated_at=now - dt.timedelta(seconds=ago)
        )
    newest = _desk(FIREFOX)
    assert oldest.get("/signalen/").status_code == 302
    assert middle.get("/signalen/").status_code == 200
    assert newest.get("/signalen/").status_code == 200
    assert AuditEvent.objects.filter(explanation="concurrent session limit").count() == 1


def test_another_users_session_cannot_be_ended(reporter: Actor, colleague: Actor) -> None:
    theirs = Client(HTTP_HOST="127.0.0.1")
    assert _login(theirs, "colleague") == 302
    mine = _desk(FIREFOX)
    assert mine.post("/account/sessies/beeindigen", {"session": "all"}).status_code == 404
    assert theirs.get("/signalen/").status_code == 200


def test_an_administrator_can_log_one_account_or_everyone_out(
    reporter: Actor, colleague: Actor, capsys: object
) -> None:
    from django.core.management import call_command

    mine, theirs = _desk(FIREFOX), Client(HTTP_HOST="127.0.0.1")
    assert _login(theirs, "colleague") == 302
    token = token_create(user=User.objects.get(username="reporter"))

    call_command("end_sessions", "--user", "reporter", "--tokens", "--reason", "laptop kwijt")

    assert mine.get("/signalen/").status_code == 302
    assert theirs.get("/signalen/").status_code == 200
    api = Client(HTTP_HOST="127.0.0.1")
    assert api.get("/api/v1/signals", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    event = AuditEvent.objects.filter(explanation="laptop kwijt").get()
    assert event.detail == {"sessions_ended": 1, "tokens_revoked": 1}

    call_command("end_sessions", "--all", "--reason", "vermoedelijk lek")
    assert theirs.get("/signalen/").status_code == 302
