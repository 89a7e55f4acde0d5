"""A local webhook receiver that checks signatures, for the tests of every app that sends webhooks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from anxin.core import clock
from anxin.notifications import signing
from anxin.notifications.models import WebhookEndpoint


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    status: int


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1:<free port>; answers each POST with the next scripted status
    (200 when the script is empty), or 401 when the signature does not verify."""

    url: str = ""
    secrets: dict[str, str] = field(default_factory=dict)
    statuses: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def endpoint(self, merchant: Any, name: str = "a", events: list[str] | None = None) -> Any:
        endpoint = WebhookEndpoint.objects.create(
            merchant=merchant, url=f"{self.url}/hooks/{name}", events=events or []
        )
        self.secrets[f"/hooks/{name}"] = endpoint.secret
        return endpoint

    def deliveries(self) -> list[str]:
        return [r.headers["X-Anxin-Delivery"] for r in self.requests]


@contextmanager
def receiver_serving() -> Iterator[Receiver]:
    """Serve a Receiver on a free loopback port for the duration of the block."""
    rec = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            secret = rec.secrets.get(self.path, "")
            verified = bool(secret) and signing.verify(
                secret=secret,
                timestamp=self.headers.get("X-Anxin-Timestamp", ""),
                body=body,
                signature=self.headers.get("X-Anxin-Signature", ""),
                now=clock.now().timestamp(),  # the tests' clock may be frozen
            )
            with rec.lock:
                status = rec.statuses.pop(0) if rec.statuses else 200
                if not verified:
                    status = 401
                rec.requests.append(Received(self.path, dict(self.headers), body, verified, status))
            self.send_response(status)
            if status in (301, 302):
                self.send_header("Location", "http://example.invalid/")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    rec.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield rec
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
