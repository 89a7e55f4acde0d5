"""The analytics demo: the rollups built from the demo world, the service targets the seeds name
(90 % satisfied, requests decided within 48 h, tickets answered within 30 minutes, and a shop's
own after-sales rate) and the transparency reports of the complete months the demo covers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from anxin.accounts.services import actor_for_user
from anxin.core import clock
from anxin.core.actors import SYSTEM

from .alerts import targets_check
from .choices import TargetScope
from .refresh import analytics_rebuild
from .targets import target_set
from .transparency import transparency_publish

PLATFORM_TARGETS: tuple[tuple[str, Decimal], ...] = (
    ("csat_satisfied", Decimal("0.90")),  # nine in ten satisfied (4–5 stars)
    ("approve_median", Decimal("48")),  # a request decided within 48 hours
    ("ticket_response_median", Decimal("0.5")),  # a ticket answered within 30 minutes
)
SHOP_TARGET = ("after_sales_rate", Decimal("0.05"))  # the demo shop: at most 5 % of orders
REPORT_MONTHS = 2  # the complete months before this one that the 90-day demo covers


@dataclass
class DemoAnalytics:
    facts: int = 0
    seconds: float = 0.0
    targets: int = 0
    alerts: int = 0
    reports: list[str] = field(default_factory=list)


def _months_before(today: date, count: int) -> list[date]:
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    return sorted(months)


def demo_analytics() -> DemoAnalytics:
    """Build everything; idempotent (targets are upserted, a published month is left alone)."""
    result = DemoAnalytics()
    built = analytics_rebuild()
    result.facts, result.seconds = built.facts, built.seconds
    for metric, value in PLATFORM_TARGETS:
        target_set(actor=SYSTEM, metric=metric, scope=TargetScope.PLATFORM, value=value)
        result.targets += 1
    owner = get_user_model().objects.filter(username="merchant_admin").first()
    if owner is not None:
        merchant_ids = sorted(actor_for_user(owner).merchant_ids)
        if merchant_ids:
            target_set(
                actor=SYSTEM,
                metric=SHOP_TARGET[0],
                scope=TargetScope.MERCHANT,
                value=SHOP_TARGET[1],
                merchant_id=merchant_ids[0],
                owner_id=owner.pk,
            )
            result.targets += 1
    result.alerts = targets_check()
    today = clock.localnow().date()
    for month in _months_before(today, REPORT_MONTHS):
        report, _written = transparency_publish(month)
        result.reports.append(str(report))
    return result
