"""A fresh data folder is the service account's alone (issue 19, item 8a): var/ 0700, the
SQLite database (and its WAL files), generated keys, stored files and anything else the
product writes there 0600, whatever the umask of the shell that started it. Run in a child
process through the ``ketenzicht`` command, as the web server and the worker start."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

# Writes what the running product writes: the database and its WAL, a stored file (an
# upload), a file opened without a mode of its own (a log), the audit signing key and a
# checkpoint; then reports every mode under var/ while the database is still open.
CHILD = """
import json, os, stat
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE probe (x)")
    cursor.execute("INSERT INTO probe VALUES (1)")
default_storage.save("imports/upload.csv", ContentFile(b"a,b"))
(settings.VAR_DIR / "worker.log").write_text("started")
from ketenzicht.audit.checkpoints import signing_key
signing_key()
settings.AUDIT_CHECKPOINT_DIR.mkdir(parents=True, exist_ok=True)
(settings.AUDIT_CHECKPOINT_DIR / "1").write_text("checkpoint")
modes = {}
for root, dirs, files in os.walk(settings.VAR_DIR):
    for name in [*dirs, *files, "."]:
        path = os.path.join(root, name)
        modes[os.path.relpath(path, settings.VAR_DIR)] = stat.S_IMODE(os.lstat(path).st_mode)
print(json.dumps(modes))
"""


def _start(var_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("KETENZICHT_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        {"KETENZICHT_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "ketenzicht.conf.settings"}
    )
    return subprocess.run(
        [sys.executable, "-m", "ketenzicht.cli", "shell", "-c", CHILD],
        env=env,
        umask=0o022,  # the usual login umask, which gave 0644 files
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _modes_after_start(var_dir: Path) -> dict[str, int]:
    result = _start(var_dir)
    assert result.returncode == 0, result.stderr[-2000:]
    modes: dict[str, int] = json.loads(result.stdout.strip().splitlines()[-1])
    return modes


def _assert_private(modes: dict[str, int], var_dir: Path) -> None:
    for name, mode in modes.items():
        expected = 0o700 if (var_dir / name).is_dir() else 0o600
        assert mode == expected, f"{name}: {oct(mode)}"


def test_a_fresh_var_dir_and_everything_in_it_is_private(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    modes = _modes_after_start(var_dir)
    for written in (
        ".",
        "ketenzicht.sqlite3",
        "ketenzicht.sqlite3-wal",
        "secret-key",
        "field-keys",
        "audit-signing-key.pem",
        "media/imports/upload.csv",
        "worker.log",
        "audit-checkpoints/1",
    ):
        assert written in modes, sorted(modes)
    _assert_private(modes, var_dir)


def test_an_existing_installation_is_made_private_at_start(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    var_dir.mkdir(mode=0o755)
    os.chmod(var_dir, 0o755)  # noqa: S103 (the old state)
    database = var_dir / "ketenzicht.sqlite3"
    database.touch()
    os.chmod(database, 0o644)
    (var_dir / "audit-checkpoints").mkdir()
    os.chmod(var_dir / "audit-checkpoints", 0o755)  # noqa: S103
    modes = _modes_after_start(var_dir)
    assert stat.S_IMODE(var_dir.stat().st_mode) == 0o700
    assert modes["ketenzicht.sqlite3"] == 0o600
    assert modes["audit-checkpoints"] == 0o700


def test_a_sqlite_database_outside_var_is_created_private(tmp_path: Path) -> None:
    from ketenzicht.conf.private_files import prepare_sqlite_file

    database = tmp_path / "elsewhere" / "db.sqlite3"
    previous = os.umask(0o022)
    try:
        prepare_sqlite_file(database)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700


def test_a_shared_folder_like_tmp_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    # Pointing the data folder at /tmp once made /tmp 0700 and stopped a PostgreSQL server
    # running from a folder in it.
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)  # noqa: S103 (what /tmp is)
    (shared / "someone-elses").write_text("x")
    os.chmod(shared / "someone-elses", 0o644)
    result = _start(shared)
    assert result.returncode != 0
    assert "is a shared folder" in result.stderr
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert stat.S_IMODE((shared / "someone-elses").stat().st_mode) == 0o644
