"""Compute every merchant's credit for a day (today by default) and take the ladder's steps."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anxin.credit.recompute import credit_recompute


class Command(BaseCommand):
    help = "Compute the day's merchant credit snapshots (idempotent per day) and act on them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--no-sanctions", action="store_true", help="write the scores, take no step"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = date.fromisoformat(options["day"]) if options["day"] else None
        except ValueError as exc:
            raise CommandError(f"--day: {exc}") from exc
        result = credit_recompute(day=day, sanctions=not options["no_sanctions"])
        steps = ", ".join(f"{s.merchant_id}:{s.step}" for s in result.sanctions) or "none"
        self.stdout.write(
            f"{result.day}: {result.snapshots} snapshots of {result.merchants} merchants, "
            f"{result.tier_changes} tier changes, steps taken: {steps} "
            f"({result.seconds.get('total', 0):.2f} s)"
        )
