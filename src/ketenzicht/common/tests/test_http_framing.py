"""HTTP message framing at the application server (ASVS 4.2.1): gunicorn, as
``ketenzicht serve`` starts it, refuses the ambiguous requests request smuggling is built on,
before anything reaches Django. The TLS proxy in front (docs/operations.md) refuses them too."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SMUGGLING = {
    "content-length and transfer-encoding": (
        b"POST /inloggen HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    ),
    "two different content-lengths": (
        b"POST /inloggen HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n"
        b"Content-Length: 5\r\n\r\nabcde"
    ),
    "obsolete line folding": (
        b"GET /inloggen HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Audit-Toelichting: a\r\n b\r\n\r\n"
    ),
    "transfer-encoding not chunked last": (
        b"POST /inloggen HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"
    ),
    "a space before the colon": (
        b"POST /inloggen HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length : 4\r\n\r\nabcd"
    ),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    port = _free_port()
    var = tmp_path_factory.mktemp("serve")
    env = {
        **os.environ,
        "KETENZICHT_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "ketenzicht.conf.settings",
        "KETENZICHT_DATABASE_URL": f"sqlite:///{var / 'db.sqlite3'}",
    }
    root = Path(__file__).resolve().parents[3]
    # A served request counts against the rate limit, which is kept in the database.
    subprocess.run(
        [sys.executable, "-m", "ketenzicht.cli", "migrate", "--no-input", "-v0"],
        env=env,
        cwd=root,
        check=True,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "ketenzicht.cli", "serve", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=Path(__file__).resolve().parents[3],
    )
    try:
        # gunicorn takes over 10 s to start on two busy cores: wait up to 90 s.
        deadline = time.monotonic() + 90
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def _send(port: int, raw: bytes) -> bytes:
    # A worker's first request imports the application: generous on a busy machine.
    with socket.create_connection(("127.0.0.1", port), timeout=60) as conn:
        conn.sendall(raw)
        conn.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := conn.recv(4096):
            answer += chunk
    return answer


@pytest.mark.parametrize("name", sorted(SMUGGLING))
def test_ambiguous_requests_are_refused_before_the_application(server: int, name: str) -> None:
    answer = _send(server, SMUGGLING[name])
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]


def test_a_well_framed_request_gets_through(server: int) -> None:
    answer = _send(server, b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert answer.split(b"\r\n", 1)[0] == b"HTTP/1.1 200 OK", answer[:300]
