"""Webhook host names are resolved and every address checked, on subscribing and at each
delivery, and the delivery connects to the address it checked (issue 19, item 9).

DNS is replaced by a fake resolver at the boundary (``settings.WEBHOOK_RESOLVER``); the
checks, the delivery and the HTTP connection are the real ones."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from django.test import Client

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import User
from ketenzicht.api.authentication import token_create
from ketenzicht.notifications.delivery import attempt
from ketenzicht.notifications.destinations import Destination, destination_error
from ketenzicht.notifications.models import Delivery, DeliveryStatus, Subscription
from ketenzicht.notifications.pinning import pinned_post
from ketenzicht.notifications.services import Event, emit

pytestmark = pytest.mark.django_db

PUBLIC = "93.184.215.14"
HOST = "hooks.partner.example"


class FakeDns:
    """Answers from a table that a test changes as it goes; counts the questions."""

    def __init__(self) -> None:
        self.records: dict[str, list[str]] = {}
        self.questions: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.questions.append(host)
        if host not in self.records:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(self.records[host])


FAKE_DNS = FakeDns()


@pytest.fixture(autouse=True)
def fake_dns(settings: Any) -> Iterator[FakeDns]:
    settings.WEBHOOK_RESOLVER = f"{__name__}.FAKE_DNS"
    FAKE_DNS.records.clear()
    FAKE_DNS.questions.clear()
    yield FAKE_DNS
    FAKE_DNS.records.clear()


class Listener:
    """A TCP port on loopback that only counts whether anyone connected to it."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.setblocking(False)
        self.port = self.socket.getsockname()[1]

    def was_reached(self) -> bool:
        try:
            connection, _address = self.socket.accept()
        except BlockingIOError:
            return False
        connection.close()
        return True


@pytest.fixture
def listener() -> Iterator[Listener]:
    listening = Listener()
    yield listening
    listening.socket.close()


def _api(actor: Actor) -> Client:
    token = token_create(user=User.objects.get(pk=actor.user_id))
    return Client(
        HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="en"
    )


def _subscribe(actor: Actor, url: str) -> Any:
    return _api(actor).post(
        "/api/v1/subscriptions",
        {"callbackUrl": url, "channels": ["referrals"]},
        content_type="application/json",
    )


def _emit(actor: Actor, capture: Any) -> Delivery:
    with capture(execute=False):
        emit(
            Event(
                type="referral.sent",
                channel="referrals",
                organisations=(actor.organisation_id,),  # type: ignore[arg-type]
                title="Event",
                subject="ref-1",
            )
        )
    return Delivery.objects.get()


INTERNAL = ["127.0.0.1", "10.20.30.40", "169.254.169.254", "::1", "::ffff:127.0.0.1"]


@pytest.mark.parametrize("address", INTERNAL)
def test_a_name_for_an_internal_address_is_refused_on_the_field(
    colleague: Actor, address: str
) -> None:
    FAKE_DNS.records[HOST] = [address]
    response = _subscribe(colleague, f"https://{HOST}/hook")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    [param] = response.json()["invalidParams"]
    assert param["name"] == "callbackUrl"
    assert "internal network" in param["reason"] and address in param["reason"]
    assert not Subscription.objects.exists()


def test_one_internal_address_among_public_ones_is_enough_to_refuse(colleague: Actor) -> None:
    FAKE_DNS.records[HOST] = [PUBLIC, "10.0.0.1"]
    assert _subscribe(colleague, f"https://{HOST}/hook").status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "https://localtest.me/hook",
        "https://127.0.0.1.nip.io/hook",
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://metadata/computeMetadata/v1/",
    ],
)
def test_the_names_from_the_report_are_refused(url: str) -> None:
    FAKE_DNS.records.update(
        {"localtest.me": ["127.0.0.1"], "127.0.0.1.nip.io": ["127.0.0.1"]}
    )  # what public DNS answers; the internal names are refused by name
    assert destination_error(url)


def test_a_public_name_is_accepted(colleague: Actor) -> None:
    FAKE_DNS.records[HOST] = [PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]
    assert _subscribe(colleague, f"https://{HOST}/hook").status_code == 201


