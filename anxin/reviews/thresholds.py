"""Every tunable number of reviews, in one place, each with the reason for its value.

The fraud thresholds only decide whether a person looks at a review: a signal never hides,
rejects or down-ranks anything by itself (PIPL art. 24). They err on the side of asking a person.
"""

from datetime import timedelta
from typing import Final

TEXT_MAX: Final = 500
"""Characters of a review, a 追评, a reply or a service-review comment (what a phone screen shows
without "more")."""

PHOTOS_MAX: Final = 9
"""Photos per review and per 追评: the common limit of upload widgets (and of case evidence)."""

APPEND_WINDOW: Final = timedelta(days=180)
"""A 追评 is written within 180 days of the review (how long most defects take to show)."""

# --- fraud signals ----------------------------------------------------------------------------

BURST_WINDOW: Final = timedelta(hours=24)
"""A burst is counted over the last 24 hours of one SKU's reviews."""

BURST_BASELINE: Final = timedelta(days=30)
"""The SKU's usual rate: its reviews per window over the 30 days before the burst window."""

BURST_MIN_COUNT: Final = 8
"""Fewer than 8 reviews in a day is never a burst, however quiet the SKU was before (a small shop's
first good day is not fraud)."""

BURST_FACTOR: Final = 5
"""A burst is at least 5 times the SKU's usual daily rate (and at least ``BURST_MIN_COUNT``)."""

SHINGLE_SIZE: Final = 3
"""Character 3-grams: Chinese has no spaces, and 3-grams survive small edits ("很好很好" / "很好很好！")."""

NEAR_DUPLICATE_JACCARD: Final = 0.8
"""Two texts whose 3-gram sets overlap by 80 % (Jaccard) are near-duplicates."""

NEAR_DUPLICATE_MIN_CHARS: Final = 12
"""Short texts ("很好", "不错，物美价廉") repeat honestly; only texts of 12 characters or more compare."""

NEAR_DUPLICATE_LOOKBACK: Final = timedelta(days=30)
NEAR_DUPLICATE_SAMPLE: Final = 300
"""Compared with the merchant's latest 300 reviews of the last 30 days (bounded work per review)."""

NEW_ACCOUNT_AGE: Final = timedelta(days=7)
"""An account younger than 7 days is brand-new (most real buyers review after delivery, days on)."""

CLUSTER_WINDOW: Final = timedelta(days=30)
CLUSTER_MIN_ACCOUNTS: Final = 3
"""Three or more different buyers reviewing one merchant from one delivery address or one device
within 30 days form a cluster (a family shares an address: two is normal)."""
