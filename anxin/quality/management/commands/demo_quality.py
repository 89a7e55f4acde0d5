"""``manage.py demo_quality``: an open alert, a task in inspection, a failed inspection with its
delisting, penalty, notice and rectification request, and a sampling plan (for ``demo_data``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anxin.quality.demo import demo_quality


class Command(BaseCommand):
    help = "Grow demo quality history through the services, scan it and act on the alerts (skipped when quality tasks exist)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="random seed")

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_quality(seed=options["seed"])
        if result.reason and not result.alerts:
            self.stdout.write(f"Demo quality not made: {result.reason}.")
            return
        self.stdout.write(self.style.SUCCESS(f"{len(result.alerts)} demo quality alerts raised."))
        for number, status in result.tasks.items():
            self.stdout.write(f"  {number}  {status}")
        if result.plan:
            self.stdout.write(f"  sampling plan: {result.plan}")
        if result.reason:
            self.stdout.write(self.style.WARNING(f"  {result.reason}"))
