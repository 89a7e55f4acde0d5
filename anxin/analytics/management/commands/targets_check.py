"""Measure the active service targets over their windows and alert the owners of missed ones."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from anxin.analytics.alerts import targets_check


class Command(BaseCommand):
    help = (
        "Measure every active service target over its window ending on --day (default: "
        "yesterday) and raise one alert per missed target and day, notifying its owner."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--day", help="the last day of the windows, YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options.get("day"):
            try:
                day = date.fromisoformat(options["day"])
            except ValueError as error:
                raise CommandError("--day must be a date such as 2026-11-30") from error
        raised = targets_check(day=day)
        self.stdout.write(f"{raised} alert(s) raised")
