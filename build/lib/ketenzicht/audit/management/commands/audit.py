from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ketenzicht.audit.checkpoints import (
    VerifierKey,
    checkpoint_write,
    checkpoints_read,
    own_verifier_key,
)
from ketenzicht.audit.exports import audit_export_lines
from ketenzicht.audit.services import audit_chain_link_pending
from ketenzicht.audit.verify import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Audit trail tools. 'verify' exits 0 only if the hash chain is intact and passes "
        "through every signed checkpoint."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify", help="link pending events, then verify the chain and its checkpoints"
        )
        verify.add_argument(
            "--no-link", action="store_true", help="verify only what is already linked"
        )
        verify.add_argument(
            "--checkpoints",
            type=Path,
            help="directory of signed checkpoints (default: the configured one); use a copy "
            "kept off this machine",
        )
        verify.add_argument(
            "--verifier-key",
            help="the log's public key as 'audit verifier-key' prints it, or @FILE holding "
            "it (default: derived from this machine's signing key)",
        )
        sub.add_parser("link", help="link committed events into the chain")
        sub.add_parser("checkpoint", help="link pending events, then sign the chain's head")
        sub.add_parser("verifier-key", help="print the public key that checks the checkpoints")
        export = sub.add_parser(
            "export",
            help="linked events as JSON lines (the hashed event, its sequence number and "
            "chain hash) for a log processor; audited",
        )
        export.add_argument("--after-seq", type=int, default=0, help="continue after this one")
        export.add_argument("--explain", required=True, help="why (recorded)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "verifier-key":
            self.stdout.write(str(own_verifier_key()))
            return
        linked = 0 if options.get("no_link") else audit_chain_link_pending()
        if action == "export":
            exported = audit_export_lines(
                self.stdout, after_seq=options["after_seq"], explanation=options["explain"]
            )
            self.stderr.write(f"exported {exported} event(s)")
            return
        if action == "link":
            self.stdout.write(f"linked {linked} event(s)")
            return
        if action == "checkpoint":
            checkpoint = checkpoint_write()
            self.stdout.write(
                f"signed checkpoint at size {checkpoint.size}: {checkpoint.path}"
                if checkpoint
                else "no new events since the last checkpoint"
            )
            return
        checkpoints, problems = self._checkpoints(options)
        report = audit_chain_verify(checkpoints=checkpoints)
        report.problems[:0] = problems
        self.stdout.write(
            f"checked {report.checked} linked event(s) against {report.checkpoints} signed "
            f"checkpoint(s); linked now {linked}; unlinked {report.unlinked}"
        )
        if report.intact:
            self.stdout.write(self.style.SUCCESS("audit chain intact"))
            return
        for problem in report.problems:
            self.stderr.write(problem)
        self.stderr.write(self.style.ERROR("audit chain BROKEN"))
        sys.exit(1)

    def _checkpoints(self, options: dict[str, Any]) -> tuple[list[Any], list[str]]:
        directory = options.get("checkpoints") or Path(settings.AUDIT_CHECKPOINT_DIR)
        given = options.get("verifier_key")
        if given:
            text = Path(given[1:]).read_text() if given.startswith("@") else given
            try:
                verifier = VerifierKey.parse(text)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        elif Path(settings.AUDIT_SIGNING_KEY_FILE).exists():
            verifier = own_verifier_key()
        else:
            if options.get("checkpoints"):
                raise CommandError("no signing key here: give --verifier-key")
            return [], []
        if not directory.is_dir():
            if options.get("checkpoints"):
                raise CommandError(f"no such directory: {directory}")
            return [], []
        return checkpoints_read(directory, verifier)
