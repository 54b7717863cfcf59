"""Worker benchmark for scripts/bench: routing plus notifications for N new hard signals, the
delay from a signal's commit to its referral being visible, and webhook fan-out to 20
subscribers of one receiving body.

Runs against the database in KETENZICHT_DATABASE_URL with the demo world loaded. Starts the
product's own worker (``ketenzicht worker``) as KZ_WORKERS subprocesses and a webhook
receiver on loopback in this process. Signals are registered through the intake service in
transactions of KZ_BATCH signals, as the importer does; the worker routes them after commit.
Phase 1 has no webhook subscriptions (inbox messages and e-mail only); phase 2 adds 20
subscriptions at the Labour Inspectorate and routes labour signals there.

Environment: KZ_WORKER_SIGNALS (10000), KZ_FANOUT_SIGNALS (500), KZ_SUBSCRIBERS (20),
KZ_BATCH (100), KZ_WORKERS (worker process counts to compare, "1,2"), KZ_POLL_INTERVAL
(worker idle poll; default: the worker's own), KZ_STEADY_SIGNALS (600) at KZ_STEADY_RATE
(10 per second)."""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketenzicht.conf.settings")
django.setup()

from django.db import close_old_connections, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from django_tasks_db.models import DBTaskResult

from ketenzicht.accounts.models import Location, Membership, Organisation
from ketenzicht.accounts.selectors import actor_for_user
from ketenzicht.common.context import Context
from ketenzicht.followup.models import Referral
from ketenzicht.notifications.delivery import signature
from ketenzicht.notifications.models import (
    Delivery,
    DeliveryStatus,
    Message,
    Subscription,
)
from ketenzicht.signals.intake import SignalInput, SubjectInput
from ketenzicht.signals.models import Signal
from ketenzicht.signals.services import Vocabulary, signals_register

SIGNALS = int(os.environ.get("KZ_WORKER_SIGNALS", "10000"))
FANOUT_SIGNALS = int(os.environ.get("KZ_FANOUT_SIGNALS", "500"))
SUBSCRIBERS = int(os.environ.get("KZ_SUBSCRIBERS", "20"))
BATCH = int(os.environ.get("KZ_BATCH", "100"))
WORKERS = [int(n) for n in os.environ.get("KZ_WORKERS", "1,2").split(",")]
POLL = os.environ.get("KZ_POLL_INTERVAL", "")  # empty: the worker's default
STEADY_SIGNALS = int(os.environ.get("KZ_STEADY_SIGNALS", "600"))
STEADY_RATE = float(os.environ.get("KZ_STEADY_RATE", "10"))
CONTEXT = Context(channel="bench")
RUN = str(int(time.time()))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def inputs(count: int, exploitation: str, offset: int) -> Iterable[SignalInput]:
    for i in range(count):
        n = offset + i
        yield SignalInput(
            kind="hard",
            observed_on=dt.date(2026, 10, 1),
            municipality_code="GM1950",
            narrative="Bewoner moet zeven dagen per week werken en zijn loon afstaan.",
            exploitation_type_codes=(exploitation,),
            indicator_codes=("AL-DR-S01",),
            distribution="organisation",
            source_reference=f"BENCH-{RUN}-{n:07d}",
            subjects=(
                SubjectInput(
                    role="presumed_victim",
                    given_name=f"Bench{n}",
                    family_name=f"Persoon{n % 9973}",
                    date_of_birth=dt.date(1980 + n % 25, 1 + n % 12, 1 + n % 28),
                    dob_precision="exact",
                    sex="female",
                    nationality="ERI",
                    v_number=f"{8_000_000_000 + int(RUN) % 100_000 * 10_000 + n}",
                ),
            ),
        )


class Receiver(BaseHTTPRequestHandler):
    """A partner system: checks the signature of every event, answers 204, keeps the time."""

    secrets: dict[str, str] = {}
    arrivals: dict[str, float] = {}
    created: dict[str, float] = {}
    duplicates = 0
    bad_signatures = 0
    lock = threading.Lock()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        now = time.time()
        key = self.headers["Idempotency-Key"]
        secret = Receiver.secrets.get(self.path, "")
        good = self.headers["X-Ketenzicht-Signature"] == signature(secret, body)
        sent = parse_datetime(json.loads(body)["time"])
        with Receiver.lock:
            if not good:
                Receiver.bad_signatures += 1
            if key in Receiver.arrivals:
                Receiver.duplicates += 1
            else:
                Receiver.arrivals[key] = now
                Receiver.created[key] = sent.timestamp() if sent else now
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def start_workers(count: int) -> list[subprocess.Popen[bytes]]:
    command = [os.path.join(os.path.dirname(sys.executable), "ketenzicht"), "worker"]
    if POLL:
        command += ["--poll-interval", POLL]
    return [
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(count)
    ]


