"""Crash safety (issue 7, item 6): writers keep registering signals through the API while
the web server and PostgreSQL are killed with SIGKILL at random moments; after every
restart, every acknowledged write is there exactly once and nothing unacknowledged is half
there; at the end the audit chain verifies and pg_amcheck is clean. The same on SQLite in
WAL mode (only the server dies: SQLite lives in it).

Run through ``scripts/crash-test [postgres|sqlite|both] [ROUNDS]``, which sets up the
environment. Every create carries an Idempotency-Key; a write whose answer was lost is
retried with its key after the restart, as a partner system would.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv" / "bin"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
WRITERS = 8
AS_POSTGRES = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def body(key: str) -> bytes:
    payload = {
        "kind": "soft",
        "observedOn": "2026-11-01",
        "municipality": "GM0014",
        "exploitationTypes": ["labour"],
        "indicators": ["AL-DR-S01"],
        "narrative": f"crash test {key}",
        "distribution": "organisation",
        "subjects": [
            {"role": "presumed_victim", "givenName": "Test", "familyName": key[:8]},
            {"role": "presumed_perpetrator", "givenName": "Other", "familyName": key[:8]},
        ],
    }
    return json.dumps(payload).encode()


class Postgres:
    def __init__(self, root: Path) -> None:
        self.dir = root / "pg"
        self.dir.mkdir()
        self.port = free_port()
        if AS_POSTGRES:
            subprocess.run(["chown", "postgres:postgres", str(self.dir)], check=True)
        self._run("initdb", "-D", str(self.dir), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "kz")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/kz"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*AS_POSTGRES, str(PG_BIN / tool), *args], check=True, stdout=subprocess.DEVNULL
        )

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=on"
        self._run(
            "pg_ctl", "-D", str(self.dir), "-l", str(self.dir / "log"), "-w", "-o", options, "start"
        )

    def kill(self) -> None:
        pid = int((self.dir / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)  # the postmaster; its children follow
        for _ in range(100):
            try:
                os.kill(pid, 0)
                time.sleep(0.05)
            except ProcessLookupError:
                break
        time.sleep(0.5)  # backends notice the dead postmaster and exit

    def stop(self) -> None:
        subprocess.run(
            [*AS_POSTGRES, str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )

    def amcheck(self) -> None:
        self._run(
            "pg_amcheck",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            "kz",
            "--install-missing",
            "--heapallindexed",
        )


class Server:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [str(VENV / "ketenzicht"), "serve", "--bind", f"127.0.0.1:{self.port}"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/inloggen", timeout=2)
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise SystemExit("server did not start")

    def kill(self) -> None:
        if self.proc is not None:
            os.killpg(self.proc.pid, signal.SIGKILL)  # gunicorn master and workers
            self.proc.wait()


class Writers:
    """Eight threads posting signals; each remembers which keys were acknowledged."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        self.acknowledged: set[str] = set()
        self.unanswered: set[str] = set()
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def post(self, key: str) -> bool:
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 built above
            self.url,
            data=body(key),
            method="POST",
            headers={
                "Authorization": f"Token {self.token}",
                "Idempotency-Key": key,
                "Content-Type": "application/json",
                "Host": "127.0.0.1",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status == 201
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return False

    def _run(self) -> None:
        while not self.stop.is_set():
            key = str(uuid.uuid4())
            ok = self.post(key)
            with self.lock:
                (self.acknowledged if ok else self.unanswered).add(key)
            if not ok:
                self.stop.wait(0.5)  # back off while the server is down, as a client would

    def start(self) -> list[threading.Thread]:
        self.stop.clear()
        threads = [threading.Thread(target=self._run) for _ in range(WRITERS)]
        for t in threads:
            t.start()
        return threads

    def finish(self, threads: list[threading.Thread]) -> None:
        self.stop.set()
        for t in threads:
            t.join()

    def retry_unanswered(self) -> None:
        for key in sorted(self.unanswered):
            if self.post(key):
                self.acknowledged.add(key)
        self.unanswered -= self.acknowledged


def check(env: dict[str, str], writers: Writers) -> tuple[int, int]:
    """Every acknowledged key: exactly one signal with both subjects; no signal without its
    key, none with a subject missing."""
    script = r"""
import json, sys
import django
django.setup()
from ketenzicht.api.models import IdempotencyKey
from ketenzicht.signals.models import Signal
keys = json.load(sys.stdin)
rows = {k.key: k.signal_id for k in IdempotencyKey.objects.all()}
signals = list(Signal.objects.filter(narrative__startswith="crash test ").values("id", "narrative"))
by_key = {}
for s in signals:
    by_key.setdefault(s["narrative"].removeprefix("crash test "), []).append(s["id"])
missing = [k for k in keys["acknowledged"] if len(by_key.get(k, [])) != 1]
orphans = [k for k, ids in by_key.items() if k not in rows or len(ids) != 1]
ours = Signal.objects.filter(narrative__startswith="crash test ")
half = [str(s.pk) for s in ours if s.subjects.count() != 2]
found = {"missing": missing, "orphans": orphans, "half": half, "signals": len(signals)}
print(json.dumps(found))
"""
    keys = {"acknowledged": sorted(writers.acknowledged)}
    result = subprocess.run(
        [str(VENV / "python"), "-c", script],
        input=json.dumps(keys),
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(result.stdout)
    if found["missing"] or found["orphans"] or found["half"]:
        raise SystemExit(f"NOT SAFE: {found}")
    return found["signals"], len(writers.acknowledged)


def main(backend: str, rounds: int) -> None:
    random.seed(int(os.environ.get("CRASH_SEED", "7")))
    root = Path(tempfile.mkdtemp(prefix=f"ketenzicht-crash-{backend}-"))
    if AS_POSTGRES:
        os.chmod(root, 0o777)  # noqa: S103 - a throwaway folder the postgres user writes to
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KETENZICHT_", "DJANGO_"))}
    env |= {
        "KETENZICHT_VAR_DIR": str(root / "var"),
        "KETENZICHT_WORKERS": "2",
        "DJANGO_SETTINGS_MODULE": "ketenzicht.conf.settings",
        "KETENZICHT_RATE_API": "1000000/minute",
        "KETENZICHT_MFA_REQUIRED": "0",
        "KETENZICHT_DEMO": "1",  # demo --signals 0 builds the organisations and accounts
    }
    pg = None
    if backend == "postgres":
        pg = Postgres(root)
        env["KETENZICHT_DATABASE_URL"] = pg.url
    ketenzicht = str(VENV / "ketenzicht")
    subprocess.run([ketenzicht, "migrate", "--no-input", "-v0"], env=env, check=True)
    subprocess.run(
        [ketenzicht, "demo", "--signals", "0", "--quiet"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    token = subprocess.run(
        [ketenzicht, "token", "create", "coa.terapel"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    server = Server(env)
    started = time.time()
    try:
        server.start()
        writers = Writers(f"http://127.0.0.1:{server.port}/api/v1/signals", token)
        for n in range(1, rounds + 1):
            threads = writers.start()
            time.sleep(random.uniform(0.5, 3.0))
            # Killed while the eight writers are in the middle of their requests.
            server.kill()
            killed = "server"
            if pg is not None and random.random() < 0.6:
                pg.kill()
                killed = "server and PostgreSQL"
            writers.finish(threads)
            if killed != "server":
                pg.start()  # type: ignore[union-attr]
            server.start()
            writers.url = f"http://127.0.0.1:{server.port}/api/v1/signals"
            lost = len(writers.unanswered)
            writers.retry_unanswered()
            subprocess.run(
                [ketenzicht, "audit", "checkpoint"], env=env, check=True, stdout=subprocess.DEVNULL
            )
            stored, acked = check(env, writers)
            print(
                f"round {n:2}: killed {killed}; {lost} answers lost and retried; "
                f"{acked} acknowledged, {stored} stored: exactly once",
                flush=True,
            )
        server.kill()
        verify = subprocess.run(
            [ketenzicht, "audit", "verify"], env=env, capture_output=True, text=True, check=False
        )
        print(verify.stdout.strip())
        if verify.returncode != 0:
            raise SystemExit("audit chain does not verify")
        if pg is not None:
            pg.amcheck()
            print("pg_amcheck: clean")
        print(
            f"{backend}: {rounds} crashes in {time.time() - started:.0f} s, "
            f"{len(writers.acknowledged)} acknowledged writes, every one exactly once"
        )
    finally:
        server.kill() if server.proc and server.proc.poll() is None else None
        if pg is not None:
            pg.stop()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 25)
