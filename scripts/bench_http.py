"""Drive the HTTP benchmark for scripts/bench: prepare paths and token, run wrk, report.

Runs inside the project's virtual environment with the benchmark database configured.
Prints a Markdown table and writes JSON next to it.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketenzicht.conf.settings")
django.setup()

from django.conf import settings
from django.test import Client

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from ketenzicht.accounts.models import User
from ketenzicht.api.authentication import token_create
from ketenzicht.common.keyset import encode_cursor
from ketenzicht.signals.models import Signal

BASE = os.environ["KZ_BASE"]
DURATION = os.environ.get("KZ_DURATION", "20s")
HERE = Path(__file__).resolve().parent
USER = "coa.terapel"
DEEP_ROWS = 100_000


def session_cookie(user: User) -> str:
    """A session as after the log-in and the second step: django-otp keeps the verified
    device's id in the session."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="benchmark")
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={session.session_key}"


def prepare(workdir: Path) -> dict[str, Path]:
    user = User.objects.get(username=USER)
    organisation_id = user.memberships.first().organisation_id  # type: ignore[union-attr]
    mine = Signal.objects.filter(organisation_id=organisation_id).order_by("-received_at", "-id")
    visible = mine.count()
    deep = mine.values_list("received_at", "id")[min(DEEP_ROWS, visible - 1)]
    ids = list(mine.values_list("id", flat=True)[:: max(1, visible // 2000)][:2000])
    files = {
        "first": ["/api/v1/signals"],
        "deep": [f"/api/v1/signals?cursor={encode_cursor(deep[0], deep[1])}"],
        "detail": [f"/api/v1/signals/{pk}" for pk in ids],
        "create": ["/api/v1/signals"],
    }
    paths = {}
    for name, lines in files.items():
        path = workdir / f"{name}.txt"
        path.write_text("\n".join(lines) + "\n")
        paths[name] = path
    body = workdir / "create.json"
    body.write_text(
        json.dumps(
            {
                "kind": "soft",
                "observedOn": "2026-11-01",
                "municipality": "GM1950",
                "exploitationTypes": ["labour"],
                "indicators": ["AL-DR-S01", "AL-EX-M01"],
                "narrative": "Benchmark: bewoner werkt 's nachts in een kas.",
                "subjects": [
                    {
                        "role": "presumed_victim",
                        "givenName": "Test",
                        "familyName": "Bench",
                        "dateOfBirth": "1999",
                        "nationality": "ERI",
                        "vNumber": "1234567890",
                    }
                ],
            }
        ).replace('"1999"', '"1999-01-01"')
    )
    paths["body"] = body
    print(
        f"# {USER} sees {visible:,} of {Signal.objects.count():,} signals; deep page starts "
        f"at row {min(DEEP_ROWS, visible - 1):,}",
        file=sys.stderr,
    )
    return paths


def wrk(
    paths: Path,
    token: str,
    clients: int,
    method: str = "GET",
    body: Path | None = None,
    cookie: str = "",
) -> dict[str, float]:
    """Run wrk over ``paths`` with an API token or, for pages, a session ``cookie``."""
    env = {
        **os.environ,
        "KZ_PATHS": str(paths),
        "KZ_TOKEN": token,
        "KZ_METHOD": method,
        "KZ_COOKIE": cookie,
    }
    if body:
        env["KZ_BODY"] = str(body)
    threads = "1" if clients == 1 else "2"
    out = subprocess.run(
        [
            "wrk",
            "-t",
            threads,
            "-c",
            str(clients),
            "-d",
            DURATION,
            "--timeout",
            "10s",
            "-s",
            str(HERE / "bench.lua"),
            BASE,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    result["rps"] = round(result["requests"] / result["seconds"], 1)
    return result


def main() -> None:
    token = token_create(user=User.objects.get(username=USER))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = prepare(Path(tmp))
        for name, method in (
            ("first", "GET"),
            ("deep", "GET"),
            ("detail", "GET"),
            ("create", "POST"),
        ):
            for clients in (1, 16):
                row = wrk(
                    paths[name], token, clients, method, paths["body"] if method == "POST" else None
                )
                row.update({"endpoint": name, "clients": clients})
                results.append(row)
                print(json.dumps(row), file=sys.stderr)
    labels = {
        "first": "list, first page",
        "deep": "list, deep keyset page",
        "detail": "detail",
        "create": "create",
    }
    print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores; duration {DURATION} each\n")
    print("| endpoint | clients | p50 ms | p95 ms | p99 ms | req/s | errors |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {labels[r['endpoint']]} | {r['clients']} | {r['p50']:.1f} | {r['p95']:.1f} | "
            f"{r['p99']:.1f} | {r['rps']:.0f} | {int(r['errors'] + r['non2xx'])} |"
        )
    Path(os.environ.get("KZ_OUT", "bench-http.json")).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
