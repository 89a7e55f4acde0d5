"""``manage.py demo_disputes``: demo disputes in every stage (called by ``demo_data``)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anxin.disputes.demo import demo_disputes


class Command(BaseCommand):
    help = (
        "Open demo disputes in every stage through the services, on the demo world's orders "
        "(skipped when disputes exist)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed (same seed, same disputes)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        result = demo_disputes(seed=options["seed"])
        if result.reason:
            self.stdout.write(f"Demo disputes not opened: {result.reason}.")
            return
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"{len(result.made)} demo disputes opened in {elapsed:.1f} s.")
        )
        for made in result.made:
            note = (
                " (on a stand-in's order: none of the demo login's fitted)" if made.stand_in else ""
            )
            self.stdout.write(f"  {made.number}  {made.status:<17}  next: {made.next}{note}")
        for name, why in result.skipped:
            self.stdout.write(self.style.WARNING(f"  left out: {name} ({why})"))
        if result.logins:
            self.stdout.write(
                "Also made for the disputes (password as the demo logins): "
                + ", ".join(result.logins)
            )
