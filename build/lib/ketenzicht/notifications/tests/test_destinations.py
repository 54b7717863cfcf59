"""Webhook destinations: https to public hosts (or the partner list), never the internal
network; plain http only to this machine and only outside production."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address

from django.test import override_settings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketenzicht.notifications.destinations import destination_error


@pytest.mark.parametrize(
    "url",
    [
        "https://partner.example/hooks",
        "https://hooks.partner.example:8443/ketenzicht?x=1",
        "https://8.8.8.8/hook",
        "http://127.0.0.1:8080/test",
        "http://localhost/test",
        "http://[::1]:9000/test",
    ],
)
def test_allowed(url: str) -> None:
    assert destination_error(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://partner.example/hooks",  # plain text over the network
        "http://localhost.partner.example/hooks",  # passed the old prefix test
        "http://127.0.0.1.partner.example/",
        "https://10.0.0.5/admin",  # the internal network
        "https://192.168.1.1/",
        "https://169.254.169.254/latest/meta-data",  # cloud metadata
        "https://[fd00::1]/",
        "https://0.0.0.0/",
        "https://user:secret@partner.example/",
        "ftp://partner.example/",
        "https://",
        "https://partner.example:notaport/",
        "javascript:alert(1)",
    ],
)
def test_refused(url: str) -> None:
    assert destination_error(url)


@override_settings(WEBHOOK_LOOPBACK_HTTP=False)
def test_production_refuses_this_machine_too() -> None:
    assert destination_error("http://127.0.0.1:8080/test")
    assert destination_error("https://127.0.0.1/test")
    assert destination_error("https://localhost/test")


@override_settings(WEBHOOK_HOSTS=["partner.example"])
def test_a_list_of_partner_hosts_allows_those_and_their_subdomains_only() -> None:
    assert destination_error("https://partner.example/h") is None
    assert destination_error("https://hooks.partner.example/h") is None
    assert destination_error("https://evilpartner.example/h")
    assert destination_error("https://partner.example.evil/h")


@given(st.ip_addresses())
def test_no_address_outside_the_public_internet_is_reachable(
    address: IPv4Address | IPv6Address,
) -> None:
    host = f"[{address}]" if address.version == 6 else str(address)
    allowed = destination_error(f"https://{host}/hook") is None
    # The two loopback names stay open for tests on this machine (not in production).
    assert allowed == (address.is_global or str(address) in ("127.0.0.1", "::1"))
