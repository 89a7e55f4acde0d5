"""Description accuracy (描述相符): how often a SKU's and a merchant's goods are returned as "not
as described", against the category norm, with the words consumers used and a DSR-style score.

**Rate.** Units returned with the not-as-described reason per unit delivered over the last
``WINDOW_DAYS`` (delivery cohorts as in ``figures.py``), with its 95 % Wilson interval.
**Norm.** The category's pooled rate over the same window (all shops). **Flag.** A SKU is flagged
when its whole interval lies above the norm (the excess is not chance) and it has at least
``MIN_UNITS`` units and ``MIN_RETURNS`` such returns.

**Score (1–5).** The merchant's rate, smoothed toward what its category mix would give
(``PRIOR_UNITS`` units of weight, so a shop with three orders sits near the norm), compared with
that expectation as ``ratio``: score = 4.5 − 1.5·log₂(ratio), clamped to 1–5 (at the norm 4.5,
twice the norm 3.0, four times 1.5). When consumers gave 'as described' stars in reviews, the
score blends them in with the weight of their number against ``STARS_PRIOR`` reviews.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from anxin.cases.models import Case
from anxin.catalog.models import Sku
from anxin.core import clock

from .charts import Interval, wilson
from .choices import NOT_AS_DESCRIBED_REASON, Metric
from .figures import SkuFigures, category_rates, figures_load
from .lexicon import AspectCount, aspects_of
from .reviews_source import description_stars, review_texts

WINDOW_DAYS = 90
MIN_UNITS = 50
MIN_RETURNS = 3
PRIOR_UNITS = 200
STARS_PRIOR = 20
TEXTS_MAX = 500  # the most recent texts read per SKU for its words
NAD = Metric.NOT_AS_DESCRIBED.value


@dataclass(frozen=True)
class SkuAccuracy:
    sku_id: int
    merchant_id: int
    category_id: int
    units: int
    returns: int
    rate: float
    interval: Interval
    norm: float
    flagged: bool


@dataclass(frozen=True)
class Score:
    value: float  # 1–5, one decimal
    from_returns: float  # the part from the return rate
    stars: float | None  # average 'as described' stars in reviews, if any
    stars_count: int
    ratio: float  # the smoothed rate over the expected rate


@dataclass(frozen=True)
class MerchantAccuracy:
    merchant_id: int
    since: date
    until: date
    units: int
    returns: int
    rate: float
    interval: Interval
    expected: float  # the norm of its category mix
    score: Score
    skus: list[SkuAccuracy] = field(default_factory=list)

    @property
    def flagged(self) -> list[SkuAccuracy]:
        return [s for s in self.skus if s.flagged]


def window(today: date | None = None) -> tuple[date, date]:
    until = today or clock.localnow().date()
    return until - timedelta(days=WINDOW_DAYS - 1), until


def sku_accuracy(figures: SkuFigures, norm: float) -> SkuAccuracy:
    """One SKU's rate, interval and flag against its category norm."""
    units, returns = figures.units, figures.returns(NAD)
    interval = wilson(returns, units)
    flagged = units >= MIN_UNITS and returns >= MIN_RETURNS and interval.low > norm
    return SkuAccuracy(
        sku_id=figures.sku_id,
        merchant_id=figures.merchant_id,
        category_id=figures.category_id,
        units=units,
        returns=returns,
        rate=returns / units if units else 0.0,
        interval=interval,
        norm=norm,
        flagged=flagged,
    )


def score(*, returns: int, units: int, expected: float, stars: float | None = None,
          stars_count: int = 0) -> Score:  # fmt: skip
    """The DSR-style 描述相符 score (see the module's text)."""
    expected = max(expected, 0.001)
    smoothed = (returns + PRIOR_UNITS * expected) / (units + PRIOR_UNITS)
    ratio = smoothed / expected
    part = min(5.0, max(1.0, 4.5 - 1.5 * math.log2(ratio)))
    value = part
    if stars is not None and stars_count > 0:
        value = (stars_count * stars + STARS_PRIOR * part) / (stars_count + STARS_PRIOR)
    return Score(round(value, 1), round(part, 2), stars, stars_count, round(ratio, 3))


@dataclass(frozen=True)
class AccuracyInputs:
    """What the figures are computed from: the window's per-SKU cohorts and the category norms.
    Load it once and hand it to ``merchants_accuracy`` (and the report) to read deliveries once."""

    since: date
    until: date
    figures: dict[int, SkuFigures]
    norms: dict[tuple[int, str], float]


