"""Where webhooks may go (ASVS 13.2.4, 13.2.5, 1.3.6): https only, never to an address on an
internal network, and, when operations set a list of partner hosts, only to those.

A prefix test ("starts with http://localhost") let ``http://localhost.partner.example``
through in plain text, and ``https://10.0.0.5/`` reach the internal network from the server
(server-side request forgery). Checking the address as written was not enough either: names
such as ``localtest.me``, ``*.nip.io`` or ``metadata.google.internal`` resolve to loopback,
private or metadata addresses (issue 19, item 9). So a host name is resolved, and every
address it has must be public: when a subscription is made (a clear error on the field) and
again at each delivery, which then connects to exactly the address it checked
(``delivery.pinned_post``), so that a DNS answer changed between the check and the
connection (rebinding) cannot send the request inward.

The resolver is looked up from ``settings.WEBHOOK_RESOLVER`` on each use: the system's
(``system_resolver``) in production, a fake one in the tests.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
# Special-use names (RFC 6761, 6762, 8375, ICANN's .internal) never name a partner's public
# endpoint, whatever a resolver says about them at this moment.
SPECIAL_USE_SUFFIXES = ("localhost", "local", "internal", "home.arpa")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]


class DestinationRefusedError(Exception):
    """The address may not receive webhooks; ``str()`` is the reason, for people."""


@dataclass(frozen=True)
class Destination:
    """A checked destination: the URL, its host name and port, and the one address to
    connect to (checked, so the connection never asks DNS again)."""

    url: str
    host: str
    port: int
    address: str


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the system's resolver gives for ``host``, in its order of preference."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _resolver() -> Resolver:
    return import_string(settings.WEBHOOK_RESOLVER)  # type: ignore[no-any-return]


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_public(address: IPAddress) -> bool:
    """True only for an address on the public internet: not loopback, private, link-local
    (cloud metadata at 169.254.169.254), shared (100.64/10), multicast, reserved or
    unspecified, also when an IPv4 address hides inside an IPv6 one (::ffff:127.0.0.1,
    6to4)."""
    if isinstance(address, ipaddress.IPv6Address):
        for embedded in (address.ipv4_mapped, address.sixtofour):
            if embedded is not None and not is_public(embedded):
                return False
        if address.teredo is not None and not all(map(is_public, address.teredo)):
            return False
    return address.is_global and not (address.is_multicast or address.is_reserved)


def _static_error(url: str) -> str | None:
    """What is wrong with ``url`` as written, before any name is resolved."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        return _("This is not a valid web address.")
    loopback = host in LOOPBACK_NAMES
    if parts.scheme == "http" and loopback and settings.WEBHOOK_LOOPBACK_HTTP:
        return None  # a receiver on this machine, for testing
    if parts.scheme != "https" or not host:
        return _("Use an https:// address (plain http only on this machine, for testing).")
    if parts.username is not None or parts.password is not None:
        return _("Leave user names and passwords out of the address.")
    address = _literal(host)
    name = host.rstrip(".")
    special = address is None and (
        "." not in name  # one label: completed by the local search domains
        or any(name == s or name.endswith("." + s) for s in SPECIAL_USE_SUFFIXES)
    )
    internal = loopback or special or (address is not None and not is_public(address))
    if internal and not (loopback and settings.WEBHOOK_LOOPBACK_HTTP):
        return _("Webhooks cannot be sent to an address on an internal network.")
    allowed = settings.WEBHOOK_HOSTS
    if allowed and not loopback and not any(host == h or host.endswith(f".{h}") for h in allowed):
        return _("This host is not on the list of partner hosts that may receive webhooks.")
    return None


def _checked_addresses(host: str, port: int) -> list[str]:
    """The addresses of ``host``, each checked; raises when any one is not public (an
    answer mixing public and internal addresses is refused whole) or there are none."""
    literal = _literal(host)
    addresses = [str(literal)] if literal is not None else _resolver()(host, port)
    if not addresses:
        raise socket.gaierror(f"no address for {host}")
    loopback_allowed = host in LOOPBACK_NAMES and settings.WEBHOOK_LOOPBACK_HTTP
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone
        if loopback_allowed and address.is_loopback:
            continue
        if not is_public(address):
            raise DestinationRefusedError(
                _("Webhooks cannot be sent to an address on an internal network.")
                + " "
                + _("%(host)s resolves to %(address)s.") % {"host": host, "address": text}
            )
    return addresses


def _host_and_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url.strip())
    return (parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80)


def destination_error(url: str) -> str | None:
    """Why ``url`` may not receive webhooks, or None when it may: as written, and by what
    its host name resolves to now. A name that does not resolve (yet) is accepted here; the
    delivery checks again and will not send until it resolves to public addresses only."""
    if problem := _static_error(url):
        return problem
    host, port = _host_and_port(url)
    try:
        _checked_addresses(host, port)
    except DestinationRefusedError as refused:
        return str(refused)
    except (OSError, UnicodeError):
        return None
    return None


def destination_for_delivery(url: str) -> Destination:
    """Check ``url`` now, resolving its host, and choose the address to connect to; raises
    ``DestinationRefusedError`` with the reason when it may not receive the delivery."""
    if problem := _static_error(url):
        raise DestinationRefusedError(problem)
    host, port = _host_and_port(url)
    try:
        addresses = _checked_addresses(host, port)
    except (OSError, UnicodeError) as exc:
        raise DestinationRefusedError(
            _("The host name %(host)s could not be resolved.") % {"host": host}
        ) from exc
    return Destination(url=url.strip(), host=host, port=port, address=addresses[0])
