"""Load the demo world: merchants, SKUs, customers, orders with deliveries, demo logins and
after-sales cases.

The cases are opened by the cases app's ``demo_cases`` command, called by name: the catalog does
not import the cases app (the cases app builds on the catalog, not the other way round).
"""

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anxin.catalog.demo import DEMO_LOGINS, demo_load
from anxin.catalog.demo.banner import demo_banner_lines
from anxin.catalog.models import Order
from anxin.core.models import AuditEntry

URL = "http://127.0.0.1:8000"
CASES_PER_ORDER = 0.06  # about one order in 16 has an after-sales request


class Command(BaseCommand):
    help = "Generate a realistic demo world (about 30 merchants, N orders over the last 90 days)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orders", type=int, default=2000, help="orders to create")
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed (same seed, same data)"
        )
        parser.add_argument(
            "--cases",
            type=int,
            default=None,
            help=f"after-sales cases to open (default: {CASES_PER_ORDER * 100:.0f}%% of the orders)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="load no orders when the database has orders, and open no cases when it has "
            "cases (a demo world without cases gets them)",
        )
        parser.add_argument(
            "--no-reputation",
            action="store_true",
            help="leave out the reviews, product quality and merchant credit demos (tests of the "
            "world, the cases and the disputes use this; those apps' own tests load theirs)",
        )
        parser.add_argument(
            "--no-banner",
            action="store_true",
            help="print no logins, address or token (make run prints them last, with demo_banner)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["orders"] < 0:
            raise CommandError("--orders must be 0 or more")
        if options["cases"] is not None and options["cases"] < 0:
            raise CommandError("--cases must be 0 or more")
        if options["if_empty"] and Order.objects.exists():
            self.stdout.write("Orders already exist; demo data not loaded (--if-empty).")
            # A demo world loaded before demo cases existed gets its cases now (once).
            if AuditEntry.objects.filter(action="demo_data.load").exists():
                self._cases(options, Order.objects.count())
            self._banner(options)
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
        self.stdout.write("")
        self._cases(options, options["orders"])
        # The service desk's demo tickets, by name too (the catalog does not know the desk).
        call_command("demo_tickets", stdout=self.stdout)
        call_command("demo_disputes", seed=options["seed"], stdout=self.stdout)
        if not options["no_reputation"]:
            # Reviews and quality first: the merchants' credit reads their figures.
            call_command("demo_reviews", seed=options["seed"], stdout=self.stdout)
            call_command("demo_quality", seed=options["seed"], stdout=self.stdout)
            call_command("demo_credit", seed=options["seed"], stdout=self.stdout)
        # Last: the rollups, targets and monthly reports read everything above.
        call_command("demo_analytics", stdout=self.stdout)
        if len(result.logins_created) < len(DEMO_LOGINS):
            self.stdout.write("Logins that existed before were left as they were.")
        self._banner(options, token=result.token, merchant=result.token_merchant)

    def _cases(self, options: dict[str, Any], orders: int) -> None:
        count = options["cases"]
        if count is None:
            count = round(orders * CASES_PER_ORDER)
        call_command(
            "demo_cases",
            count=count,
            seed=options["seed"],
            if_empty=options["if_empty"],
            stdout=self.stdout,
        )

    def _banner(self, options: dict[str, Any], **token: Any) -> None:
        if options["no_banner"]:
            return
        for line in demo_banner_lines(url=URL, **token):
            self.stdout.write(line)
