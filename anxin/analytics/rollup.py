"""The daily case rollups, re-aggregated from the case facts: ``rollup_days`` deletes the rows of
the given days at the three grains and writes them again with one GROUP BY per grain (and chunk
of days). The measures are defined once, in ``measure_kwargs``, for all three grains; they are
plain counts and sums with a filter, so the SQL is the same on SQLite, PostgreSQL or a columnar
engine.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from django.db import models, transaction
from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce

from .bins import EDGES, HISTOGRAMS, NBINS
from .models import CaseDay, CaseFact, MerchantDay, PlatformDay
from .sql import insert_select

DAYS_PER_QUERY = 31  # a month of days per GROUP BY
ALIAS = "m_"  # annotations cannot reuse the facts' column names (response_hours …)

# The grains: the rollup model and the fact columns it groups by.
GRAINS: tuple[tuple[type[models.Model], tuple[str, ...]], ...] = (
    (PlatformDay, ("day", "category_id", "type", "reason_id", "channel")),
    (MerchantDay, ("day", "merchant_id", "category_id", "type", "reason_id", "channel")),
    (CaseDay, ("day", "merchant_id", "category_id", "sku_id", "type", "reason_id", "channel")),
)


def bin_filter(measure: str, i: int) -> Q:
    """The facts whose ``<measure>_hours`` falls in bin ``i`` (``bins.bin_of``): the first bin
    also takes negative durations (clock skew), the last one is open above."""
    field = f"{measure}_hours"
    low = Q(**{f"{field}__gte": EDGES[i]}) if i > 0 else Q(**{f"{field}__isnull": False})
    if i == NBINS - 1:
        return low
    return low & Q(**{f"{field}__lt": EDGES[i + 1]})


def measure_kwargs() -> dict[str, Any]:
    """The aggregate of every ``CaseMeasures`` column over a group of case facts, by column."""
    hours = {f"{h}_hours": Q(**{f"{h}_hours__isnull": False}) for h in HISTOGRAMS}
    measures: dict[str, Any] = {
        "cases": Count("pk"),
        "refunded": Count("pk", filter=hours["refund_hours"]),
        "refund_amount": Sum("refund_amount"),
        "responded": Count("pk", filter=hours["response_hours"]),
        "response_hours": Sum("response_hours"),
        "approved": Count("pk", filter=hours["approve_hours"]),
        "approve_hours": Sum("approve_hours"),
        "refund_hours": Sum("refund_hours"),
        "closed": Count("pk", filter=hours["close_hours"]),
        "close_hours": Sum("close_hours"),
        "answered": Count("pk", filter=~Q(answered_by="")),
        "answered_in_time": Count("pk", filter=Q(answered_by="merchant")),
        "auto_acted": Count("pk", filter=Q(auto_acted=True)),
        "disputed": Count("pk", filter=Q(disputed=True)),
        "intervened": Count("pk", filter=Q(intervened=True)),
        "csat_n": Count("pk", filter=Q(csat__isnull=False)),
        "csat_sum": Sum("csat"),
        "csat_low": Count("pk", filter=Q(csat__lte=2)),
        "csat_high": Count("pk", filter=Q(csat__gte=4)),
    }
    for h in HISTOGRAMS:
        for i in range(NBINS):
            measures[f"{h}_b{i}"] = Count("pk", filter=bin_filter(h, i))
    return measures


def aggregates() -> dict[str, Any]:
    """``measure_kwargs`` as the annotations of a rollup ``INSERT … SELECT``: named ``ALIAS`` +
    column, and a sum over no durations is 0 (the columns are NOT NULL), not NULL."""
    columns = {f.name: f for f in PlatformDay._meta.concrete_fields}
    made: dict[str, Any] = {}
    for key, aggregate in measure_kwargs().items():
        if isinstance(aggregate, Sum):
            aggregate = Coalesce(aggregate, Value(0), output_field=columns[key])
        made[ALIAS + key] = aggregate
    return made


def grouped(facts: models.QuerySet[CaseFact], dims: tuple[str, ...]) -> models.QuerySet[Any]:
    """The rollup rows of ``facts`` at the grain ``dims``: dims, then ``ALIAS`` + measure."""
    return facts.values(*dims).annotate(**aggregates()).order_by()


def _day_chunks(days: Collection[date]) -> Iterator[list[date]]:
    ordered = sorted(set(days))
    for i in range(0, len(ordered), DAYS_PER_QUERY):
        yield ordered[i : i + DAYS_PER_QUERY]


def rollup_days(days: Collection[date]) -> int:
    """Rewrite the three case rollups of ``days`` from the facts; returns the rows written.
    One ``INSERT … SELECT`` per grain and month of days: the rows never reach Python."""
    written = 0
    for chunk in _day_chunks(days):
        with transaction.atomic():
            for model, dims in GRAINS:
                model._default_manager.filter(day__in=chunk).delete()
                rows = grouped(CaseFact.objects.filter(day__in=chunk), dims)
                written += insert_select(model, rows, prefix=ALIAS)
    return written


# The dimensions of a fact, and those that pick the groups ``rollup_groups`` rewrites at each
# grain: a shop's day and a SKU's day hold few cases, so all their groups are rewritten; a
# platform day holds every shop's, so only the groups touched are.
FACT_DIMS = ("day", "merchant_id", "category_id", "sku_id", "type", "reason_id", "channel")
PICKED_BY: dict[type[models.Model], tuple[str, ...]] = {
    PlatformDay: GRAINS[0][1],
    MerchantDay: ("day", "merchant_id"),
    CaseDay: ("day", "sku_id"),
}
GROUPS_PER_STATEMENT = 200  # OR-ed conditions in one statement (SQLite nests them 1000 deep)


def _picked(names: tuple[str, ...], keys: list[tuple[Any, ...]]) -> Q:
    """The rows whose ``names`` are one of ``keys``: keys sharing all but the last value are
    one ``IN``; the days again as a plain ``IN`` so the day indexes serve."""
    by_prefix: dict[tuple[Any, ...], list[Any]] = {}
    for key in keys:
        by_prefix.setdefault(key[:-1], []).append(key[-1])
    any_of = Q()
    for prefix, lasts in by_prefix.items():
        any_of |= Q(**dict(zip(names[:-1], prefix, strict=True)), **{f"{names[-1]}__in": lasts})
    return Q(day__in=sorted({key[0] for key in keys})) & any_of


def rollup_groups(facts: Iterable[Mapping[str, Any]]) -> int:
    """Rewrite only the rollup groups facts with these dimensions (``FACT_DIMS``) count in —
    the old and new dimensions of the facts a refresh rewrote — at the three grains; returns the
    rows written. Each statement deletes and re-aggregates whole groups (a condition on the
    grain's own columns), so the rows equal those of ``rollup_days``."""
    keys = list(facts)
    written = 0
    with transaction.atomic():
        for model, dims in GRAINS:
            names = PICKED_BY[model]
            picked = sorted({tuple(key[n] for n in names) for key in keys})
            for i in range(0, len(picked), GROUPS_PER_STATEMENT):
                where = _picked(names, picked[i : i + GROUPS_PER_STATEMENT])
                model._default_manager.filter(where).delete()
                rows = grouped(CaseFact.objects.filter(where), dims)
                written += insert_select(model, rows, prefix=ALIAS)
    return written
