"""What quality reads from consumers' reviews, behind two small functions: the review texts of a
SKU (for the words consumers used) and a merchant's average 描述相符 stars (for the DSR score).

The reviews app is built alongside this one; until its selectors exist these return nothing, and
the description-accuracy figures rest on after-sales requests alone. Switching is this file only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Stars:
    average: float
    count: int


def review_texts(*, sku_id: int, since: datetime | None = None) -> list[str]:
    """The published review (and appended review) texts of one SKU."""
    return []


def description_stars(*, merchant_ids: list[int]) -> dict[int, Stars]:
    """Each merchant's average 'as described' stars over its published reviews."""
    return {}
