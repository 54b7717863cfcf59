"""A small OpenID Connect provider for tests, on loopback in a thread: it signs real RS256
ID tokens, checks PKCE and the client secret, and serves JWKS and user info, so that
mozilla-django-oidc and our backend run unchanged against it. "Logging in" at the provider
is setting ``claims``."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID, CLIENT_SECRET, KID = "ketenzicht", "test-client-secret", "test-key-1"


class Provider(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict[str, str]] = {}
        self.claims: dict[str, Any] = {}
        self.issuer = f"http://127.0.0.1:{self.server_port}"
        self.id_token_overrides: dict[str, Any] = {}
        self.signing_key: Any = None  # another key, to forge a token
        self.algorithm = "RS256"  # "none" for an unsigned token

    def start(self) -> Provider:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def _b64u_sha256(value: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(value.encode()).digest()).rstrip(b"=").decode()


class _Handler(BaseHTTPRequestHandler):
    server: Provider

    def log_message(self, *args: Any) -> None:
        pass

    def _json(self, obj: Any, status: int = 200) -> None:
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        provider, url = self.server, urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/authorize":
            code = secrets.token_urlsafe(16)
            provider.codes[code] = query  # nonce, redirect_uri, code_challenge
            back = {"code": code, "state": query["state"]}
            self.send_response(302)
            self.send_header("Location", query["redirect_uri"] + "?" + urlencode(back))
            self.end_headers()
        elif url.path == "/jwks":
            jwk = json.loads(RSAAlgorithm.to_jwk(provider.key.public_key()))
            self._json({"keys": [{**jwk, "kid": KID, "alg": "RS256", "use": "sig"}]})
        elif url.path == "/userinfo":
            sub = provider.claims.get("sub", "")
            if self.headers.get("Authorization") != f"Bearer at-{sub}":
                self._json({"error": "invalid_token"}, 401)
                return
            self._json({k: v for k, v in provider.claims.items() if k not in ("acr", "amr")})
        else:
            self._json({"error": "not_found"}, 404)

    def do_POST(self) -> None:  # the token endpoint
        provider = self.server
        length = int(self.headers["Content-Length"])
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        request = provider.codes.pop(form.get("code", ""), None)
        if (
            request is None
            or form.get("client_secret") != CLIENT_SECRET
            or form.get("redirect_uri") != request["redirect_uri"]
            or _b64u_sha256(form.get("code_verifier", "")) != request.get("code_challenge")
        ):
            self._json({"error": "invalid_grant"}, 400)
            return
        now = int(time.time())
        claims = {
            "iss": provider.issuer,
            "aud": CLIENT_ID,
            "sub": provider.claims["sub"],
            "nonce": request["nonce"],
            "iat": now,
            "exp": now + 300,
            "acr": provider.claims.get("acr"),
            "amr": provider.claims.get("amr", []),
        } | provider.id_token_overrides
        key = None if provider.algorithm == "none" else provider.signing_key or provider.key
        id_token = jwt.encode(claims, key, algorithm=provider.algorithm, headers={"kid": KID})
        self._json(
            {
                "access_token": "at-" + provider.claims["sub"],
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            }
        )
