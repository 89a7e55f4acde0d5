"""The counts behind the charts: units delivered and units returned, per SKU, per weekly delivery
cohort and per metric, read in one pass over deliveries and cases (no per-SKU queries).

**Cohorts (batches).** A SKU's subgroup is a *weekly delivery cohort*: the units signed for from a
Monday to the Sunday after (Asia/Shanghai), and the returns of exactly those units — a case counts
in the cohort of its order line's first signed delivery, not in the week it was opened. So the
rate is a true proportion of one batch of goods (a return can never belong to two cohorts), and
a recent cohort's rate grows as its returns come in; the daily scan looks at it again each day.

**Returns.** Every case naming a reason of the metric's group counts, whatever became of it
(rejected claims too): a quality signal routes to an inspector, who decides; nothing is punished
on the count alone. Units are the case's quantity.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from anxin.cases.models import Case
from anxin.catalog.models import DeliveryLine, Sku

from .choices import METRIC_REASONS, Metric

REASON_METRIC: dict[str, str] = {
    code: metric for metric, codes in METRIC_REASONS.items() for code in codes
}


def week_of(moment: datetime) -> date:
    """The Monday (local date) of the week ``moment`` falls in."""
    day = timezone.localtime(moment).date()
    return day - timedelta(days=day.weekday())


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class Cohort:
    units: int = 0
    returns: dict[str, int] = field(default_factory=lambda: {m.value: 0 for m in Metric})


@dataclass
class SkuFigures:
    sku_id: int
    merchant_id: int
    category_id: int
    cohorts: dict[date, Cohort] = field(default_factory=dict)

    @property
    def units(self) -> int:
        return sum(c.units for c in self.cohorts.values())

    def returns(self, metric: str) -> int:
        return sum(c.returns[metric] for c in self.cohorts.values())

    def series(self, metric: str) -> list[tuple[date, int, int]]:
        """``[(week, returns, units), …]`` oldest first, weeks without deliveries left out."""
        return [
            (week, c.returns[metric], c.units)
            for week, c in sorted(self.cohorts.items())
            if c.units > 0
        ]


def figures_load(
    *,
    since: date,
    until: date,
    merchant_id: int | None = None,
    sku_ids: list[int] | None = None,
    category_ids: list[int] | None = None,
) -> dict[int, SkuFigures]:
    """Per SKU, the cohorts of units signed for from ``since`` to ``until`` (inclusive), with
    their returns per metric."""
    deliveries = DeliveryLine.objects.filter(
        delivery__signed_at__gte=day_start(since),
        delivery__signed_at__lt=day_start(until + timedelta(days=1)),
    )
    if merchant_id is not None:
        deliveries = deliveries.filter(line__order__merchant_id=merchant_id)
    if sku_ids is not None:
        deliveries = deliveries.filter(line__sku_id__in=sku_ids)
    if category_ids is not None:
        deliveries = deliveries.filter(line__sku__category_id__in=category_ids)
    line_week: dict[int, date] = {}
    line_sku: dict[int, int] = {}
    per_sku: dict[int, dict[date, Cohort]] = defaultdict(dict)
    rows = deliveries.values_list("line_id", "line__sku_id", "quantity", "delivery__signed_at")
    for line_id, sku_id, quantity, signed_at in rows.iterator(chunk_size=5000):
        if signed_at is None:  # filtered out above; for the type checker
            continue
        week = week_of(signed_at)
        per_sku[sku_id].setdefault(week, Cohort()).units += quantity
        line_sku[line_id] = sku_id
        if line_id not in line_week or week < line_week[line_id]:
            line_week[line_id] = week
    cases = Case.unscoped.filter(
        line_id__in=deliveries.values("line_id"), reason__code__in=list(REASON_METRIC)
    ).values_list("line_id", "reason__code", "quantity")
    for line_id, code, quantity in cases.iterator(chunk_size=5000):
        cohort = line_week.get(line_id)
        if cohort is None:
            continue
        per_sku[line_sku[line_id]][cohort].returns[REASON_METRIC[code]] += quantity
    meta = Sku.objects.filter(pk__in=list(per_sku)).values_list("pk", "merchant_id", "category_id")
    return {pk: SkuFigures(pk, merchant, category, per_sku[pk]) for pk, merchant, category in meta}


def category_rates(figures: dict[int, SkuFigures]) -> dict[tuple[int, str], float]:
    """Each category's pooled rate per metric over the SKUs given: ``{(category_id, metric): p}``."""
    units: dict[int, int] = defaultdict(int)
    returns: dict[tuple[int, str], int] = defaultdict(int)
    for sku in figures.values():
        units[sku.category_id] += sku.units
        for metric in Metric:
            returns[(sku.category_id, metric.value)] += sku.returns(metric.value)
    return {
        (category, metric.value): (returns[(category, metric.value)] / n if n else 0.0)
        for category, n in units.items()
        for metric in Metric
    }
