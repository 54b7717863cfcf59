from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from ketenzicht.common.context import Context
from ketenzicht.common.periodic import periodic_loop

WORKER = Context(channel="task")
logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run the task worker (django-tasks database backend) with its scheduler: audit chain "
        "linking and signed checkpoints, webhook retries, deadline escalation, victim-track "
        "reminders, the monitor's published tables, the daily retention purge and the "
        "recovery of imports whose worker died. Each scheduled job runs once per interval "
        "across all workers (ADR 0024)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--audit-interval", type=float, default=2.0)
        # Signed checkpoints of the audit chain: with the checkpoint every
        # AUDIT_CHECKPOINT_EVENTS events and the one on stopping, this bounds the window in
        # which a cut-off tail of the chain would go unnoticed (ADR 0016, 0024).
        parser.add_argument("--checkpoint-interval", type=float, default=300.0)
        parser.add_argument("--retry-interval", type=float, default=5.0)
        parser.add_argument("--deadline-interval", type=float, default=60.0)
        # The monitor's tables are counted and protected as a whole (seconds at a million
        # signals); figures an hour old are fresh enough for a monitor.
        parser.add_argument("--monitor-interval", type=float, default=3600.0)
        # Retention periods are counted in days: once a day is on time.
        parser.add_argument("--purge-interval", type=float, default=86400.0)
        # Imports whose worker died are noticed once their lease (WORKER_LEASE_SECONDS) ran
        # out; looking twice a minute adds at most that.
        parser.add_argument("--import-recovery-interval", type=float, default=30.0)
        # How long an idle worker waits before looking for new tasks again: the floor of
        # the delay between a commit and its follow-up (routing, notifications).
        parser.add_argument("--poll-interval", type=float, default=0.25)

    def _every(self, name: str, seconds: float, job: Callable[[], object]) -> None:
        threading.Thread(
            target=periodic_loop, args=(name, seconds, job), name=name, daemon=True
        ).start()

    def handle(self, *args: Any, **options: Any) -> None:
        from ketenzicht.audit.checkpoints import checkpoint_every, checkpoint_write
        from ketenzicht.followup.services import referrals_escalate_overdue
        from ketenzicht.followup.victims import reflection_reminders
        from ketenzicht.monitor.services import monitor_rebuild
        from ketenzicht.notifications.delivery import attempt
        from ketenzicht.notifications.services import deliveries_due
        from ketenzicht.privacy.purge import retention_purge
        from ketenzicht.signals.tasks import import_jobs_recover

        def retry_webhooks() -> None:
            for delivery_id in deliveries_due():
                attempt(delivery_id)

        def deadlines() -> None:
            referrals_escalate_overdue()
            reflection_reminders()

        events = settings.AUDIT_CHECKPOINT_EVENTS
        self._every("audit-linker", options["audit_interval"], lambda: checkpoint_every(events))
        self._every("audit-checkpoint", options["checkpoint_interval"], checkpoint_write)
        self._every("webhook-retries", options["retry_interval"], retry_webhooks)
        self._every("deadlines", options["deadline_interval"], deadlines)
        self._every("monitor", options["monitor_interval"], lambda: monitor_rebuild(context=WORKER))
        self._every("purge", options["purge_interval"], lambda: retention_purge(context=WORKER))
        self._every("import-recovery", options["import_recovery_interval"], import_jobs_recover)
        try:
            # Stops on SIGTERM or SIGINT (after the task in hand) and on its own exit.
            call_command("db_worker", interval=options["poll_interval"])
        finally:
            self._sign_on_the_way_out()

    def _sign_on_the_way_out(self) -> None:
        """Link what is pending and sign the head, so that a worker that stops leaves no
        linked event outside a checkpoint (ADR 0024)."""
        from ketenzicht.audit.checkpoints import checkpoint_write
        from ketenzicht.audit.services import audit_chain_link_pending

        try:
            audit_chain_link_pending()
            checkpoint_write()
        except Exception:
            logger.exception("no checkpoint signed on stopping")
