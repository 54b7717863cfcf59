from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from django.core.management import call_command
from django.test import Client

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.audit.models import AuditEvent
from ketenzicht.signals.models import Signal
from ketenzicht.signals.tests.test_importer import GOOD

pytestmark = pytest.mark.django_db


def test_token_create_prints_a_working_token(
    reporter: Actor, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("token", "create", "reporter")
    token = capsys.readouterr().out.strip()
    assert len(token) > 30
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/signals").status_code == 200
    assert AuditEvent.objects.filter(action="token_create").count() == 1


def test_token_for_unknown_user_fails() -> None:
    with pytest.raises(Exception, match="no active user"):
        call_command("token", "create", "nobody")


def test_import_command(
    reporter: Actor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    call_command("import_signals", str(good), user="reporter")
    assert "imported 2 signal(s)" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "R-5,soft,2026-02-01,GM1950,labour,,,,,,,,,,\n")
    with pytest.raises(SystemExit):
        call_command("import_signals", str(bad), user="reporter")
    assert "5,narrative," in capsys.readouterr().err
    assert Signal.objects.count() == 2


def test_console_script_maps_import_alias() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ketenzicht.cli", "import", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "all or nothing" in result.stdout
