"""Deliveries per local day: the denominator of every after-sales rate. An order counts on the
local (``settings.TIME_ZONE``) day a parcel of it was signed for, in each (merchant, top-level
category) and (…, SKU) its signed lines belong to; lines and units are those of the parcels
signed that day (as ``credit.figures.units_rows`` reads them)."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.db import connection, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from anxin.catalog.models import Delivery, DeliveryLine

from .models import DeliveredDay, DeliveredSkuDay
from .sql import AnyOf, batch_session, compiled, planner, quote

DAYS_PER_QUERY = 31
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


SIGNED = "analytics_signed_lines"  # a temporary table: the lines being rolled up
SIGNED_COLUMNS = {  # their columns: the dimensions, the order, the line and its units
    "day": "date",
    "merchant_id": "bigint",
    "category_id": "bigint",
    "sku_id": "bigint",
    "order_ref": "bigint",
    "line_id": "bigint",
    "quantity": "integer",
}


@contextmanager
def _signed(lines: models.QuerySet[DeliveryLine]) -> Iterator[None]:
    """``SIGNED`` holding these lines for the block: the joins from a parcel to its order, line,
    SKU and category are walked once for both grains. On PostgreSQL they are walked by index
    from the parcels signed for (nested loops): a day's parcels are a sliver of the orders and
    lines, which hash joins would read whole."""
    kept = ("day", "merchant_id", "category_id", "sku_id", "line_id", "quantity")
    rows = lines.values(*kept).annotate(order_ref=F("delivery__order_id"))
    sql, params, names = compiled(rows.order_by())
    columns = ", ".join(f"{quote(n)} {SIGNED_COLUMNS[n]}" for n in SIGNED_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {quote(SIGNED)}")
        cursor.execute(f"CREATE TEMPORARY TABLE {quote(SIGNED)} ({columns})")
        with planner(nestloop_only=True):
            cursor.execute(
                f"INSERT INTO {quote(SIGNED)} ({', '.join(quote(n) for n in names)}) {sql}",
                params,
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {quote(SIGNED)}")


def _rollup_signed() -> int:
    """Insert the rows of both grains from ``SIGNED``; returns the rows written."""
    written = 0
    with connection.cursor() as cursor:
        for model, dims in GRAINS:
            keys = ", ".join(quote(d) for d in dims)
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({keys}, orders, lines, units)"  # noqa: S608
                f" SELECT {keys}, COUNT(DISTINCT order_ref), COUNT(DISTINCT line_id),"
                f" COALESCE(SUM(quantity), 0) FROM {quote(SIGNED)} GROUP BY {keys}"
            )
            written += max(cursor.rowcount, 0)
    return written


def delivered_days(days: Collection[date]) -> int:
    """Rewrite the delivered orders, lines and units of ``days``; returns the rows written.
    The lines of each run of days are gathered once, then grouped at both grains."""
    written = 0
    for span in _spans(days):
        with transaction.atomic():
            batch_session()
            for model, _dims in GRAINS:
                model._default_manager.filter(day__in=span).delete()
            with _signed(signed_lines(span[0], span[-1])):
                written += _rollup_signed()
    return written


def delivered_pairs(pairs: Collection[tuple[date, int]]) -> int:
    """Rewrite the delivered rows of these (day, merchant) pairs only — a parcel signed for
    changes its shop's day, not the platform's; returns the rows written."""
    by_day: dict[date, list[int]] = {}
    for day, merchant_id in pairs:
        by_day.setdefault(day, []).append(merchant_id)
    written = 0
    with transaction.atomic():
        batch_session()
        for day, merchants in sorted(by_day.items()):
            ids = sorted(set(merchants))
            for model, _dims in GRAINS:
                model._default_manager.filter(AnyOf("merchant_id", ids), day=day).delete()
            lines = signed_lines(day, day).filter(AnyOf("delivery__order__merchant_id", ids))
            with _signed(lines):
                written += _rollup_signed()
    return written


def changed_pairs(since: datetime | None) -> set[tuple[date, int]]:
    """The (local day, merchant) of the parcels signed for, or recorded, since ``since``
    (None: every parcel signed for)."""
    signed = Delivery.objects.filter(signed_at__isnull=False)
    if since is not None:
        signed = signed.filter(Q(signed_at__gte=since) | Q(updated_at__gte=since))
    pairs = (
        signed.annotate(local_day=TruncDate("signed_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values_list("local_day", "order__merchant_id")
        .distinct()
    )
    with transaction.atomic(), planner(nestloop_only=True):  # the orders of a day's parcels
        return set(pairs)
