from __future__ import annotations

import threading
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections


class Command(BaseCommand):
    help = "Run the task worker (django-tasks database backend) and link the audit chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--audit-interval", type=float, default=2.0)

    def handle(self, *args: Any, **options: Any) -> None:
        from ketenzicht.audit.services import audit_chain_link_pending

        interval = options["audit_interval"]

        def link_forever() -> None:
            while True:
                try:
                    audit_chain_link_pending()
                except Exception as exc:  # keep linking after a transient database error
                    self.stderr.write(f"audit linking failed: {exc}")
                finally:
                    close_old_connections()
                time.sleep(interval)

        threading.Thread(target=link_forever, name="audit-linker", daemon=True).start()
        call_command("db_worker", interval=1.0)
