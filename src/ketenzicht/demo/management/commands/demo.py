from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ketenzicht.common.context import CLI
from ketenzicht.demo.assessments import load_demo_self_assessments
from ketenzicht.demo.follow_up import load_demo_follow_up
from ketenzicht.demo.loader import (
    DEFAULT_SIGNALS,
    load_demo_residents,
    load_demo_signals,
    refresh_statistics,
)
from ketenzicht.demo.world import DEMO_USERS, build_world, demo_password
from ketenzicht.monitor.services import monitor_rebuild


class Command(BaseCommand):
    help = "Load the synthetic demo world (idempotent): organisations, accounts, N signals."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--signals", type=int, default=DEFAULT_SIGNALS)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        build_world()

        def progress(done: int, total: int) -> None:
            if not options["quiet"]:
                sys.stderr.write(f"\rdemo signals: {done}/{total}")
                sys.stderr.flush()

        created = load_demo_signals(options["signals"], progress=progress)
        if created and not options["quiet"]:
            sys.stderr.write("\n")
        residents = load_demo_residents(options["signals"])
        refresh_statistics()
        referrals = load_demo_follow_up()
        assessments = load_demo_self_assessments()
        refresh_statistics()
        # The monitor's tables, as the worker would count them within the hour.
        monitor_rebuild(context=CLI)
        self.stdout.write(
            f"demo world ready: {created} new signal(s), {residents} new reception resident(s), "
            f"{referrals} referral(s) played forward, {assessments} new self-assessment(s) "
            f"in {time.monotonic() - started:.1f}s"
        )
        if not options["quiet"]:
            self.stdout.write(f"demo accounts (password: {demo_password()}):")
            for user in DEMO_USERS[:14]:
                self.stdout.write(f"  {user.username:<22} {user.role:<18} {user.organisation}")
