from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from ketenzicht.audit.services import Context

WORKER = Context(channel="task")


class Command(BaseCommand):
    help = (
        "Run the task worker (django-tasks database backend) with its scheduler: audit chain "
        "linking and signed checkpoints, webhook retries, deadline escalation, victim-track "
        "reminders, the monitor's published tables and the daily retention purge."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--audit-interval", type=float, default=2.0)
        # Signed checkpoints of the audit chain: the interval is the window in which a cut-off
        # tail of the chain would go unnoticed (ADR 0016).
        parser.add_argument("--checkpoint-interval", type=float, default=300.0)
        parser.add_argument("--retry-interval", type=float, default=5.0)
        parser.add_argument("--deadline-interval", type=float, default=60.0)
        # The monitor's tables are counted and protected as a whole (seconds at a million
        # signals); figures an hour old are fresh enough for a monitor.
        parser.add_argument("--monitor-interval", type=float, default=3600.0)
        # Retention periods are counted in days: once a day is on time.
        parser.add_argument("--purge-interval", type=float, default=86400.0)
        # How long an idle worker waits before looking for new tasks again: the floor of
        # the delay between a commit and its follow-up (routing, notifications).
        parser.add_argument("--poll-interval", type=float, default=0.25)

    def _every(self, name: str, seconds: float, job: Callable[[], object]) -> None:
        def loop() -> None:
            while True:
                try:
                    job()
                except Exception as exc:  # keep going after a transient database error
                    self.stderr.write(f"{name} failed: {exc}")
                finally:
                    close_old_connections()
                time.sleep(seconds)

        threading.Thread(target=loop, name=name, daemon=True).start()

    def handle(self, *args: Any, **options: Any) -> None:
        from ketenzicht.audit.checkpoints import checkpoint_write
        from ketenzicht.audit.services import audit_chain_link_pending
        from ketenzicht.followup.services import referrals_escalate_overdue
        from ketenzicht.followup.victims import reflection_reminders
        from ketenzicht.monitor.services import monitor_rebuild
        from ketenzicht.notifications.delivery import attempt
        from ketenzicht.notifications.services import deliveries_due
        from ketenzicht.privacy.purge import retention_purge

        def retry_webhooks() -> None:
            for delivery_id in deliveries_due():
                attempt(delivery_id)

        def deadlines() -> None:
            referrals_escalate_overdue()
            reflection_reminders()

        self._every("audit-linker", options["audit_interval"], audit_chain_link_pending)
        self._every("audit-checkpoint", options["checkpoint_interval"], checkpoint_write)
        self._every("webhook-retries", options["retry_interval"], retry_webhooks)
        self._every("deadlines", options["deadline_interval"], deadlines)
        self._every("monitor", options["monitor_interval"], lambda: monitor_rebuild(context=WORKER))
        self._every("purge", options["purge_interval"], lambda: retention_purge(context=WORKER))
        call_command("db_worker", interval=options["poll_interval"])
