"""Open demo after-sales cases on the demo world's orders (``demo_data`` runs this after loading
orders; it can also be run on its own)."""

import time
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anxin.cases.demo import demo_cases
from anxin.cases.models import Case


class Command(BaseCommand):
    help = "Open N demo after-sales cases through the real services, in a realistic mix of states."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=600, help="cases to open")
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed (same seed, same cases)"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the database has cases"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["count"] < 0:
            raise CommandError("--count must be 0 or more")
        if options["if_empty"] and Case.objects.exists():
            self.stdout.write(
                "After-sales cases already exist; demo cases not opened (--if-empty)."
            )
            return
        if options["count"] == 0:
            return
        started = time.monotonic()
        made = demo_cases(count=options["count"], seed=options["seed"])
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"{made:,} demo after-sales cases opened in {elapsed:.1f} s.")
        )
        statuses = Counter(Case.objects.values_list("status", flat=True))
        width = max((len(s) for s in statuses), default=0)
        for status, count in sorted(statuses.items(), key=lambda kv: -kv[1]):
            self.stdout.write(f"  {status.replace('_', ' '):<{width}}  {count:>8,}")
