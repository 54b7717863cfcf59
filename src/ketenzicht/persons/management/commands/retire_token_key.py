"""``ketenzicht retire_token_key KEY_ID``: after the partners rotated their token key, drop
every token record made with the old one (ADR 0010); audited."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ketenzicht.common.context import CLI
from ketenzicht.persons.token_services import token_key_retire


class Command(BaseCommand):
    help = "Drop the token records made with a retired partner key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("key_id")

    def handle(self, *args: Any, **options: Any) -> None:
        key_id = options["key_id"]
        dropped = token_key_retire(context=CLI, key_id=key_id)
        self.stdout.write(f"dropped {dropped} token record(s) and token(s) of key {key_id}")
