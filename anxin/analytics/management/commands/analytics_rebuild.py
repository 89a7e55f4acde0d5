"""Recompute every analytics fact and rollup from the source tables."""

from typing import Any

from django.core.management.base import BaseCommand

from anxin.analytics.management.commands.analytics_refresh import describe
from anxin.analytics.refresh import analytics_rebuild


class Command(BaseCommand):
    help = "Rebuild the analytics facts, daily rollups and deliveries from scratch."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"rebuilt: {describe(analytics_rebuild())}")
