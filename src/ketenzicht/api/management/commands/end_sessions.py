"""``ketenzicht end_sessions (--user USERNAME | --all) --reason TEXT``: log one account or
everyone out now (a stolen laptop, a suspected breach); with ``--tokens`` the accounts' API
tokens are revoked too. Audited with the reason."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from qsessions.models import Session

from ketenzicht.accounts.actor import SYSTEM
from ketenzicht.accounts.models import User
from ketenzicht.api.models import ApiToken
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import Context


class Command(BaseCommand):
    help = "End the sessions of one account or of every account (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--user")
        who.add_argument("--all", action="store_true")
        parser.add_argument("--tokens", action="store_true", help="revoke API tokens as well")
        parser.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        sessions = Session.objects.all()
        tokens = ApiToken.objects.filter(revoked_at__isnull=True)
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user '{options['user']}'")
            sessions, tokens = sessions.filter(user=user), tokens.filter(user=user)
        with transaction.atomic():
            ended, _ = sessions.delete()
            revoked = tokens.update(revoked_at=timezone.now()) if options["tokens"] else 0
            audit_record(
                actor=SYSTEM,
                action=Action.LOGOUT,
                purpose=Purpose.ACCESS_CONTROL,
                context=Context(channel="cli", explanation=options["reason"]),
                object_type="user" if user else "",
                object_id=user.pk if user else None,
                detail={"sessions_ended": ended, "tokens_revoked": revoked},
            )
        self.stdout.write(f"{ended} session(s) ended, {revoked} token(s) revoked")
