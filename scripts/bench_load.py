"""Load test for scripts/bench --load-only: 16 locust users, each its own demo account,
against the loaded database, with the API and the pages mixed as people use them.

1. Prepare (here, with Django): for each account an API token, a session that has passed
   the second factor (a TOTP device is set up for the account, as production requires), the
   ids of signals it may open and V-numbers it may look up. Written to a plan file.
2. Run ``locust --headless`` with ``scripts/locustfile.py`` for KZ_LOAD_TIME, 16 users.
3. Report p50/p95/p99 and errors per endpoint class from locust's CSV.

Prints Markdown; figures go to docs/benchmarks.md by hand.
"""

from __future__ import annotations

import csv
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


from bench_http import session_cookie  # scripts/ is on the path when run as a script

from ketenzicht import policy
from ketenzicht.accounts.models import User
from ketenzicht.accounts.selectors import actor_for_user
from ketenzicht.api.authentication import token_create
from ketenzicht.geo.models import Municipality
from ketenzicht.persons.models import PersonRecord
from ketenzicht.signals.models import Signal

BASE = os.environ["KZ_BASE"]
RUN_TIME = os.environ.get("KZ_LOAD_TIME", "180s")
THINK = float(os.environ.get("KZ_THINK", "0"))
HERE = Path(__file__).resolve().parent

# 16 users: who does what is in scripts/locustfile.py.
ACCOUNTS = {
    "frontline": [
        "coa.terapel",
        "ind.medewerker",
        "kmar.schiphol",
        "nidos.voogd",
        "dji.medewerker",
        "dtv.medewerker",
        "coa.coordinator",
    ],
    "follow_up": [
        "avim.noord",
        "avim.amsterdam",
        "emm.analist",
        "nla.inspecteur",
        "ind.coordinator",
    ],
    "analyst": [
        "gemeente.westerwolde",
        "gemeente.amsterdam",
        "gemeente.rotterdam",
        "rapporteur",
    ],
}


def account_plan(username: str) -> dict[str, object]:
    user = User.objects.get(username=username)
    membership = user.memberships.select_related("organisation").first()
    assert membership is not None, username
    organisation = membership.organisation
    own = Signal.objects.filter(organisation=organisation).order_by("-received_at")
    step = max(1, own.count() // 500)
    actor = actor_for_user(user)
    records = PersonRecord.objects.filter(organisation=organisation, v_number__isempty=False)
    return {
        "username": username,
        "token": token_create(user=user),
        "cookie": session_cookie(user),
        "signals": [str(pk) for pk in own.values_list("id", flat=True)[::step][:500]],
        "vNumbers": list(records.values_list("v_number", flat=True)[:200]),
        "municipality": organisation.municipality_id or "GM0363",
        # Pages this account's role has (others answer 404, which would count as errors).
        "attention": policy.attention_locations(actor).exists(),
        "figures": policy.may_view_follow_up_figures(actor),
    }


def report(stats_csv: Path) -> None:
    print(
        f"\nMachine: {platform.machine()}, {os.cpu_count()} cores; "
        f"{Signal.objects.count():,} signals; 16 users, "
        f"{f'0-{2 * THINK:g} s think time' if THINK else 'no think time'}, {RUN_TIME}\n"
    )
    print("| endpoint class | requests | p50 ms | p95 ms | p99 ms | req/s | errors |")
    print("|---|---|---|---|---|---|---|")
    with stats_csv.open() as f:
        for row in csv.DictReader(f):
            print(
                f"| {row['Name']} | {int(row['Request Count']):,} | {row['50%']} | {row['95%']} "
                f"| {row['99%']} | {float(row['Requests/s']):.1f} | {row['Failure Count']} |"
            )


def main() -> int:
    plan = {kind: [account_plan(name) for name in names] for kind, names in ACCOUNTS.items()}
    plan["municipalities"] = list(Municipality.objects.values_list("code", flat=True))  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        plan_file = Path(tmp) / "plan.json"
        plan_file.write_text(json.dumps(plan))
        prefix = Path(tmp) / "load"
        run = subprocess.run(
            [
                str(Path(sys.executable).with_name("locust")),
                "-f",
                str(HERE / "locustfile.py"),
                "--headless",
                "--host",
                BASE,
                "--users",
                "16",
                "--spawn-rate",
                "16",
                "--run-time",
                RUN_TIME,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={**os.environ, "KZ_LOAD_PLAN": str(plan_file)},
            check=False,
        )
        report(Path(f"{prefix}_stats.csv"))
        failures = Path(f"{prefix}_failures.csv").read_text()
        if failures.count("\n") > 1:
            print("\nFailures:\n\n```\n" + failures + "```")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
