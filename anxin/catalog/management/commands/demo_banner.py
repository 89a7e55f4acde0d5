"""``manage.py demo_banner``: the last screen of ``make run`` — the address, the demo logins and a
freshly issued merchant API token.

With ``--wait HOST:PORT`` it waits (in the background, started by ``make run`` just before the
server) until the development server accepts connections, so the banner comes after the server's
own start-up lines instead of scrolling away above them (ADR 0012).
"""

from __future__ import annotations

import os
import socket
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anxin.catalog.demo.banner import demo_banner_lines, demo_token_reissue

SETTLE = 0.5  # seconds for the server to print its own lines after it starts listening


def _split(host: str) -> tuple[str, int]:
    address, _, port = host.rpartition(":")
    return (address or "127.0.0.1").strip("[]"), int(port or 8000)


def _listening(address: str, port: int) -> bool:
    try:
        with socket.create_connection((address, port), timeout=0.5):
            return True
    except OSError:
        return False


class Command(BaseCommand):
    help = "Print the demo's address, logins and a new merchant API token (revoking the last one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--wait",
            metavar="HOST:PORT",
            help="first wait until a server listens there (print nothing if one already did, or "
            "if the process that started this one goes away)",
        )
        parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait at most")
        parser.add_argument("--url", help="the address to show (default: from --wait)")

    def handle(self, *args: Any, **options: Any) -> None:
        host = options["wait"]
        if host and not self._wait(host, options["timeout"]):
            return
        url = options["url"] or f"http://{host or '127.0.0.1:8000'}"
        if url.startswith("http://0.0.0.0"):
            url = url.replace("0.0.0.0", "127.0.0.1", 1)  # noqa: S104 - only the text shown
        issued = demo_token_reissue()
        token, merchant = (issued.raw, issued.token.merchant) if issued else ("", None)
        for line in demo_banner_lines(url=url, token=token, merchant=merchant):
            self.stdout.write(line)

    def _wait(self, host: str, timeout: float) -> bool:
        """True once a server we did not find already running listens on ``host``."""
        address, port = _split(host)
        if address == "0.0.0.0":  # noqa: S104 - connect locally to a server bound to every address
            address = "127.0.0.1"
        if _listening(address, port):
            return False  # somebody else's server: runserver will say the port is taken
        parent = os.getppid()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and os.getppid() == parent:
            if _listening(address, port):
                time.sleep(SETTLE)
                return True
            time.sleep(0.25)
        return False
