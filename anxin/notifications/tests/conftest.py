"""Fixtures of the notifications tests: a local webhook receiver that checks signatures, the
case hooks (simulated until they are wired into anxin.cases), and a shop with its people."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from anxin.accounts.models import User
from anxin.catalog.models import Customer
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from anxin.notifications import signing
from anxin.notifications.models import WebhookEndpoint


@pytest.fixture(autouse=True)
def _loopback_receivers_allowed(settings: Any) -> None:
    settings.ANXIN_WEBHOOK_ALLOW_PRIVATE = True


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


@pytest.fixture
def receiver() -> Iterator[Receiver]:
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


def _wired(name: str) -> bool:
    import importlib

    module = importlib.import_module(name)
    return "case_transition_notify" in inspect.getsource(module)


@pytest.fixture
def case_hooks(monkeypatch: Any) -> None:
    """Call the notification hooks the way anxin.cases will once they are wired in (the
    transition's ``record`` hook and the end of ``case_open``); a no-op once they are."""
    if any(_wired(m) for m in ("anxin.cases.services", "anxin.cases.workflow")):
        return
    from anxin.cases import services as case_services
    from anxin.cases.workflow import CASE_WORKFLOW
    from anxin.notifications.services import case_opened_notify, case_transition_notify

    record = CASE_WORKFLOW.record
    assert record is not None

    def record_and_notify(step: Any) -> Any:
        event = record(step)
        case_transition_notify(step=step)
        return event

    arm = case_services.arm_state_deadlines

    def arm_and_notify(workflow: Any, case: Any, *, at: Any) -> None:
        arm(workflow, case, at=at)
        case_opened_notify(case=case)

    monkeypatch.setattr(CASE_WORKFLOW, "record", record_and_notify)
    monkeypatch.setattr(case_services, "arm_state_deadlines", arm_and_notify)


@dataclass
class Shop:
    merchant: Any
    order: Any
    consumer: User
    clerk_en: User
    clerk_zh: User
    other_shop_clerk: User


def person(username: str, role: Role, merchants: list[Any], *, language: str, email: str) -> User:
    user = f.user(username, role, merchants)
    User.objects.filter(pk=user.pk).update(language=language, email=email)
    user.refresh_from_db()
    return user


@pytest.fixture
def shop(db: Any) -> Shop:
    """Shop m1 with a delivered order of a consumer (English, with e-mail) and two members (an
    English one with e-mail, a Chinese one without); shop m2 with a member of its own."""
    from anxin.cases.tests.helpers import delivered_order, warehouse

    m1, m2 = f.merchant("m1"), f.merchant("m2")
    warehouse(m1)
    order = delivered_order(m1)
    consumer = person("buyer", Role.CONSUMER, [], language="en", email="buyer@example.com")
    Customer.objects.filter(pk=order.customer_id).update(user=consumer)
    clerk_en = person("clerk-en", Role.MERCHANT_ADMIN, [m1], language="en", email="en@m1.test")
    clerk_zh = person("clerk-zh", Role.MERCHANT_STAFF, [m1], language="zh-hans", email="")
    other = person("clerk-m2", Role.MERCHANT_ADMIN, [m2], language="en", email="m2@m2.test")
    return Shop(m1, order, consumer, clerk_en, clerk_zh, other)
