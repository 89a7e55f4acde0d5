"""``manage.py demo_tickets``: the demo service desk (called by ``demo_data``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anxin.tickets.demo import demo_desk


class Command(BaseCommand):
    help = "Open demo tickets through the services (skipped when tickets exist)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=60)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        made = demo_desk(count=options["count"], seed=options["seed"])
        self.stdout.write(self.style.SUCCESS(f"{made} demo tickets opened."))
