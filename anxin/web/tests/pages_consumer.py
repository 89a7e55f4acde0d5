"""Consumer portal pages for the screenshot, translation and latency checks."""

from __future__ import annotations

from typing import Any


def _order(world: Any) -> str:
    return f"/my/orders/{world.order.public_id}/"


def _request(world: Any) -> str:
    return f"/my/orders/{world.second_order.public_id}/lines/L1/request/"


def _case(world: Any) -> str:
    return f"/my/requests/{world.case.number}/"


PAGES = [
    ("consumer-home", "consumer", lambda world: "/my/"),
    ("consumer-orders", "consumer", lambda world: "/my/orders/"),
    ("consumer-order", "consumer", _order),
    ("consumer-request", "consumer", _request),
    ("consumer-cases", "consumer", lambda world: "/my/requests/"),
    ("consumer-case", "consumer", _case),
    ("consumer-notifications", "consumer", lambda world: "/my/notifications/"),
]
