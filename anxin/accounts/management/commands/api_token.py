"""Issue, list and revoke integrators' API tokens (the plain value is shown once, at creation)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anxin.accounts.models import ApiToken
from anxin.accounts.services import api_token_create, api_token_revoke, merchants
from anxin.core.actors import Actor, Role

OPERATOR = Actor(role=Role.ADMIN, platform=True, label="manage.py api_token")


class Command(BaseCommand):
    help = "Manage API tokens: create NAME [--merchant CODE] | list | revoke PREFIX"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="issue a token")
        create.add_argument("name")
        create.add_argument("--merchant", help="merchant code; omit for a platform token")
        sub.add_parser("list", help="list tokens")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "create":
            merchant_id = None
            if options["merchant"]:
                merchant = merchants().filter(code=options["merchant"]).first()
                if merchant is None:
                    raise CommandError(f"no merchant with code {options['merchant']!r}")
                merchant_id = merchant.pk
            issued = api_token_create(actor=OPERATOR, name=options["name"], merchant_id=merchant_id)
            self.stdout.write(issued.raw)
            self.stderr.write("Store this token now: only its hash is kept.")
        elif verb == "list":
            for token in ApiToken.objects.select_related("merchant").order_by("pk"):
                scope = token.merchant.code if token.merchant else "platform"
                state = "revoked" if token.revoked_at else "active"
                self.stdout.write(f"{token.prefix}  {scope:<16} {state:<8} {token.name}")
        else:
            found = ApiToken.objects.filter(prefix=options["prefix"]).first()
            if found is None:
                raise CommandError(f"no token with prefix {options['prefix']!r}")
            api_token_revoke(actor=OPERATOR, token=found)
            self.stdout.write(f"revoked {found.prefix}")
