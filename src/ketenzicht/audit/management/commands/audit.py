from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ketenzicht.audit.services import audit_chain_link_pending
from ketenzicht.audit.verify import audit_chain_verify


class Command(BaseCommand):
    help = "Audit trail tools. 'verify' exits 0 only if the hash chain is intact."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="link pending events, then verify the chain")
        verify.add_argument(
            "--no-link", action="store_true", help="verify only what is already linked"
        )
        sub.add_parser("link", help="link committed events into the chain")

    def handle(self, *args: Any, **options: Any) -> None:
        linked = 0 if options.get("no_link") else audit_chain_link_pending()
        if options["action"] == "link":
            self.stdout.write(f"linked {linked} event(s)")
            return
        report = audit_chain_verify()
        self.stdout.write(
            f"checked {report.checked} linked event(s); linked now {linked}; "
            f"unlinked {report.unlinked}"
        )
        if report.intact:
            self.stdout.write(self.style.SUCCESS("audit chain intact"))
            return
        for problem in report.problems:
            self.stderr.write(problem)
        self.stderr.write(self.style.ERROR("audit chain BROKEN"))
        sys.exit(1)
