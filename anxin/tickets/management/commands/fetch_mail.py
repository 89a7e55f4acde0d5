"""``manage.py fetch_mail --maildir PATH`` or ``--imap``: receive new mail into the desk."""

from __future__ import annotations

import imaplib
import mailbox
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anxin.tickets.mail.fetch import imap_fetch, maildir_fetch


class Command(BaseCommand):
    help = "Receive new e-mail (a Maildir's new/ messages, or the IMAP folder's unseen ones)."

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--maildir", metavar="PATH", help="a Maildir directory")
        source.add_argument(
            "--imap", action="store_true", help="the folder of the ANXIN_IMAP_* settings"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = maildir_fetch(path=options["maildir"]) if options["maildir"] else imap_fetch()
        except (OSError, RuntimeError, mailbox.Error, imaplib.IMAP4.error) as error:
            raise CommandError(str(error)) from error
        summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing new"
        self.stdout.write(self.style.SUCCESS(f"Mail received: {summary}."))
