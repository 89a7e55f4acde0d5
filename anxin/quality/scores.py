"""The stored daily 描述相符 score of each merchant (``AccuracyScore``): the daily scan and the
demo write it for every merchant in one pass over the window's deliveries; the public merchant
page and the public API read one row. The score moves slowly (a 90-day window), so yesterday's
figure is what a visitor sees; a shop with no row yet (new, or before the first scan) is
computed on the spot from its own categories only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from anxin.catalog.models import Merchant
from anxin.core import clock

from .accuracy import MerchantAccuracy, Score, accuracy_inputs, merchants_accuracy
from .charts import Interval
from .models import AccuracyScore
from .reviews_source import description_stars

STORED_FIELDS = (
    "day", "since", "until", "units", "returns", "rate", "interval_low", "interval_high",
    "expected", "value", "from_returns", "stars", "stars_count", "ratio", "computed_at",
)  # fmt: skip


@dataclass(frozen=True)
class DescriptionScore:
    """A merchant's description accuracy as the public page shows it (``MerchantAccuracy``'s
    figures without its SKUs). ``stored``: read from the daily row (else computed just now)."""

    merchant_id: int
    day: date
    since: date
    until: date
    units: int
    returns: int
    rate: float
    interval: Interval
    expected: float
    score: Score
    stored: bool


def _from_accuracy(acc: MerchantAccuracy, day: date, stored: bool) -> DescriptionScore:
    return DescriptionScore(
        merchant_id=acc.merchant_id, day=day, since=acc.since, until=acc.until, units=acc.units,
        returns=acc.returns, rate=acc.rate, interval=acc.interval, expected=acc.expected,
        score=acc.score, stored=stored,
    )  # fmt: skip


def _row(merchant_id: int, acc: MerchantAccuracy, day: date, now: datetime) -> AccuracyScore:
    return AccuracyScore(
        merchant_id=merchant_id, day=day, since=acc.since, until=acc.until, units=acc.units,
        returns=acc.returns, rate=acc.rate, interval_low=acc.interval.low,
        interval_high=acc.interval.high, expected=acc.expected, value=acc.score.value,
        from_returns=acc.score.from_returns, stars=acc.score.stars,
        stars_count=acc.score.stars_count, ratio=acc.score.ratio, computed_at=now,
    )  # fmt: skip


def _from_row(row: AccuracyScore) -> DescriptionScore:
    return DescriptionScore(
        merchant_id=row.merchant_id, day=row.day, since=row.since, until=row.until,
        units=row.units, returns=row.returns, rate=row.rate,
        interval=Interval(row.interval_low, row.interval_high), expected=row.expected,
        score=Score(row.value, row.from_returns, row.stars, row.stars_count, row.ratio),
        stored=True,
    )  # fmt: skip


def description_score(*, merchant_id: int) -> DescriptionScore:
    """The merchant's 描述相符 score for its public page: the stored daily row (one query), else
    computed now for this merchant alone (its categories' deliveries, not every shop's)."""
    row = AccuracyScore.unscoped.filter(merchant_id=merchant_id).first()
    if row is not None:
        return _from_row(row)
    acc = merchants_accuracy(merchant_ids=[merchant_id])[merchant_id]
    return _from_accuracy(acc, clock.localnow().date(), stored=False)


def accuracy_scores_store(*, today: date | None = None) -> int:
    """Compute every merchant's score once (one read of the window's deliveries) and store it:
    merchants with deliveries in the window, with 'as described' stars, or with a row already
    (so an old row never outlives its figures). Idempotent; returns how many rows were written."""
    inputs = accuracy_inputs(today=today)
    day = inputs.until
    ids = {f.merchant_id for f in inputs.figures.values()}
    ids |= set(AccuracyScore.unscoped.values_list("merchant_id", flat=True))
    ids |= set(description_stars(merchant_ids=None))
    ids &= set(Merchant.unscoped.filter(pk__in=ids).values_list("pk", flat=True))
    found = merchants_accuracy(merchant_ids=sorted(ids), inputs=inputs)
    now = clock.now()
    rows = [_row(merchant_id, acc, day, now) for merchant_id, acc in found.items()]
    AccuracyScore.unscoped.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["merchant"],
        update_fields=list(STORED_FIELDS),
    )
    return len(found)
