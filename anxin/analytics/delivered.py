"""Deliveries per local day: the denominator of every after-sales rate. An order counts on the
local (``settings.TIME_ZONE``) day a parcel of it was signed for, in each (merchant, top-level
category) and (…, SKU) its signed lines belong to; lines and units are those of the parcels
signed that day (as ``credit.figures.units_rows`` reads them)."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from anxin.catalog.models import Delivery, DeliveryLine

from .models import DeliveredDay, DeliveredSkuDay
from .sql import insert_select

DAYS_PER_QUERY = 31
ALIAS = "n_"  # the measures' annotations (``orders`` … are names of the joined tables)
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


def signed_lines(start: date, end: date) -> models.QuerySet[DeliveryLine]:
    """The parcel lines signed for from local day ``start`` to ``end`` (inclusive), with their
    rollup dimensions."""
    return DeliveryLine.objects.filter(
        delivery__signed_at__gte=day_start(start),
        delivery__signed_at__lt=day_start(end + ONE_DAY),
    ).annotate(
        day=TruncDate("delivery__signed_at", tzinfo=timezone.get_current_timezone()),
        merchant_id=F("delivery__order__merchant_id"),
        category_id=Coalesce("line__sku__category__parent_id", "line__sku__category_id"),
        sku_id=F("line__sku_id"),
    )


def grouped(lines: models.QuerySet[DeliveryLine], dims: tuple[str, ...]) -> models.QuerySet[Any]:
    """Orders, lines and units of ``lines`` at the grain ``dims`` (``ALIAS`` + column)."""
    return (
        lines.values(*dims)
        .annotate(
            **{
                ALIAS + "orders": Count("delivery__order_id", distinct=True),
                ALIAS + "lines": Count("line_id", distinct=True),
                ALIAS + "units": Coalesce(Sum("quantity"), 0),
            }
        )
        .order_by()
    )


def delivered_days(days: Collection[date]) -> int:
    """Rewrite the delivered orders, lines and units of ``days``; returns the rows written.
    One ``INSERT … SELECT`` per grain and run of days."""
    written = 0
    for span in _spans(days):
        signed = signed_lines(span[0], span[-1])
        with transaction.atomic():
            for model, dims in GRAINS:
                model._default_manager.filter(day__in=span).delete()
                written += insert_select(model, grouped(signed, dims), prefix=ALIAS)
    return written


def delivered_pairs(pairs: Collection[tuple[date, int]]) -> int:
    """Rewrite the delivered rows of these (day, merchant) pairs only — a parcel signed for
    changes its shop's day, not the platform's; returns the rows written. One ``DELETE`` and
    one ``INSERT … SELECT`` per grain and day."""
    by_day: dict[date, list[int]] = {}
    for day, merchant_id in pairs:
        by_day.setdefault(day, []).append(merchant_id)
    written = 0
    with transaction.atomic():
        for day, merchants in sorted(by_day.items()):
            ids = sorted(set(merchants))
            signed = signed_lines(day, day).filter(delivery__order__merchant_id__in=ids)
            for model, dims in GRAINS:
                model._default_manager.filter(day=day, merchant_id__in=ids).delete()
                written += insert_select(model, grouped(signed, dims), prefix=ALIAS)
    return written


def changed_pairs(since: datetime | None) -> set[tuple[date, int]]:
    """The (local day, merchant) of the parcels signed for, or recorded, since ``since``
    (None: every parcel signed for)."""
    signed = Delivery.objects.filter(signed_at__isnull=False)
    if since is not None:
        signed = signed.filter(Q(signed_at__gte=since) | Q(updated_at__gte=since))
    return set(
        signed.annotate(local_day=TruncDate("signed_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values_list("local_day", "order__merchant_id")
        .distinct()
    )