def register(actor: object, items: list[SignalInput], committed: dict[str, float]) -> list[str]:
    """One transaction; the commit time of each signal is taken when it commits."""
    with transaction.atomic():
        signals = signals_register(
            actor=actor,  # type: ignore[arg-type]
            context=CONTEXT,
            items=items,
            audit_each=True,
            vocabulary=VOCABULARY,
        )
        ids = [str(s.pk) for s in signals]
        transaction.on_commit(lambda: committed.update(dict.fromkeys(ids, time.time())))
    return ids


def watch(
    committed: dict[str, float], seen: dict[str, float], total: int, stop: threading.Event
) -> None:
    """Poll every 50 ms for referrals of committed signals not seen yet."""
    while not stop.is_set() and len(seen) < total:
        pending = [pk for pk in list(committed) if pk not in seen][:2000]
        if pending:
            now = time.time()
            for signal_id in Referral.objects.filter(signal_id__in=pending).values_list(
                "signal_id", flat=True
            ):
                seen.setdefault(str(signal_id), now)
        close_old_connections()
        time.sleep(0.05)


def phase(
    name: str,
    actor: object,
    count: int,
    exploitation: str,
    offset: int,
    timeout: float,
    batch: int = BATCH,
    rate: float = 0.0,
) -> dict[str, object]:
    """Register ``count`` signals in transactions of ``batch``, as fast as possible or at
    ``rate`` signals per second, and wait until every one has its referral."""
    committed: dict[str, float] = {}
    seen: dict[str, float] = {}
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(committed, seen, count, stop), daemon=True)
    watcher.start()
    started = time.time()
    items = list(inputs(count, exploitation, offset))
    for start in range(0, count, batch):
        register(actor, items[start : start + batch], committed)
        if rate:
            time.sleep(max(0.0, started + (start + batch) / rate - time.time()))
    produced = time.time()
    deadline = started + timeout
    while len(seen) < count and time.time() < deadline:
        time.sleep(0.1)
    stop.set()
    watcher.join()
    finished = max(seen.values()) if seen else time.time()
    delays = [seen[pk] - committed[pk] for pk in seen]
    return {
        "phase": name,
        "signals": count,
        "routed": len(seen),
        "register_s": produced - started,
        "register_rate": count / (produced - started),
        "total_s": finished - started,
        "routing_rate": len(seen) / (finished - started),
        "delay_p50": statistics.median(delays) if delays else None,
        "delay_p95": pct(delays, 0.95) if delays else None,
        "delay_max": max(delays) if delays else None,
    }


VOCABULARY = Vocabulary()


