"""Helpers for the PostgreSQL race tests: seed rows, a shop with a paid order, threads that start
together, a counting refund-provider stub and sweeper subprocesses."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection, connections

from anxin.catalog.inputs import DeliveryIn, OrderIn
from anxin.catalog.models import Merchant, Order
from anxin.catalog.services import delivery_record, order_upsert
from anxin.catalog.tests import factories
from anxin.core.actors import Actor, Role

ADMIN = Actor(role=Role.ADMIN, platform=True, user_id=1, label="admin")


def postgres_required() -> None:
    """Row-lock races only mean something on PostgreSQL: skip on SQLite, unless CI requires them."""
    if connection.vendor != "postgresql":
        if os.environ.get("ANXIN_REQUIRE_POSTGRES"):
            pytest.fail("this test must run on PostgreSQL in CI")
        pytest.skip("row-lock races need PostgreSQL (CI runs them there)")


def reference_rows() -> None:
    """Categories, the platform policy and the reason codes come from data migrations, which a
    transactional test's flush erases for every later test: put them back (idempotent)."""
    from anxin.catalog.models import Category
    from anxin.catalog.reference import categories_install
    from anxin.policies.models import Policy, Reason
    from anxin.policies.reference import reference_install

    categories_install(Category)
    reference_install(Policy, Reason, Category)


def paid_order(
    shop: Merchant, external_id: str, *, shipped: bool = True, signed_at: datetime | None = None
) -> Order:
    """The factory order (L1: 2 units, 170.00 paid) of ``shop``. Shipped but not signed for, a
    refund without return ("refund_only") is allowed; signed for, returns are."""
    payload = factories.order_payload(external_id=external_id, merchant=shop.code)
    order = order_upsert(actor=ADMIN, data=OrderIn.model_validate(payload)).order
    if shipped:
        parcel: dict[str, Any] = {
            "carrier": "SF",
            "tracking_number": f"SF-{external_id}",
            "shipped_at": "2026-11-02T09:00:00+08:00",
        }
        if signed_at is not None:
            parcel["signed_at"] = signed_at.isoformat()
        delivery_record(actor=ADMIN, order=order, data=DeliveryIn.model_validate(parcel))
    return order


def consumer_of(order: Order) -> Actor:
    return Actor(role=Role.CONSUMER, user_id=900, customer_ids=frozenset({order.customer_id}))


def merchant_admin(shop: Merchant) -> Actor:
    return Actor(role=Role.MERCHANT_ADMIN, user_id=800, merchant_ids=frozenset({shop.pk}))


def race(*jobs: Callable[[], Any], timeout: float = 30.0) -> list[Any]:
    """Run each job in its own thread (own DB connection), released together by a barrier.

    Returns each job's result, or the exception it raised.
    """
    barrier = threading.Barrier(len(jobs), timeout=timeout)
    results: list[Any] = [None] * len(jobs)

    def run(i: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = job()
        except BaseException as exc:  # handed back to the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(i, job), daemon=True) for i, job in enumerate(jobs)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    stuck = [i for i, t in enumerate(threads) if t.is_alive()]
    assert not stuck, f"jobs {stuck} still running after {timeout}s (a deadlock?)"
    return results


@dataclass
class ProviderStub:
    """A local HTTP "payment gateway": counts refund calls and answers 200 with a reference."""

    url: str = ""
    calls: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextmanager
def provider_stub() -> Iterator[ProviderStub]:
    stub = ProviderStub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with stub.lock:
                stub.calls.append(
                    {"key": self.headers.get("Idempotency-Key"), "body": json.loads(body or b"{}")}
                )
                reference = f"gw-{len(stub.calls)}"
            answer = json.dumps({"reference": reference}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stub.url = f"http://127.0.0.1:{server.server_address[1]}/refunds"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def database_url(application_name: str = "") -> str:
    """A DATABASE_URL for the database this test runs on (the test database)."""
    s = connection.settings_dict
    auth = quote(s.get("USER") or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    url = f"postgres://{auth}@{host}:{port}/{s['NAME']}"
    return f"{url}?application_name={application_name}" if application_name else url
