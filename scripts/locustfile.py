"""Locust users for scripts/bench_load.py: three kinds of staff, 16 users in all, each with an
account of its own (the plan file from bench_load.py holds tokens, sessions and ids).

Requests are named by endpoint class so that locust reports a percentile per class. With
``KZ_THINK=0`` (the default) there is no think time: every user sends its next request as soon
as the last one is answered, so 16 users are 16 requests in flight -- the heaviest this
workload gets, and the percentiles mostly measure queueing. ``KZ_THINK=S`` waits 0 to 2S
seconds between requests, like people reading a page, so they measure the requests.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import uuid
from typing import Any

from locust import HttpUser, between, constant, task

PLAN: dict[str, Any] = json.loads(open(os.environ["KZ_LOAD_PLAN"]).read())  # noqa: SIM115
THINK = float(os.environ.get("KZ_THINK", "0"))
_next = {kind: itertools.count() for kind in ("frontline", "follow_up", "analyst")}


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class Staff(HttpUser):
    abstract = True
    kind = ""
    wait_time = between(0, 2 * THINK) if THINK else constant(0)

    def on_start(self) -> None:
        accounts = PLAN[self.kind]
        self.account = accounts[next(_next[self.kind]) % len(accounts)]
        self.api = {"Authorization": f"Token {self.account['token']}"}
        self.page = {"Cookie": f"{self.account['cookie']}; django_language=nl"}

    def get_api(self, path: str, name: str) -> None:
        self.client.get(path, headers=self.api, name=name)

    def get_page(self, path: str, name: str) -> None:
        # A page that sends the user elsewhere (log-in, second step) is a failure here.
        with self.client.get(
            path, headers=self.page, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")

    def signal_id(self) -> str:
        return str(random.choice(self.account["signals"]))


class Frontline(Staff):
    """Reception, IND, KMar, Nidos, DJI, DT&V: register signals, look people up, open their
    own signals and the attention list."""

    kind = "frontline"
    fixed_count = 7

    @task(4)
    def api_list(self) -> None:
        self.get_api("/api/v1/signals", "API: signal list")

    @task(2)
    def api_list_filtered(self) -> None:
        since = today() - dt.timedelta(days=random.randint(30, 365))
        self.get_api(
            f"/api/v1/signals?kind=soft&observedFrom={since.isoformat()}",
            "API: signal list, filtered",
        )

    @task(6)
    def api_detail(self) -> None:
        self.get_api(f"/api/v1/signals/{self.signal_id()}", "API: signal detail")

    @task(2)
    def api_create(self) -> None:
        body = {
            "kind": random.choice(["soft", "hard"]),
            "observedOn": (today() - dt.timedelta(days=random.randint(0, 30))).isoformat(),
            "municipality": self.account["municipality"],
            "exploitationTypes": ["labour"],
            "indicators": ["AL-DR-S01", "AL-EX-M01"],
            "narrative": "Belasting: bewoner werkt 's nachts in een kas en heeft schulden.",
            "subjects": [
                {
                    "role": "presumed_victim",
                    "givenName": random.choice(["Amanuel", "Selam", "Yonas", "Ruta"]),
                    "familyName": random.choice(["Tesfaye", "Gebre", "Haile", "Bekele"]),
                    "dateOfBirth": f"{random.randint(1980, 2008)}-0{random.randint(1, 9)}-15",
                    "nationality": "ERI",
                    "vNumber": str(random.randint(10**9, 10**10 - 1)),
                }
            ],
        }
        headers = {**self.api, "Idempotency-Key": str(uuid.uuid4())}
        self.client.post("/api/v1/signals", json=body, headers=headers, name="API: create signal")

    @task(2)
    def api_person_search(self) -> None:
        if self.account["vNumbers"]:
            v_number = random.choice(self.account["vNumbers"])
            self.get_api(f"/api/v1/persons?vNumber={v_number}", "API: person search")

    @task(2)
    def page_list(self) -> None:
        self.get_page("/signalen/", "page: signal list")

    @task(3)
    def page_detail(self) -> None:
        self.get_page(f"/signalen/{self.signal_id()}", "page: signal detail")

    @task(1)
    def page_attention(self) -> None:
        if self.account["attention"]:
            self.get_page("/aandacht", "page: attention list")
        else:
            self.get_page("/signalen/?kind=soft", "page: signal list")


class FollowUp(Staff):
    """Investigators and coordinators: the inbox, referrals against their deadlines, hits."""

    kind = "follow_up"
    fixed_count = 5

    @task(3)
    def page_inbox(self) -> None:
        self.get_page("/postvak", "page: inbox")

    @task(2)
    def page_deadlines(self) -> None:
        if self.account["figures"]:
            self.get_page("/doorverwijzingen/termijnen", "page: referral deadlines")
        else:
            self.get_page("/casussen", "page: case list")

    @task(3)
    def api_referrals(self) -> None:
        self.get_api("/api/v1/referrals", "API: referral list")

    @task(2)
    def api_hits(self) -> None:
        self.get_api("/api/v1/hits", "API: hit list")

    @task(3)
    def page_detail(self) -> None:
        if self.account["signals"]:
            self.get_page(f"/signalen/{self.signal_id()}", "page: signal detail")

    @task(2)
    def page_list_filtered(self) -> None:
        self.get_page("/signalen/?kind=hard", "page: signal list")


class Analyst(Staff):
    """Municipal analysts and the National Rapporteur: the monitor."""

    kind = "analyst"
    fixed_count = 4

    @task
    def monitor(self) -> None:
        if self.account["username"] == "rapporteur":
            scope = random.choice(["NL", *random.sample(PLAN["municipalities"], 1)])
        else:
            scope = self.account["municipality"]
        self.get_page(f"/monitor/{scope}", "page: monitor")
