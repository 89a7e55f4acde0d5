"""Load the demo world: merchants, SKUs, customers, orders with deliveries, and demo logins."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anxin.catalog.demo import DEMO_LOGINS, DEMO_PASSWORD, demo_load, demo_logins_present
from anxin.catalog.models import Order

URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = "Generate a realistic demo world (about 30 merchants, N orders over the last 90 days)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orders", type=int, default=2000, help="orders to create")
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed (same seed, same data)"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the database has orders"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["orders"] < 0:
            raise CommandError("--orders must be 0 or more")
        if options["if_empty"] and Order.objects.exists():
            self.stdout.write("Orders already exist; demo data not loaded (--if-empty).")
            self._logins()
            return
        started = time.monotonic()
        result = demo_load(orders=options["orders"], seed=options["seed"])
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded in {elapsed:.1f} s (seed {options['seed']}).")
        )
        self.stdout.write("")
        self.stdout.write("In the database now:")
        width = max(len(name) for name in result.counts)
        for name, count in result.counts.items():
            self.stdout.write(f"  {name.replace('_', ' '):<{width}}  {count:>8,}")
        self._logins()
        if len(result.logins_created) < len(DEMO_LOGINS):
            self.stdout.write("Logins that existed before were left as they were.")
        merchant = result.token_merchant
        self.stdout.write(f"API token for {merchant.name} ({merchant.code}), shown only once:")
        self.stdout.write(f"  {result.token}")
        self.stdout.write("")
        self.stdout.write(f"Open {URL}")

    def _logins(self) -> None:
        rows = demo_logins_present()
        self.stdout.write("")
        if not rows:
            self.stdout.write("No demo logins exist in this database.")
            return
        self.stdout.write("Demo logins:")
        self.stdout.write(f"  {'role':<18}  {'username':<16}  password")
        self.stdout.write(f"  {'-' * 18}  {'-' * 16}  {'-' * len(DEMO_PASSWORD)}")
        for role, username in rows:
            self.stdout.write(f"  {role.value:<18}  {username:<16}  {DEMO_PASSWORD}")
        self.stdout.write("")
