from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ketenzicht.accounts.models import User
from ketenzicht.accounts.selectors import actor_for_user
from ketenzicht.common.context import Context
from ketenzicht.signals.importer import import_signals


class Command(BaseCommand):
    help = (
        "Import signals from a CSV or XLSX file, all or nothing, as USER (--user). "
        "Prints a row-level error report and exits 1 if any row is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user", required=True, help="the account the signals are registered by"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if path.stat().st_size > settings.IMPORT_MAX_BYTES:
            raise CommandError(f"{path}: larger than {settings.IMPORT_MAX_BYTES} bytes")
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user '{options['user']}'")

        def progress(done: int, total: int) -> None:
            width = 30
            filled = int(width * done / total) if total else width
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} rows")
            sys.stderr.flush()

        result = import_signals(
            actor=actor_for_user(user),
            context=Context(channel="cli", explanation=str(path)),
            content=path.read_bytes(),
            filename=path.name,
            progress=progress,
        )
        sys.stderr.write("\n")
        if result.ok:
            self.stdout.write(
                f"imported {result.created} signal(s) from {result.total_rows} row(s); "
                f"skipped {result.skipped} already imported"
            )
            return
        self.stderr.write(f"nothing imported: {len(result.errors)} problem(s)")
        self.stderr.write("row,column,message")
        for error in result.errors:
            self.stderr.write(f"{error.row},{error.column},{error.message}")
        sys.exit(1)
