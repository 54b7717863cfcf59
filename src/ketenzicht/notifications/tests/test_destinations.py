"""Webhook destinations: https to public hosts (or the partner list), never the internal
network; plain http only to this machine and only outside production."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, ip_address

from django.test import override_settings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketenzicht.notifications.destinations import destination_error, is_public


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
    if str(address) in ("127.0.0.1", "::1"):
        assert allowed
    elif not address.is_global or address.is_multicast or address.is_reserved:
        assert not allowed
    elif isinstance(address, IPv6Address) and address.ipv4_mapped:
        assert allowed == address.ipv4_mapped.is_global
    else:
        assert allowed == is_public(address)


@pytest.mark.parametrize(
    "address",
    [
        "ff0e::1",  # global-scope multicast: is_global, still no partner endpoint
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:10.0.0.1",
        "2002:7f00:1::",  # 6to4 around 127.0.0.1
        "2002:a9fe:a9fe::",  # 6to4 around 169.254.169.254
        "64:ff9b::a9fe:a9fe",  # NAT64 around the metadata address
        "100.64.0.1",  # shared address space (carrier NAT, some clouds' metadata)
        "fd00:ec2::254",  # AWS metadata over IPv6
    ],
)
def test_addresses_that_hide_an_internal_one_are_refused(address: str) -> None:
    assert not is_public(ip_address(address))
    assert destination_error(f"https://[{address}]/" if ":" in address else f"https://{address}/")
