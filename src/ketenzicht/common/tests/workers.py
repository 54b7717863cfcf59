"""Real worker processes for tests: ``ketenzicht worker`` on a migrated SQLite database in a
folder of its own, with the production settings (the database task backend), as operations
run it. Tests read the database with ``sqlite3`` or run Python in a process of its own."""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[4]


def environment(var: Path, **extra: str) -> dict[str, str]:
    # Nothing of the test process's own configuration (its immediate task backend, its
    # folder) may leak into the worker.
    env = {k: v for k, v in os.environ.items() if not k.startswith("KETENZICHT_")}
    env.update(
        DJANGO_SETTINGS_MODULE="ketenzicht.conf.settings",
        KETENZICHT_VAR_DIR=str(var),
        KETENZICHT_MFA_REQUIRED="0",
        **{f"KETENZICHT_{k}": v for k, v in extra.items()},
    )
    return env


@functools.cache
def _migrated() -> Path:
    """One migrated database per test session, copied for each test (migrating takes 10 s)."""
    var = Path(tempfile.mkdtemp(prefix="kz-worker-template-"))
    subprocess.run(
        [sys.executable, "-m", "ketenzicht.cli", "migrate", "--no-input", "-v0"],
        env=environment(var),
        cwd=ROOT,
        check=True,
        timeout=300,
    )
    return var


def fresh_var(target: Path) -> Path:
    shutil.copytree(_migrated(), target)
    return target


def database(var: Path) -> Path:
    return var / "ketenzicht.sqlite3"


def query(var: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database(var), timeout=30) as conn:
        return conn.execute(sql, params).fetchall()


def python(var: Path, code: str, **extra: str) -> Any:
    """Run ``code`` in a Django process on ``var``; what it assigns to ``out`` comes back."""
    program = f"import django, json\ndjango.setup()\nout = None\n{code}\nprint(json.dumps(out))"
    done = subprocess.run(
        [sys.executable, "-c", program],
        env=environment(var, **extra),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def start_worker(var: Path, *args: str, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ketenzicht.cli", "worker", *args],
        env=environment(var, **extra),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(process: subprocess.Popen[str], how: int = signal.SIGTERM) -> tuple[str, str]:
    if process.poll() is None:
        process.send_signal(how)
    try:
        return process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()


def wait_for(condition: Callable[[], Any], seconds: float = 60, step: float = 0.1) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"not within {seconds} s: {condition.__doc__ or condition}")
