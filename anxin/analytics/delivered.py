"""Deliveries per local day: the denominator of every after-sales rate. An order counts on the
local (``settings.TIME_ZONE``) day a parcel of it was signed for, in each (merchant, top-level
category) and (…, SKU) its signed lines belong to; lines and units are those of the parcels
signed that day (as ``credit.figures.units_rows`` reads them)."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date, datetime, time, timedelta

from django.db import models, transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from anxin.catalog.models import DeliveryLine

from .models import DeliveredDay, DeliveredSkuDay

DAYS_PER_QUERY = 31
BATCH = 2000
ONE_DAY = timedelta(days=1)

GRAINS: tuple[tuple[type[models.Model], tuple[str, ...]], ...] = (
    (DeliveredDay, ("day", "merchant_id", "category_id")),
    (DeliveredSkuDay, ("day", "merchant_id", "category_id", "sku_id")),
)


def day_start(day: date) -> datetime:
    """Midnight starting the local day, as an aware time."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _spans(days: Collection[date]) -> Iterator[list[date]]:
    """Runs of consecutive days, at most a month each: one range query per run."""
    run: list[date] = []
    for day in sorted(set(days)):
        if run and (day - run[-1] != ONE_DAY or len(run) >= DAYS_PER_QUERY):
            yield run
            run = []
        run.append(day)
    if run:
        yield run


def delivered_days(days: Collection[date]) -> int:
    """Rewrite the delivered orders, lines and units of ``days``; returns the rows written."""
    written = 0
    tz = timezone.get_current_timezone()
    for span in _spans(days):
        signed = DeliveryLine.objects.filter(
            delivery__signed_at__gte=day_start(span[0]),
            delivery__signed_at__lt=day_start(span[-1] + ONE_DAY),
        ).annotate(
            day=TruncDate("delivery__signed_at", tzinfo=tz),
            merchant_id=F("delivery__order__merchant_id"),
            category_id=Coalesce("line__sku__category__parent_id", "line__sku__category_id"),
            sku_id=F("line__sku_id"),
        )
        with transaction.atomic():
            for model, dims in GRAINS:
                model._default_manager.filter(day__in=span).delete()
                rows = (
                    signed.values(*dims)
                    .annotate(
                        n_orders=Count("delivery__order_id", distinct=True),
                        n_lines=Count("line_id", distinct=True),
                        n_units=Sum("quantity"),
                    )
                    .order_by()
                )
                batch: list[models.Model] = []
                for row in rows.iterator(chunk_size=BATCH):
                    batch.append(
                        model(
                            **{d: row[d] for d in dims},
                            orders=row["n_orders"],
                            lines=row["n_lines"],
                            units=row["n_units"] or 0,
                        )
                    )
                    if len(batch) >= BATCH:
                        model._default_manager.bulk_create(batch)
                        written, batch = written + len(batch), []
                model._default_manager.bulk_create(batch)
                written += len(batch)
    return written
