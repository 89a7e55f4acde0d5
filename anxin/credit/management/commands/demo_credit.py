"""``manage.py demo_credit``: 30 days of demo credit with a shop in every tier, a warning, a
restriction and an appeal (run after the demo world, cases and disputes)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anxin.credit.demo import demo_credit


class Command(BaseCommand):
    help = "Compute 30 days of demo merchant credit (skipped when credit snapshots exist)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        result = demo_credit(seed=options["seed"])
        if result.reason:
            self.stdout.write(f"Demo credit not computed: {result.reason}.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo credit: {result.days} days computed in {time.monotonic() - started:.1f} s."
            )
        )
        for tier, codes in result.tiers.items():
            self.stdout.write(f"  {tier:<10} {len(codes):>3}  {', '.join(codes[:6])}")
        for line in result.sanctions:
            self.stdout.write(f"  sanction  {line}")
        if result.appeal:
            self.stdout.write(f"  appeal    {result.appeal} (waiting for an administrator)")
