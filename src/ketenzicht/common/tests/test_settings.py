from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _setting(name: str, **env: str) -> str:
    """A setting as a fresh process computes it from these environment variables."""
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='ketenzicht.conf.settings';"
        f"django.setup(); from django.conf import settings; print(getattr(settings, {name!r}, None))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={k: v for k, v in {**os.environ, **env}.items() if v != ""},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_https_turns_on_hsts_and_secure_cookies() -> None:
    assert _setting("SECURE_HSTS_SECONDS", KETENZICHT_HTTPS="1") == "31536000"
    assert _setting("SESSION_COOKIE_SECURE", KETENZICHT_HTTPS="1") == "True"
    for cookie, name in (("SESSION", "sessionid"), ("CSRF", "csrftoken"), ("LANGUAGE", "language")):
        assert _setting(f"{cookie}_COOKIE_NAME", KETENZICHT_HTTPS="1") == f"__Host-{name}"
        assert _setting(f"{cookie}_COOKIE_SAMESITE", KETENZICHT_HTTPS="1") == "Lax"
    assert _setting("SECURE_HSTS_SECONDS", KETENZICHT_HTTPS="0") == "0"


def test_database_url_chooses_the_database(tmp_path: Path) -> None:
    assert (
        _setting("DATABASES", KETENZICHT_DATABASE_URL="postgres://u:p@db:5432/kz").count(
            "django.db.backends.postgresql"
        )
        == 1
    )
    default = _setting("DATABASES", KETENZICHT_DATABASE_URL="", KETENZICHT_VAR_DIR=str(tmp_path))
    assert f"{tmp_path}/ketenzicht.sqlite3" in default


def test_the_access_log_leaves_out_query_strings() -> None:
    """A person search carries a V-number or a name in the query string (logging.md)."""
    import datetime as dt
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    from ketenzicht.common.management.commands.serve import ACCESS_LOG_FORMAT

    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/api/v1/persons?vNumber=1234567890&name=Tesfay",
        "PATH_INFO": "/api/v1/persons",
        "QUERY_STRING": "vNumber=1234567890&name=Tesfay",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    logger = Logger(Config())
    atoms = logger.atoms(
        SimpleNamespace(status="200 OK", sent=120, headers=[]),
        [],
        environ,
        dt.timedelta(milliseconds=12),
    )
    line = ACCESS_LOG_FORMAT % atoms
    assert '"GET /api/v1/persons HTTP/1.1" 200 120 12ms' in line
    assert "1234567890" not in line and "Tesfay" not in line


def test_the_database_connection_can_verify_the_server_and_use_a_client_certificate() -> None:
    """ASVS 12.3.4 and 13.2.1: TLS to PostgreSQL trusting only the internal CA, and a client
    certificate instead of a password (docs/operations.md, "Database over TLS")."""
    url = (
        "postgres://ketenzicht@db.internal:5432/kz?sslmode=verify-full"
        "&sslrootcert=/etc/ketenzicht/db-ca.pem&sslcert=/etc/ketenzicht/db-client.pem"
        "&sslkey=/etc/ketenzicht/db-client.key"
    )
    databases = _setting("DATABASES", KETENZICHT_DATABASE_URL=url)
    for option in (
        "'sslmode': 'verify-full'",
        "'sslrootcert': '/etc/ketenzicht/db-ca.pem'",
        "'sslcert': '/etc/ketenzicht/db-client.pem'",
        "'sslkey': '/etc/ketenzicht/db-client.key'",
    ):
        assert option in databases
    assert "'PASSWORD': ''" in databases


def test_console_log_lines_are_utc_and_cannot_be_forged() -> None:
    import logging

    from ketenzicht.common.logs import OneLineUtcFormatter

    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s",
        ("/x\r\n2026-01-01T00:00:00Z INFO audit: login ok",),
        None,
    )
    record.created = 0.0  # 1970-01-01T00:00:00Z
    line = OneLineUtcFormatter().format(record)
    assert line.startswith("1970-01-01T00:00:00Z WARNING django.request: Not Found: /x\\r\\n")
    assert "\n" not in line and "\r" not in line


def test_secrets_can_come_from_files_such_as_systemd_credentials(tmp_path: Path) -> None:
    """ASVS 13.3.1: keys outside the environment, readable by one service only."""
    from ketenzicht.common.crypto import new_key_text

    ring = new_key_text("k7")
    (tmp_path / "field-keys").write_text(ring + "\n")
    (tmp_path / "secret").write_text("s" * 60)
    env = {
        "KETENZICHT_VAR_DIR": str(tmp_path / "var"),
        "KETENZICHT_FIELD_KEYS_FILE": str(tmp_path / "field-keys"),
        "KETENZICHT_SECRET_KEY_FILE": str(tmp_path / "secret"),
    }
    assert _setting("FIELD_ENCRYPTION_KEYS", **env) == ring
    assert _setting("SECRET_KEY", **env) == "s" * 60
    assert not (tmp_path / "var" / "field-keys").exists()  # nothing generated beside it