def run(coa: object, port: int, workers: int, offset: int) -> None:
    """Every phase with ``workers`` worker processes; prints a table."""
    Receiver.arrivals.clear()
    Receiver.created.clear()
    Receiver.duplicates = Receiver.bad_signatures = 0
    processes = start_workers(workers)
    # Start from an empty queue: what an earlier step left (the demo load's notification
    # tasks, the previous run) is drained outside the measurement.
    drained = DBTaskResult.objects.ready().count()
    deadline = time.time() + 1800
    while DBTaskResult.objects.ready().exists() and time.time() < deadline:
        time.sleep(1)
    time.sleep(3)
    run_started = timezone.now()
    results = []
    try:
        # A steady stream, one signal per transaction as the API registers them.
        results.append(
            phase(
                f"steady: {STEADY_RATE:g} signals/s, one per transaction",
                coa,
                STEADY_SIGNALS,
                "sexual",
                offset,
                600,
                batch=1,
                rate=STEADY_RATE,
            )
        )
        # A burst: sexual exploitation in Westerwolde goes to AVIM Noord-Nederland (R2).
        messages_before = Message.objects.count()
        results.append(
            phase("burst: routing + inbox/e-mail", coa, SIGNALS, "sexual", offset + 100_000, 1800)
        )
        messages = Message.objects.count() - messages_before
        # Labour exploitation goes to the Labour Inspectorate (R3), which has 20 partner
        # systems subscribed to its referrals.
        nla = Organisation.objects.get(code="nla")
        Subscription.objects.filter(organisation=nla).delete()
        for i in range(SUBSCRIBERS):
            subscription = Subscription.objects.create(
                organisation=nla,
                callback_url=f"http://127.0.0.1:{port}/hook/{i}",
                secret=f"bench-secret-{i}",
                channels=["referrals"],
            )
            Receiver.secrets[f"/hook/{i}"] = subscription.secret
        expected = FANOUT_SIGNALS * SUBSCRIBERS
        fan_started = time.time()
        results.append(
            phase(
                f"burst: routing + {SUBSCRIBERS} webhooks",
                coa,
                FANOUT_SIGNALS,
                "labour",
                offset + 200_000,
                1800,
            )
        )
        deadline = time.time() + 900
        while len(Receiver.arrivals) < expected and time.time() < deadline:
            time.sleep(0.1)
        fan_done = max(Receiver.arrivals.values()) if Receiver.arrivals else time.time()
        latencies = [Receiver.arrivals[k] - Receiver.created[k] for k in Receiver.arrivals]
        failed = Delivery.objects.filter(
            subscription__organisation=nla, status=DeliveryStatus.FAILED
        ).count()
        Subscription.objects.filter(organisation=nla).delete()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)

    print(
        f"\n### {workers} worker process(es), idle poll {POLL or 'default'} s, "
        f"bursts in batches of {BATCH}\n"
    )
    print(f"(the run started once the {drained:,} tasks left in the queue were done)\n")
    print(
        "| Phase | Signals | Routed | Registered per s | Routed per s | "
        "Commit -> referral visible p50 / p95 / max |"
    )
    print("|---|---:|---:|---:|---:|---|")
    for r in results:
        print(
            f"| {r['phase']} | {r['signals']:,} | {r['routed']:,} | {r['register_rate']:,.0f} | "
            f"{r['routing_rate']:,.0f} | {ms(r['delay_p50'])} / {ms(r['delay_p95'])} / "  # type: ignore[arg-type]
            f"{ms(r['delay_max'])} |"  # type: ignore[arg-type]
        )
    print(f"\nInbox messages written in the first burst: {messages:,}")
    print("\nWhere the worker's time went (tasks of this run):\n")
    print("| Task | Runs | Mean | Busy, total |")
    print("|---|---:|---:|---:|")
    spent = (
        DBTaskResult.objects.filter(enqueued_at__gte=run_started, finished_at__isnull=False)
        .values("task_path")
        .annotate(runs=Count("id"), busy=Sum(F("finished_at") - F("started_at")))
        .order_by("-busy")
    )
    for row in spent:
        busy = row["busy"].total_seconds()
        print(
            f"| `{row['task_path'].rsplit('.', 2)[-2]}.{row['task_path'].rsplit('.', 1)[-1]}` | "
            f"{row['runs']:,} | {ms(busy / row['runs'])} | {busy:,.1f} s |"
        )
    print(
        f"\nWebhook fan-out: {SUBSCRIBERS} subscribers x {FANOUT_SIGNALS} referrals = "
        f"{expected:,} deliveries expected; received {len(Receiver.arrivals):,} "
        f"({Receiver.duplicates} duplicates, {Receiver.bad_signatures} bad signatures, "
        f"{failed} failed) in {fan_done - fan_started:,.1f} s = "
        f"{len(Receiver.arrivals) / max(0.001, fan_done - fan_started):,.0f} deliveries/s; "
        f"event -> received p50 {ms(statistics.median(latencies))}, "
        f"p95 {ms(pct(latencies, 0.95))}, max {ms(max(latencies))}"
        if latencies
        else "\nWebhook fan-out: nothing received",
        flush=True,
    )


def main() -> None:
    membership = (
        Membership.objects.select_related("user")
        .filter(organisation__code="coa", role="frontline")
        .first()
    )
    assert membership is not None, "load the demo world first"
    coa = actor_for_user(membership.user)
    assert Location.objects.filter(organisation__code="coa").exists()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"## Worker benchmark ({Signal.objects.count():,} signals in the database)")
    try:
        for number, workers in enumerate(WORKERS):
            run(coa, server.server_address[1], workers, number * 1_000_000)
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