@pytest.mark.parametrize("address", INTERNAL)
def test_delivery_refuses_a_name_that_now_resolves_inward(
    colleague: Actor,
    listener: Listener,
    django_capture_on_commit_callbacks: Any,
    address: str,
) -> None:
    """Public when subscribed, internal at delivery (the DNS changed in between)."""
    FAKE_DNS.records[HOST] = [PUBLIC]
    url = f"https://{HOST}:{listener.port}/hook"
    assert _subscribe(colleague, url).status_code == 201
    FAKE_DNS.records[HOST] = [address]
    FAKE_DNS.questions.clear()
    delivery = _emit(colleague, django_capture_on_commit_callbacks)
    assert attempt(str(delivery.pk)) == DeliveryStatus.PENDING
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("Refused:") and address in delivery.last_error
    assert delivery.last_status_code is None
    assert FAKE_DNS.questions == [HOST]  # asked at delivery, not trusted from subscribing
    assert not listener.was_reached()


def test_a_name_that_no_longer_resolves_is_not_sent_to(
    colleague: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    FAKE_DNS.records[HOST] = [PUBLIC]
    assert _subscribe(colleague, f"https://{HOST}/hook").status_code == 201
    FAKE_DNS.records.clear()
    delivery = _emit(colleague, django_capture_on_commit_callbacks)
    attempt(str(delivery.pk))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert "could not be resolved" in delivery.last_error


# -- the connection goes to the checked address, TLS checked against the host name ---------


def _certificate(tmp_path: Path, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


class TlsReceiver:
    """An https receiver on 127.0.0.1 presenting a certificate for ``name``; records the
    server name the client asked for (SNI) and the Host header."""

    def __init__(self, tmp_path: Path, name: str, family: int = socket.AF_INET) -> None:
        self.cert_file, key_file = _certificate(tmp_path, name)
        self.server_names: list[str | None] = []
        self.hosts: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                receiver.hosts.append(self.headers["Host"])
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, key_file)
        context.sni_callback = lambda _sock, server_name, _ctx: receiver.server_names.append(
            server_name
        )
        server_class = type("Server", (ThreadingHTTPServer,), {"address_family": family})
        self.server = server_class(
            ("::1" if family == socket.AF_INET6 else "127.0.0.1", 0), Handler
        )
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def tls_receiver(tmp_path: Path) -> Iterator[TlsReceiver]:
    receiver = TlsReceiver(tmp_path, HOST)
    yield receiver
    receiver.server.shutdown()


def test_the_request_goes_to_the_checked_address_under_the_host_name(
    tls_receiver: TlsReceiver,
) -> None:
    """The system's DNS does not know the name: the request can only arrive because the
    connection went to the checked address, never through a second look-up."""
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo(HOST, tls_receiver.port)
    url = f"https://{HOST}:{tls_receiver.port}/hook"
    response = pinned_post(
        Destination(url=url, host=HOST, port=tls_receiver.port, address="127.0.0.1"),
        data=b"{}",
        headers={"Content-Type": "application/json"},
        timeout=5,
        verify=str(tls_receiver.cert_file),
    )
    assert response.status_code == 204
    assert tls_receiver.server_names == [HOST]
    assert tls_receiver.hosts == [f"{HOST}:{tls_receiver.port}"]


def test_the_certificate_must_still_name_the_host(tls_receiver: TlsReceiver) -> None:
    other = "other.partner.example"
    url = f"https://{other}:{tls_receiver.port}/hook"
    with pytest.raises(requests.exceptions.SSLError):
        pinned_post(
            Destination(url=url, host=other, port=tls_receiver.port, address="127.0.0.1"),
            data=b"{}",
            headers={},
            timeout=5,
            verify=str(tls_receiver.cert_file),
        )
    assert tls_receiver.hosts == []


def test_the_checked_address_may_be_ipv6(tmp_path: Path) -> None:
    receiver = TlsReceiver(tmp_path, HOST, family=socket.AF_INET6)
    try:
        url = f"https://{HOST}:{receiver.port}/hook"
        response = pinned_post(
            Destination(url=url, host=HOST, port=receiver.port, address="::1"),
            data=b"{}",
            headers={},
            timeout=5,
            verify=str(receiver.cert_file),
        )
    finally:
        receiver.server.shutdown()
    assert response.status_code == 204
    assert receiver.server_names == [HOST]
