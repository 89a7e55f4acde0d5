"""Reviews, credit and quality pages outside the merchant and manage registries, for the
translation, CSRF and screenshot sweeps: the public pages (no login), the consumer's reviews,
the review moderation queue and the quality inspector's workspace (an administrator opens it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _product_reviews(world: Any) -> str:
    line = world.order.lines.select_related("sku").first()
    return f"/merchants/{world.shop.code}/products/{line.sku.code}/reviews/"


PAGES: list[tuple[str, str, Callable[[Any], str]]] = [
    ("public-merchant", "", lambda world: f"/merchants/{world.shop.code}/"),
    ("public-product-reviews", "", _product_reviews),
    ("public-notices", "", lambda world: "/notices/"),
    ("consumer-reviews", "consumer", lambda world: "/my/reviews/"),
    ("console-reviews", "agent", lambda world: "/console/reviews/"),
    ("inspector-alerts", "admin", lambda world: "/console/quality/"),
    ("inspector-tasks", "admin", lambda world: "/console/quality/tasks/"),
    ("inspector-plans", "admin", lambda world: "/console/quality/plans/"),
    ("inspector-notices", "admin", lambda world: "/console/quality/notices/"),
    ("inspector-accuracy", "admin", lambda world: "/console/quality/accuracy/"),
]