def accuracy_inputs(
    *, merchant_ids: list[int] | None = None, today: date | None = None
) -> AccuracyInputs:
    """The window's figures: every shop's (``merchant_ids`` None), else only the SKUs of the
    categories these merchants sell in — all shops of those categories, which the norms need,
    and nothing else."""
    since, until = window(today)
    if merchant_ids is None:
        figures = figures_load(since=since, until=until)
    else:
        categories = (
            Sku.objects.filter(merchant_id__in=merchant_ids)
            .values_list("category_id", flat=True)
            .distinct()
        )
        figures = figures_load(since=since, until=until, category_ids=list(categories))
    return AccuracyInputs(since, until, figures, category_rates(figures))


def merchants_accuracy(
    *,
    merchant_ids: list[int] | None = None,
    today: date | None = None,
    inputs: AccuracyInputs | None = None,
) -> dict[int, MerchantAccuracy]:
    """Each merchant's description accuracy over the window (all merchants with deliveries when
    ``merchant_ids`` is None); norms come from every shop of the categories involved. ``inputs``
    (from ``accuracy_inputs``) saves reading the deliveries again."""
    if inputs is None:
        inputs = accuracy_inputs(merchant_ids=merchant_ids, today=today)
    since, until, everything, norms = inputs.since, inputs.until, inputs.figures, inputs.norms
    by_merchant: dict[int, list[SkuFigures]] = defaultdict(list)
    wanted = None if merchant_ids is None else set(merchant_ids)
    for found in everything.values():
        if wanted is None or found.merchant_id in wanted:
            by_merchant[found.merchant_id].append(found)
    ids = list(merchant_ids) if merchant_ids is not None else list(by_merchant)
    stars = description_stars(merchant_ids=ids)
    result: dict[int, MerchantAccuracy] = {}
    for merchant_id in ids:
        skus = [
            sku_accuracy(f, norms.get((f.category_id, NAD), 0.0))
            for f in by_merchant.get(merchant_id, [])
        ]
        units = sum(s.units for s in skus)
        returns = sum(s.returns for s in skus)
        expected = sum(s.units * s.norm for s in skus) / units if units else 0.0
        given = stars.get(merchant_id)
        result[merchant_id] = MerchantAccuracy(
            merchant_id=merchant_id,
            since=since,
            until=until,
            units=units,
            returns=returns,
            rate=returns / units if units else 0.0,
            interval=wilson(returns, units),
            expected=expected,
            score=score(
                returns=returns,
                units=units,
                expected=expected,
                stars=given.average if given else None,
                stars_count=given.count if given else 0,
            ),
            skus=sorted(skus, key=lambda s: (not s.flagged, -s.rate, s.sku_id)),
        )
    return result


def merchant_accuracy(*, merchant_id: int, today: date | None = None) -> MerchantAccuracy:
    return merchants_accuracy(merchant_ids=[merchant_id], today=today)[merchant_id]


def sku_texts(*, sku_id: int, reasons: tuple[str, ...] = (NOT_AS_DESCRIBED_REASON,)) -> list[str]:
    """What consumers wrote about a SKU: the descriptions of their requests for ``reasons``
    (default: not as described) and their reviews, the most recent first."""
    since = clock.now() - timedelta(days=WINDOW_DAYS * 2)
    described = list(
        Case.unscoped.filter(line__sku_id=sku_id, reason__code__in=reasons, created_at__gte=since)
        .exclude(description="")
        .order_by("-created_at")
        .values_list("description", flat=True)[:TEXTS_MAX]
    )
    return described + review_texts(sku_id=sku_id, since=since)[:TEXTS_MAX]


def sku_aspects(
    *, sku_id: int, reasons: tuple[str, ...] = (NOT_AS_DESCRIBED_REASON,)
) -> list[AspectCount]:
    """The aspects consumers named for one SKU, with the words they used and how often."""
    return aspects_of(sku_texts(sku_id=sku_id, reasons=reasons))


def sku_names(sku_ids: list[int]) -> dict[int, tuple[str, str]]:
    return {pk: (code, name) for pk, code, name in
            Sku.objects.filter(pk__in=sku_ids).values_list("pk", "code", "name")}  # fmt: skip
