"""Fraud signals on a new review: a burst on its SKU, near-duplicate text, a brand-new account, a
cluster of buyers on one address or device. Each returns ``{"code", "params"}`` for the moderator
(explained in words by ``selectors.signal_explanations``); none of them changes the review
(PIPL art. 24: the review stays published until a person decides). Thresholds: ``thresholds.py``.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any

from anxin.core.crypto import lookup_hash

from . import thresholds as t
from .choices import ModerationReason
from .models import Review
from .screening import normalize

Signal = dict[str, Any]


def device_hash(device: str) -> str:
    """The keyed hash kept of a device string (never the string: it may hold an IP address)."""
    device = (device or "").strip()
    return lookup_hash("device:" + device) if device else ""


def address_hash(address: str) -> str:
    """The keyed hash kept of a delivery address, written in any spacing or width."""
    compact = "".join(ch for ch in unicodedata.normalize("NFKC", address or "") if ch.isalnum())
    return lookup_hash("address:" + compact.lower()) if compact else ""


def shingles(text: str, size: int = t.SHINGLE_SIZE) -> frozenset[str]:
    compact = normalize(text)
    if len(compact) < size:
        return frozenset({compact}) if compact else frozenset()
    return frozenset(compact[i : i + size] for i in range(len(compact) - size + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def burst(review: Review, at: datetime) -> Signal | None:
    """Many more reviews of the SKU in the last day than its usual daily rate."""
    rows = Review.unscoped.filter(sku_id=review.sku_id)
    recent = rows.filter(created_at__gt=at - t.BURST_WINDOW, created_at__lte=at).count()
    if recent < t.BURST_MIN_COUNT:
        return None
    start = at - t.BURST_WINDOW - t.BURST_BASELINE
    before = rows.filter(created_at__gt=start, created_at__lte=at - t.BURST_WINDOW).count()
    usual = before / (t.BURST_BASELINE / t.BURST_WINDOW)
    if recent < t.BURST_FACTOR * usual:
        return None
    return {
        "code": ModerationReason.BURST,
        "params": {"count": recent, "usual": round(usual, 1), "hours": 24},
    }


def near_duplicate(review: Review, at: datetime) -> Signal | None:
    """Nearly the same text as another recent review of the same merchant (another line)."""
    mine = shingles(review.text)
    if len(normalize(review.text)) < t.NEAR_DUPLICATE_MIN_CHARS:
        return None
    others = (
        Review.unscoped.filter(
            merchant_id=review.merchant_id, created_at__gte=at - t.NEAR_DUPLICATE_LOOKBACK
        )
        .exclude(pk=review.pk)
        .exclude(text="")
        .order_by("-created_at", "-pk")
        .values_list("public_id", "text")[: t.NEAR_DUPLICATE_SAMPLE]
    )
    best: tuple[float, str] | None = None
    for public_id, text in others:
        score = jaccard(mine, shingles(text))
        if score >= t.NEAR_DUPLICATE_JACCARD and (best is None or score > best[0]):
            best = (score, str(public_id))
    if best is None:
        return None
    return {
        "code": ModerationReason.NEAR_DUPLICATE,
        "params": {"similarity": round(best[0] * 100), "other": best[1]},
    }


def new_account(review: Review, at: datetime) -> Signal | None:
    user = review.user
    if user is None or user.date_joined <= at - t.NEW_ACCOUNT_AGE:
        return None
    days = max((at - user.date_joined).days, 0)
    return {
        "code": ModerationReason.NEW_ACCOUNT,
        "params": {"days": days, "limit": t.NEW_ACCOUNT_AGE.days},
    }


def cluster(review: Review, at: datetime) -> Signal | None:
    """Several different buyers of one merchant reviewing from one address or one device."""
    since = at - t.CLUSTER_WINDOW
    for kind, field in (("address", "address_hash"), ("device", "device_hash")):
        value = getattr(review, field)
        if not value:
            continue
        buyers = (
            Review.unscoped.filter(
                merchant_id=review.merchant_id, created_at__gte=since, **{field: value}
            )
            .values("customer_id")
            .distinct()
            .count()
        )
        if buyers >= t.CLUSTER_MIN_ACCOUNTS:
            return {
                "code": ModerationReason.CLUSTER,
                "params": {"kind": kind, "buyers": buyers, "days": t.CLUSTER_WINDOW.days},
            }
    return None


def signals_for(review: Review, at: datetime) -> list[Signal]:
    """Every signal a new review raises (usually none)."""
    found = [check(review, at) for check in (burst, near_duplicate, new_account, cluster)]
    return [s for s in found if s is not None]
