"""Single sign-on with an organisation's identity provider (OIDC, ASVS 6.8, 10.x): a real
provider on loopback signs the tokens; nothing in the flow is mocked."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.test import Client

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from ketenzicht.accounts.factories import OrganisationFactory
from ketenzicht.accounts.mfa import IDP_MFA
from ketenzicht.accounts.models import Membership, OidcIdentity, User
from ketenzicht.audit.models import AuditEvent

from .oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider

pytestmark = pytest.mark.django_db
BACKEND = "ketenzicht.accounts.oidc.OrganisationIdentityBackend"


@pytest.fixture
def provider(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Provider]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    for var in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    server = Provider().start()
    base = server.issuer
    settings.MFA_REQUIRED = True
    settings.OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
    settings.OIDC_OP_ISSUER = base
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = base + "/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = base + "/token"
    settings.OIDC_OP_USER_ENDPOINT = base + "/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = base + "/jwks"
    settings.OIDC_OP_LOGOUT_ENDPOINT = base + "/logout"
    settings.OIDC_TIMEOUT = 5
    settings.OIDC_ROLE_MAP = {"ketenzicht-opvang": "frontline", "ketenzicht-regie": "coordinator"}
    yield server
    server.stop()


@pytest.fixture
def coa_ter_apel(db: None) -> Any:
    return OrganisationFactory(code="coa")


def _claims(**extra: Any) -> dict[str, Any]:
    return {
        "sub": "7c1e-4a2b",
        "preferred_username": "j.devries",
        "email": "j.devries@coa.example",
        "organisation": "coa",
        "roles": ["ketenzicht-opvang", "mail-users"],
        "amr": ["pwd", "otp"],
    } | extra


def _sso(client: Client, provider: Provider, next_url: str = "") -> Any:
    start = client.get("/sso/aanmelden" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    assert start["Location"].startswith(provider.issuer + "/authorize?")
    authorize = parse_qs(urlsplit(start["Location"]).query)
    assert authorize["code_challenge_method"] == ["S256"] and authorize["nonce"]
    # The browser at the provider: it logs the person in and sends them back.
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == "/sso/terugkeer"
    return client.get(back.path, {k: v[0] for k, v in parse_qs(back.query).items()})


def test_first_log_in_creates_the_user_with_mapped_roles(
    provider: Provider, coa_ter_apel: Any
) -> None:
    provider.claims = _claims()
    client = Client()
    response = _sso(client, provider, next_url="/signalen/")
    assert response.status_code == 302 and response["Location"] == "/signalen/"
    user = User.objects.get(username="j.devries")
    assert not user.has_usable_password()  # no password to guess or to leak
    assert OidcIdentity.objects.get(user=user).subject == "7c1e-4a2b"
    roles = set(Membership.objects.filter(user=user).values_list("organisation__code", "role"))
    assert roles == {("coa", "frontline")}  # "mail-users" means nothing here
    # The provider asked the second factor: no second step here.
    assert client.session[IDP_MFA] is True
    assert client.get("/signalen/").status_code == 200
    login = AuditEvent.objects.filter(action="login").get()
    assert login.actor == "j.devries" and login.organisation == "coa"


def test_roles_follow_the_provider_at_every_log_in(provider: Provider, coa_ter_apel: Any) -> None:
    provider.claims = _claims()
    _sso(Client(), provider)
    provider.claims = _claims(roles=["ketenzicht-regie"], preferred_username="renamed")
    _sso(Client(), provider)
    user = User.objects.get(oidc_identity__subject="7c1e-4a2b")
    assert user.username == "j.devries"  # matched on issuer and subject, not the name
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    assert roles == {"coordinator"}
    changes = [
        (e.action, e.detail["memberships"])
        for e in AuditEvent.objects.filter(action__in=["grant", "revoke"]).order_by("id")
    ]
    assert changes == [
        ("grant", ["coa:frontline"]),
        ("revoke", ["coa:frontline"]),
        ("grant", ["coa:coordinator"]),
    ]


@pytest.mark.parametrize(
    "claims",
    [
        _claims(amr=["pwd"]),  # no second factor at the provider
        _claims(roles=["mail-users"]),  # no role in Ketenzicht
        _claims(organisation="unknown-org"),
        _claims(organisation=""),
    ],
    ids=["no-second-factor", "no-role", "unknown-organisation", "no-organisation"],
)
def test_refused_log_ins_leave_no_session_and_no_user(
    provider: Provider, coa_ter_apel: Any, claims: dict[str, Any]
) -> None:
    provider.claims = claims
    client = Client()
    client.cookies["django_language"] = "en"
    response = _sso(client, provider)
    assert response.status_code == 302 and response["Location"] == "/inloggen?sso=mislukt"
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "did not succeed" in page
    assert AuditEvent.objects.filter(action="login_failed").count() == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"aud": "other-client"},
        {"aud": ["other-client", "another"]},
        {"iss": "https://evil.example"},
        {"exp": int(time.time()) - 60},  # expired
        {"nonce": "from-another-log-in"},  # a replayed token
    ],
    ids=["audience", "audiences", "issuer", "expired", "nonce"],
)
def test_an_id_token_that_is_not_for_this_log_in_is_refused(
    provider: Provider, coa_ter_apel: Any, overrides: dict[str, Any]
) -> None:
    provider.claims = _claims()
    provider.id_token_overrides = overrides
    response = _sso(Client(), provider)
    assert response.status_code in {302, 400}
    if response.status_code == 302:
        assert response["Location"] == "/inloggen?sso=mislukt"
    assert not User.objects.exists()


def test_an_unsigned_token_or_one_signed_by_another_key_is_refused(
    provider: Provider, coa_ter_apel: Any
) -> None:
    provider.claims = _claims()
    provider.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert _sso(Client(), provider)["Location"] == "/inloggen?sso=mislukt"
    provider.signing_key = None
    provider.algorithm = "none"
    response = _sso(Client(), provider)
    assert response.status_code in {302, 400}
    assert not User.objects.exists()


def test_a_callback_with_another_sessions_state_is_refused(
    provider: Provider, coa_ter_apel: Any
) -> None:
    provider.claims = _claims()
    victim = Client()
    start = victim.get("/sso/aanmelden")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    back = urlsplit(at_provider.headers["Location"])
    attacker = Client()  # login CSRF: the victim's code and state in another browser
    attacker.get("/sso/aanmelden")
    response = attacker.get(back.path, {k: v[0] for k, v in parse_qs(back.query).items()})
    assert response.status_code in {302, 400}
    assert "_auth_user_id" not in attacker.session
    assert not User.objects.exists()


def test_a_deactivated_user_cannot_come_back_through_the_provider(
    provider: Provider, coa_ter_apel: Any
) -> None:
    provider.claims = _claims()
    _sso(Client(), provider)
    User.objects.filter(username="j.devries").update(is_active=False)
    client = Client()
    assert _sso(client, provider)["Location"] == "/inloggen?sso=mislukt"
    assert "_auth_user_id" not in client.session


def test_log_out_ends_the_session_at_the_provider_too(
    provider: Provider, coa_ter_apel: Any
) -> None:
    provider.claims = _claims()
    client = Client()
    _sso(client, provider)
    id_token = client.session["oidc_id_token"]
    response = client.post("/uitloggen")
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == provider.issuer + "/logout"
    query = parse_qs(location.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver/inloggen"]
    assert client.get("/signalen/").status_code == 302


def test_without_a_provider_the_sso_addresses_do_not_exist(db: None) -> None:
    client = Client()
    assert client.get("/sso/aanmelden").status_code == 404
    assert client.get("/sso/terugkeer?code=x&state=y").status_code == 404
    assert "organisation's account" not in client.get("/inloggen").content.decode()
