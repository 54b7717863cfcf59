"""An HTTP request to a checked address (issue 19, item 9).

``destinations.destination_for_delivery`` resolves the host and checks every address; if
requests then connected by name, urllib3 would ask DNS again, and an answer changed in
between (DNS rebinding) would win. Here the connection goes to exactly the checked address,
while the URL, the ``Host`` header, SNI and the certificate check keep the host name, so TLS
still proves the partner's identity. The environment's proxy settings are ignored: a proxy
would resolve the name itself.
"""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter

from .destinations import Destination


class PinnedAddressAdapter(HTTPAdapter):
    """Connects to ``address`` whatever host the URL names; verifies TLS against ``host``."""

    def __init__(self, address: str, host: str) -> None:
        self.address = address
        self.host = host
        super().__init__(max_retries=0)

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> Any:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        params: dict[str, Any] = dict(host_params)
        kwargs: dict[str, Any] = dict(pool_kwargs)
        if (params.get("host") or "").lower() != self.host:
            raise requests.exceptions.InvalidURL("request host differs from the checked host")
        params["host"] = self.address
        if params.get("scheme") == "https":
            kwargs["server_hostname"] = self.host  # SNI
            kwargs["assert_hostname"] = self.host  # the certificate must name the host
        return params, kwargs


def pinned_post(
    destination: Destination, *, data: bytes, headers: dict[str, str], timeout: float, **kw: Any
) -> requests.Response:
    """POST to ``destination.url`` over a connection to ``destination.address``."""
    default_port = 443 if destination.url.lower().startswith("https:") else 80
    host_header = destination.host if ":" not in destination.host else f"[{destination.host}]"
    if destination.port != default_port:
        host_header = f"{host_header}:{destination.port}"
    with requests.Session() as session:
        session.trust_env = False  # no proxy from the environment, no .netrc credentials
        adapter = PinnedAddressAdapter(destination.address, destination.host)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        return session.post(
            destination.url,
            data=data,
            headers={**headers, "Host": host_header},
            timeout=timeout,
            allow_redirects=False,
            **kw,
        )
