"""``manage.py demo_reviews``: demo reviews, replies, service reviews and moderation items (called
by ``demo_data``)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anxin.reviews.demo import demo_reviews


class Command(BaseCommand):
    help = "Write demo reviews through the services on the demo world's delivered orders (skipped when reviews exist)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed (same seed, same reviews)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        result = demo_reviews(seed=options["seed"])
        if result.reason:
            self.stdout.write(f"Demo reviews not written: {result.reason}.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.reviews} demo reviews ({result.photos} photos, {result.appended} appended, "
                f"{result.replies} shop replies), {result.service} service reviews, "
                f"{result.queued} items waiting for moderation, in {time.monotonic() - started:.1f} s."
            )
        )
        for why in result.skipped[:10]:
            self.stdout.write(self.style.WARNING(f"  left out: {why}"))
