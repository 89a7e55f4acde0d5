"""``manage.py quality_reports``: send a month's quality report to every merchant that has not
had it (default: last month)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anxin.quality.report import quality_reports_send


def _month(value: str) -> date:
    return date.fromisoformat(f"{value}-01")


class Command(BaseCommand):
    help = "Send the monthly quality reports (idempotent per merchant and month)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--month", type=_month, default=None, help="YYYY-MM (default: last month)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = quality_reports_send(month=options["month"])
        self.stdout.write(f"{sent} quality reports sent.")
