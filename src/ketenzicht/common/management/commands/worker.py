from __future__ import annotations

import logging
import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from ketenzicht.common.periodic import jobs, periodic_loop, worker_stop_hooks

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run the task worker (django-tasks database backend) with the periodic jobs the apps "
        "register (common.periodic): audit chain linking and signed checkpoints, webhook "
        "retries, deadline escalation and victim-track reminders, the monitor's published "
        "tables, the daily retention purge and the recovery of imports whose worker died. "
        "Each job runs once per interval across all workers (ADR 0024)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        for job in jobs():
            parser.add_argument(
                f"--{job.option}-interval",
                type=float,
                default=job.every,
                help=f"seconds between runs of {job.name}: {job.help}",
            )
        # How long an idle worker waits before looking for new tasks again: the floor of
        # the delay between a commit and its follow-up (routing, notifications).
        parser.add_argument("--poll-interval", type=float, default=0.25)

    def handle(self, *args: Any, **options: Any) -> None:
        for job in jobs():
            every = options[f"{job.option.replace('-', '_')}_interval"]
            threading.Thread(
                target=periodic_loop, args=(job.name, every, job.run), name=job.name, daemon=True
            ).start()
        try:
            # Stops on SIGTERM or SIGINT (after the task in hand) and on its own exit.
            call_command("db_worker", interval=options["poll_interval"])
        finally:
            for name, hook in worker_stop_hooks():
                try:
                    hook()
                except Exception:
                    logger.exception("%s: not done on stopping", name)
