from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from ketenzicht.audit.roles import grant_application_role


class Command(BaseCommand):
    help = (
        "PostgreSQL: grant the role the running product connects as what it needs, with the "
        "audit trail append-only. Run as the owner role, after every migration."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="an existing role that owns no tables")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                statements = grant_application_role(connection, options["role"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for statement in statements:
            self.stdout.write(statement)
