"""Where webhooks may go (ASVS 13.2.4, 13.2.5, 1.3.6): https only, never to an address on an
internal network, and, when operations set a list of partner hosts, only to those.

A prefix test ("starts with http://localhost") let ``http://localhost.partner.example``
through in plain text, and ``https://10.0.0.5/`` reach the internal network from the server
(server-side request forgery). Host names are checked as written; a name that resolves to
an internal address is the DNS administrator's to prevent (noted in ADR 0008).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


def destination_error(url: str) -> str | None:
    """Why ``url`` may not receive webhooks, or None when it may."""
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
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    internal = loopback or (address is not None and not address.is_global)
    if internal and not (loopback and settings.WEBHOOK_LOOPBACK_HTTP):
        return _("Webhooks cannot be sent to an address on an internal network.")
    allowed = settings.WEBHOOK_HOSTS
    if allowed and not loopback and not any(host == h or host.endswith(f".{h}") for h in allowed):
        return _("This host is not on the list of partner hosts that may receive webhooks.")
    return None
