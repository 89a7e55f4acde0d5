"""Freeze a month's transparency figures into its public report (运营数据公示)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from anxin.analytics.transparency import (
    last_complete_month,
    month_parse,
    transparency_publish,
)
from anxin.core.errors import ValidationFailed


class Command(BaseCommand):
    help = (
        "Publish the transparency report of --month (default: last month). A month already "
        "published is left unchanged unless --force is given."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--month", help="the month, YYYY-MM")
        parser.add_argument(
            "--force", action="store_true", help="rebuild a month already published"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = month_parse(options["month"]) if options.get("month") else last_complete_month()
            report, created = transparency_publish(month, force=options["force"])
        except ValidationFailed as error:
            raise CommandError("; ".join(str(m) for m in error.fields.values())) from error
        state = "published" if created else "already published (use --force to rebuild)"
        self.stdout.write(f"{report}: {state}")
