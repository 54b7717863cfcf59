"""Rate limits hold across web processes (issue 19, item 10): with a count per process,
three processes let 348 searches through before the first 429. The count is now one row
in the database, incremented atomically, so separate processes share it exactly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from django.test import Client, override_settings

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import User
from ketenzicht.api.authentication import token_create
from ketenzicht.common.models import RateCounter
from ketenzicht.common.ratelimit import count_request

PROCESSES = 3
REQUESTS_EACH = 40
LIMIT = 50
NOW = 1_900_000_000.0  # one window for every process, whatever the clock does meanwhile

# Waits until every process is ready (Django loaded), then counts as fast as it can.
CHILD = """
import json, sys, time
from pathlib import Path
from ketenzicht.common.ratelimit import count_request
barrier, index, processes, each, now = Path(sys.argv[1]), sys.argv[2], *map(float, sys.argv[3:6])
(barrier / index).touch()
while len(list(barrier.iterdir())) < processes:
    time.sleep(0.01)
print(json.dumps([count_request("throttle_search_7", 60, now=now)[0] for _ in range(int(each))]))
"""


def _environment(var_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("KETENZICHT_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        {"KETENZICHT_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "ketenzicht.conf.settings"}
    )
    return env


def test_separate_processes_share_one_exact_count(tmp_path: Path) -> None:
    env = _environment(tmp_path / "var")
    ketenzicht = [sys.executable, "-m", "ketenzicht.cli"]
    subprocess.run([*ketenzicht, "migrate", "common", "-v0"], env=env, check=True, timeout=120)
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    script = f"import django; django.setup(); exec(compile({CHILD!r}, 'child', 'exec'))"
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                script,
                str(barrier),
                str(n),
                str(PROCESSES),
                str(REQUESTS_EACH),
                str(NOW),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    counts: list[int] = []
    for child in children:
        out, err = child.communicate(timeout=180)
        assert child.returncode == 0, err[-2000:]
        counts += json.loads(out.strip().splitlines()[-1])
    # Every request got its own number: no two read the same count (no lost update) ...
    assert sorted(counts) == list(range(1, PROCESSES * REQUESTS_EACH + 1))
    # ... so exactly the first LIMIT requests of all processes together pass.
    assert sum(1 for c in counts if c <= LIMIT) == LIMIT


@pytest.mark.django_db
def test_a_window_starts_with_the_first_request_and_ends_after_its_period() -> None:
    assert count_request("k", 60, now=1000.0) == (1, 60.0)
    assert count_request("k", 60, now=1030.0) == (2, 30.0)
    assert count_request("k", 60, now=1059.5) == (3, 0.5)
    assert count_request("k", 60, now=1060.0) == (1, 60.0)  # a new window
    assert count_request("other", 60, now=1060.0) == (1, 60.0)
    assert RateCounter.objects.count() == 2  # one row per key, however long it runs


@pytest.mark.django_db
@override_settings(RATE_LIMITS={"api": "3/minute", "search": "3/minute", "export": "1/hour"})
def test_the_api_counts_in_the_shared_table(reporter: Actor) -> None:
    token = token_create(user=User.objects.get(pk=reporter.user_id))
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    codes = [api.get("/api/v1/signals").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    counter = RateCounter.objects.get(name=f"throttle_api_{reporter.user_id}")
    assert counter.hits == 4
    assert time.time() - counter.window_started < 60
