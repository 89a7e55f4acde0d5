"""``manage.py demo_analytics``: the rollups of the demo world, its service targets and the
transparency reports of the last complete months (run last by demo_data)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from anxin.analytics.demo import demo_analytics


class Command(BaseCommand):
    help = "Build the analytics of the demo world, set its targets, publish its monthly reports."

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_analytics()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo analytics: {result.facts} case facts in {result.seconds:.1f} s, "
                f"{result.targets} targets ({result.alerts} missed), "
                f"reports {', '.join(result.reports) or 'none'}."
            )
        )
