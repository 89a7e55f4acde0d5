"""``manage.py quality_scan``: the daily control-chart scan and the sampling plans due (the same
work as the scheduled task; safe to run any time)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anxin.quality.scan import quality_scan


class Command(BaseCommand):
    help = "Chart every SKU's returns per delivery cohort, raise the quality alerts due and run due sampling plans."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=date.fromisoformat, default=None, help="scan as of YYYY-MM-DD"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = quality_scan(today=options["date"])
        self.stdout.write(
            f"{result.skus} SKUs charted, {result.signals} signals, "
            f"{len(result.alerts)} alerts raised, {len(result.sampled)} sampling tasks opened."
        )
        for number in [*result.alerts, *result.sampled]:
            self.stdout.write(f"  {number}")
