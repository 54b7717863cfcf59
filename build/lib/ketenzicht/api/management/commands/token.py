from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ketenzicht.accounts.models import User
from ketenzicht.api.authentication import token_create, token_revoke
from ketenzicht.api.models import ApiToken


class Command(BaseCommand):
    help = (
        "API tokens. 'create USERNAME [--days N]' prints a new token once; 'list [USERNAME]' "
        "shows prefixes, owners and expiry (never a token); 'revoke PREFIX --reason ...' "
        "stops a token at once. Creating and revoking are audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("username")
        create.add_argument("--days", type=int, default=None, help="lifetime (default 365)")
        listing = sub.add_parser("list", help="tokens by prefix, owner and expiry")
        listing.add_argument("username", nargs="?")
        revoke = sub.add_parser("revoke", help="stop a token now")
        revoke.add_argument("prefix")
        revoke.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            user = User.objects.filter(username=options["username"], is_active=True).first()
            if user is None:
                raise CommandError(f"no active user '{options['username']}'")
            if options["days"] is not None and not 1 <= options["days"] <= 730:
                raise CommandError("--days must be between 1 and 730")
            self.stdout.write(token_create(user=user, days=options["days"]))
        elif options["action"] == "list":
            tokens = ApiToken.objects.select_related("user").order_by("user__username", "id")
            if options["username"]:
                tokens = tokens.filter(user__username=options["username"])
            for t in tokens:
                state = "revoked" if t.revoked_at else f"expires {t.expires_at:%Y-%m-%d}"
                self.stdout.write(
                    f"{t.prefix}  {t.user.username}  {t.created_at:%Y-%m-%d}  {state}"
                )
        else:
            revoked = token_revoke(prefix=options["prefix"], reason=options["reason"])
            if not revoked:
                raise CommandError(f"no live token starts with '{options['prefix']}'")
            self.stdout.write(f"{revoked} token(s) revoked")
