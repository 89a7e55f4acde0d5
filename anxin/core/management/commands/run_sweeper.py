"""Run the deadline sweeper loop (safe to run in several processes at once)."""

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anxin.core.audit import audit_chain_all
from anxin.core.sweeper import deadline_sweep, run_forever


class Command(BaseCommand):
    help = "Fire due deadlines exactly once, every --interval seconds, until interrupted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument("--batch-size", type=int, default=200)
        parser.add_argument("--once", action="store_true", help="sweep one batch and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            result = deadline_sweep(batch_size=options["batch_size"])
            self.stdout.write(
                f"fired={result.fired} noop={result.noop} busy={result.busy} "
                f"retried={result.retried} failed={result.failed}"
            )
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            run_forever(
                interval=options["interval"],
                batch_size=options["batch_size"],
                stop=stop,
                also=[audit_chain_all],  # the safety net for audit rows a crash left unchained
            )
        except KeyboardInterrupt:
            stop.set()
        self.stdout.write("sweeper stopped")
