"""Check every tenant's audit hash chain and name the first broken row."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anxin.core import clock
from anxin.core.audit import audit_verify
from anxin.core.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the tamper-evident audit chains; exits non-zero when one is broken."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", action="append", help="only this tenant (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        stale = AuditEntry.objects.filter(
            seq__isnull=True, created_at__lt=clock.now() - timedelta(minutes=5)
        ).count()
        if stale:
            self.stderr.write(
                f"WARNING {stale} row(s) older than 5 minutes are not chained yet; "
                "run `manage.py run_sweeper` (it chains them) and verify again"
            )
        breaks = list(audit_verify(tenants=options["tenant"]))
        for b in breaks:
            self.stderr.write(
                f"BROKEN tenant={b.tenant} seq={b.seq} row_id={b.entry_id}: {b.reason}"
            )
        if breaks:
            raise CommandError(f"{len(breaks)} audit chain(s) broken")
        self.stdout.write(self.style.SUCCESS("audit chains verified: OK"))
