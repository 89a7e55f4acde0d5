"""Deliver the outbox (e-mails, webhooks): once until idle, or as a loop (safe in several processes)."""

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anxin.notifications.delivery import outbox_deliver_until_idle, run_forever


class Command(BaseCommand):
    help = (
        "Send due e-mails and webhooks with retries. Delivery is at least once: receivers "
        "deduplicate on the X-Anxin-Delivery header."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep delivering until stopped")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between rounds")
        parser.add_argument("--batch-size", type=int, default=100)

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["loop"]:
            counts = outbox_deliver_until_idle(batch_size=options["batch_size"])
            self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            run_forever(interval=options["interval"], batch_size=options["batch_size"], stop=stop)
        except KeyboardInterrupt:
            stop.set()
        self.stdout.write("outbox deliverer stopped")
