from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from ketenzicht.accounts.actor import SYSTEM
from ketenzicht.accounts.mfa_services import reset_second_factors
from ketenzicht.accounts.models import User
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import Context


class Command(BaseCommand):
    help = (
        "Remove every second factor of a user who lost phone, key and backup codes, after"
        " checking who they are outside Ketenzicht; they set up a new one at the next log-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--reason", required=True, help="why, for the audit trail")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}.")
        with transaction.atomic():
            removed = reset_second_factors(user)
            audit_record(
                actor=SYSTEM,  # an operator at the console; the reason says who asked
                action=Action.MFA_REMOVE,
                purpose=Purpose.ADMINISTRATION,
                context=Context(channel="cli", explanation=options["reason"]),
                object_type="user",
                object_id=user.pk,
                detail={"factor": "all", "removed": removed},
            )
        self.stdout.write(f"Removed {removed} second factor(s) of {user.username}.")
