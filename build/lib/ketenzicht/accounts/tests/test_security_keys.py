"""Security keys and passkeys as second factor (WebAuthn, ASVS 6.5.x, 6.6): a software key
goes through the real ceremony endpoints and py_webauthn's checks."""

from __future__ import annotations

from typing import Any

from django.test import Client

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from ketenzicht.accounts.actor import Actor
from ketenzicht.audit.models import AuditEvent

from .soft_authenticator import SoftAuthenticator

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
ORIGIN = "http://localhost:8000"


@pytest.fixture
def required(settings: Any) -> None:
    settings.MFA_REQUIRED = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [ORIGIN]


def _logged_in(username: str) -> Client:
    client = Client(HTTP_HOST="localhost:8000")
    response = client.post("/inloggen", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


def _register(client: Client, key: SoftAuthenticator) -> Any:
    options = _post(client, "/webauthn/registration/begin/").json()
    return _post(client, "/webauthn/registration/complete/", key.create(options))


def _authenticate(client: Client, key: SoftAuthenticator, *, count: bool = True) -> Any:
    options = _post(client, "/webauthn/authentication/begin/").json()
    return _post(
        client, "/webauthn/authentication/complete/?next=/signalen/", key.get(options, count=count)
    )


def _actions() -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="user")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_security_key_as_first_second_factor_then_at_log_in(
    required: None, reporter: Actor
) -> None:
    key = SoftAuthenticator("localhost", ORIGIN)
    client = _logged_in("reporter")
    assert client.get("/signalen/").status_code == 302  # nothing before a second factor
    assert _register(client, key).status_code == 200
    assert WebAuthnCredential.objects.filter(user__username="reporter").count() == 1
    assert client.get("/signalen/").status_code == 200
    client.post("/uitloggen")

    client = _logged_in("reporter")
    page = client.get("/inloggen/tweede-stap").content.decode()
    assert 'id="passkey-verification-button"' in page and "otp_webauthn_config" in page
    response = _authenticate(client, key)
    assert response.status_code == 200
    assert response.json()["redirect_url"] == "/signalen/"
    assert client.get("/signalen/").status_code == 200
    assert _actions() == ["login", "mfa_enrol", "logout", "login", "mfa_verify"]


def test_a_cloned_key_replaying_its_counter_is_refused(required: None, reporter: Actor) -> None:
    key = SoftAuthenticator("localhost", ORIGIN)
    client = _logged_in("reporter")
    _register(client, key)
    client.post("/uitloggen")
    first = _logged_in("reporter")
    assert _authenticate(first, key).status_code == 200
    second = _logged_in("reporter")
    refused = _authenticate(second, key, count=False)
    assert refused.status_code == 422
    assert second.get("/signalen/").status_code == 302
    assert _actions()[-1] == "mfa_failed"


def test_a_key_for_another_site_is_refused(required: None, reporter: Actor) -> None:
    client = _logged_in("reporter")
    _register(client, SoftAuthenticator("localhost", ORIGIN))
    client.post("/uitloggen")
    client = _logged_in("reporter")
    phishing = SoftAuthenticator("localhost", "http://localhost:9999")
    phishing.credential_id = WebAuthnCredential.objects.get().credential_id
    options = _post(client, "/webauthn/authentication/begin/").json()
    response = _post(client, "/webauthn/authentication/complete/", phishing.get(options))
    assert response.status_code == 422
    assert client.get("/signalen/").status_code == 302


def test_no_key_can_be_added_by_a_session_that_owes_its_second_factor(
    required: None, reporter: Actor
) -> None:
    client = _logged_in("reporter")
    assert _register(client, SoftAuthenticator("localhost", ORIGIN)).status_code == 200
    client.post("/uitloggen")
    # Password only: a thief with the password must not add a key of their own.
    client = _logged_in("reporter")
    response = _post(client, "/webauthn/registration/begin/")
    assert response.status_code == 403
    assert WebAuthnCredential.objects.count() == 1
