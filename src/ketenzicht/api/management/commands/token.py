from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ketenzicht.accounts.models import User
from ketenzicht.api.authentication import token_create


class Command(BaseCommand):
    help = "API tokens. 'create USERNAME' prints a new token for that user."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user '{options['username']}'")
        self.stdout.write(token_create(user=user))
