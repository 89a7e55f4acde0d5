"""The daily computation: every merchant's figures in a handful of aggregate queries, the scores
in memory, one snapshot row per merchant for the day written in one statement, the tier changes
told, then the ladder's steps taken.

Idempotent per day: a second run the same day rewrites that day's rows (the latest figures),
tells a tier change only if the tier differs from what the day's earlier run said, and takes no
step twice (one sanction of a kind per merchant per day).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from time import perf_counter
from typing import Any

from django.db import transaction
from django.utils import timezone

from anxin.catalog.choices import MerchantStatus
from anxin.catalog.models import Merchant
from anxin.core import clock

from .engine import MerchantScore, evaluate_all
from .factors import TREND_DAYS, WINDOW_DAYS
from .figures import figures_for
from .models import CreditSnapshot, Sanction
from .notify import tier_changed_notify
from .sanctions import ladder_run

SCORED = (MerchantStatus.ACTIVE, MerchantStatus.WARNED, MerchantStatus.RESTRICTED)


@dataclass
class RecomputeResult:
    day: date
    merchants: int = 0
    snapshots: int = 0
    tier_changes: int = 0
    sanctions: list[Sanction] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def window_end(day: date, now: datetime) -> datetime:
    """The end of ``day`` in the platform's time zone, or now if the day is not over."""
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return min(end, now)


def _earlier(
    ids: list[int], day: date
) -> tuple[dict[int, CreditSnapshot], dict[int, CreditSnapshot]]:
    """Per merchant: the latest snapshot before ``day`` (for a tier change) and the latest on or
    before ``day − 30`` (for the trend), from one query over the last 60 days."""
    rows = (
        CreditSnapshot.unscoped.filter(
            merchant_id__in=ids, day__lt=day, day__gte=day - timedelta(days=2 * TREND_DAYS)
        )
        .only("merchant_id", "day", "score", "tier", "factors")
        .order_by("merchant_id", "-day")
    )
    previous: dict[int, CreditSnapshot] = {}
    month_ago: dict[int, CreditSnapshot] = {}
    cut = day - timedelta(days=TREND_DAYS)
    for row in rows:
        previous.setdefault(row.merchant_id, row)
        if row.day <= cut:
            month_ago.setdefault(row.merchant_id, row)
    return previous, month_ago


def _with_trend(scored: MerchantScore, then: CreditSnapshot | None) -> dict[str, Any]:
    factors = scored.factors
    for key, row in factors.items():
        before = (then.factors.get(key) or {}).get("smoothed") if then else None
        now = row.get("smoothed")
        row["trend"] = None if before is None or now is None else round(now - before, 6)
    return factors


def credit_recompute(*, day: date | None = None, sanctions: bool = True) -> RecomputeResult:
    """Compute every scored merchant's credit for ``day`` (today by default) and act on it."""
    now = clock.now()
    day = day or timezone.localdate(now)
    until = window_end(day, now)
    since = until - timedelta(days=WINDOW_DAYS)
    result = RecomputeResult(day=day)
    started = perf_counter()
    shops = dict(Merchant.unscoped.filter(status__in=SCORED).values_list("pk", "code"))
    ids = sorted(shops)
    result.merchants = len(ids)
    figures = figures_for(merchant_ids=ids, since=since, until=until)
    result.seconds["figures"] = perf_counter() - started
    scores = evaluate_all(figures)
    result.seconds["scores"] = perf_counter() - started - result.seconds["figures"]
    previous, month_ago = _earlier(ids, day)
    earlier_today = dict(
        CreditSnapshot.unscoped.filter(merchant_id__in=ids, day=day).values_list(
            "merchant_id", "tier"
        )
    )
    rows: list[CreditSnapshot] = []
    for mid in ids:
        scored = scores[mid]
        if scored.score is None or scored.tier is None:
            continue  # nothing to judge yet (no deliveries, no requests)
        then = month_ago.get(mid)
        rows.append(
            CreditSnapshot(
                merchant_id=mid,
                day=day,
                score=scored.score,
                tier=scored.tier,
                factors=_with_trend(scored, then),
                volume={"units": scored.units, "cases": scored.cases},
                trend=(scored.score - then.score) if then else None,
                category=scored.category,
                computed_at=now,
            )
        )
    with transaction.atomic():
        CreditSnapshot.unscoped.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["merchant", "day"],
            update_fields=[
                "score",
                "tier",
                "factors",
                "volume",
                "trend",
                "category",
                "computed_at",
            ],
        )
        for row in rows:
            before = previous.get(row.merchant_id)
            from_tier = before.tier if before else None
            if from_tier is None or row.tier == from_tier:
                continue  # a first rating is not a change
            if earlier_today.get(row.merchant_id) == row.tier:
                continue  # told by the day's earlier run
            tier_changed_notify(
                merchant_id=row.merchant_id,
                code=shops[row.merchant_id],
                day=day,
                from_tier=from_tier,
                to_tier=row.tier,
                score=Decimal(row.score),
                at=now,
            )
            result.tier_changes += 1
    result.snapshots = len(rows)
    result.seconds["snapshots"] = perf_counter() - started - sum(result.seconds.values())
    if sanctions:
        saved = {
            s.merchant_id: s for s in CreditSnapshot.unscoped.filter(day=day, merchant_id__in=ids)
        }
        result.sanctions = ladder_run(day=day, snapshots=saved)
    result.seconds["total"] = perf_counter() - started
    return result
