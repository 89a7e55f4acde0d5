"""Fold the after-sales changes since the last refresh into the analytics facts and rollups."""

from typing import Any

from django.core.management.base import BaseCommand

from anxin.analytics.refresh import RefreshResult, analytics_refresh


def describe(result: RefreshResult) -> str:
    if result.skipped:
        return "another refresh is running: nothing done"
    return (
        f"{result.facts} case facts, {result.days} days of case rollups, "
        f"{result.delivered_days} days of deliveries, desk {result.desk} "
        f"({result.seconds:.2f} s)"
    )


class Command(BaseCommand):
    help = "Refresh the analytics facts and daily rollups from the changes since the last run."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"refreshed: {describe(analytics_refresh())}")
