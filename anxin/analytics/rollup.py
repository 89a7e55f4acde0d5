"""The daily case rollups, re-aggregated from the case facts: ``rollup_days`` deletes the rows of
the given days at the three grains and writes them again with one GROUP BY per grain (and chunk
of days). The measures are defined once, in ``measure_kwargs``, for all three grains; they are
plain counts and sums with a filter, so the SQL is the same on SQLite, PostgreSQL or a columnar
engine.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, Expression, Q, Sum, Value
from django.db.models.functions import Coalesce

from .bins import EDGES, HISTOGRAMS, NBINS
from .facts import facts_rewrite, id_chunks
from .models import CaseDay, CaseFact, MerchantDay, PlatformDay
from .sql import AnyOf, batch_session, compile_where, compiled, insert_select, planner, quote

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
    """The rollup rows of ``facts`` at the grain ``dims``: dims, then ``ALIAS`` + measure, in
    the order of the dims (written in that order, a shop's day lies on a page or two)."""
    return facts.values(*dims).annotate(**aggregates()).order_by(*dims)


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
            batch_session()
            for model, dims in GRAINS:
                model._default_manager.filter(day__in=chunk).delete()
                rows = grouped(CaseFact.objects.filter(day__in=chunk), dims)
                written += insert_select(model, rows, prefix=ALIAS)
    return written


# The dimensions of a fact: the key of its finest rollup group, of which every coarser group's
# key is a part.
FACT_DIMS = ("day", "merchant_id", "category_id", "sku_id", "type", "reason_id", "channel")
TOUCHED = "analytics_touched_groups"  # a temporary table of FACT_DIMS


class Touched(Expression):
    """True for the rows of a rollup (or facts) whose ``dims`` are those of a row of the
    ``TOUCHED`` table: the rows of the groups a refresh rewrites."""

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, dims: tuple[str, ...]) -> None:
        super().__init__()
        self.dims = dims

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return _touched_sql(quote(compiler.query.get_initial_alias()), self.dims), []


def _touched_sql(table: str, dims: tuple[str, ...]) -> str:
    same = " AND ".join(f"t.{quote(d)} = {table}.{quote(d)}" for d in dims)
    return f"EXISTS (SELECT 1 FROM {quote(TOUCHED)} t WHERE {same})"  # noqa: S608 (names)


@contextmanager
def touched_groups() -> Iterator[None]:
    """A fresh temporary ``TOUCHED`` table for the duration of the block (in a transaction)."""
    fields = {f.name: f for f in CaseFact._meta.concrete_fields}
    columns = ", ".join(f"{quote(name)} {fields[name].db_type(connection)}" for name in FACT_DIMS)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {quote(TOUCHED)}")
        cursor.execute(f"CREATE TEMPORARY TABLE {quote(TOUCHED)} ({columns})")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {quote(TOUCHED)}")


def note_groups(case_ids: list[int]) -> None:
    """Add the groups the facts of these cases count in now to ``TOUCHED``."""
    facts = CaseFact.objects.filter(AnyOf("case_id", case_ids)).values(*FACT_DIMS).distinct()
    sql, params, names = compiled(facts.order_by())
    columns = ", ".join(quote(n) for n in names)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(TOUCHED)} ({columns}) {sql}", params)


def rollup_touched() -> tuple[int, int]:
    """Rewrite the rollup groups of ``TOUCHED`` at the three grains from the facts: delete their
    rows, insert the aggregate of the facts having their keys (a group left without facts has
    no row), so the rows equal those of ``rollup_days``. Returns (rows written, days).

    Each statement first narrows the table by an index — the touched days for the platform's
    rollup, the touched (day, shop) pairs for the shops' and SKUs' — then matches those rows to
    the touched groups by hashing (on PostgreSQL, no nested loop looking each group up: with a
    day's index that would read the whole day once per group)."""
    written = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT day, merchant_id FROM {quote(TOUCHED)}")  # noqa: S608
        shops: dict[date, list[int]] = {}
        for day, merchant_id in cursor.fetchall():  # (SQLite hands dates back as text)
            shops.setdefault(_as_date(day), []).append(merchant_id)
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {quote(TOUCHED)}")  # its size, for the join plans
        for model, dims in GRAINS:
            table = quote(model._meta.db_table)
            narrow = _days(shops) if model is PlatformDay else _shop_days(shops)
            where, params = compile_where(model, narrow)
            with planner(hash_only=True):
                cursor.execute(
                    f"DELETE FROM {table} WHERE {where} AND {_touched_sql(table, dims)}",  # noqa: S608
                    params,
                )
                facts = CaseFact.objects.filter(narrow).filter(Touched(dims))
                written += insert_select(model, grouped(facts, dims), prefix=ALIAS)
    return written, len(shops)


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _days(shops: dict[date, list[int]]) -> Q:
    return Q(day__in=sorted(shops)) if shops else Q(pk__in=[])


def _shop_days(shops: dict[date, list[int]]) -> Q:
    """The rows of these shops on these days: one (day, shops) condition per day, each served
    by the (merchant_id, day) index."""
    narrow = Q(pk__in=[])
    for day, merchants in sorted(shops.items()):
        narrow |= Q(AnyOf("merchant_id", merchants), day=day)
    return narrow


def refresh_cases(case_ids: Iterable[int], *, now: datetime) -> tuple[int, int]:
    """Rewrite the facts of these cases, then only the rollup groups they counted in before or
    count in now (``rollup_touched``); returns (facts written, days whose groups changed)."""
    written = 0
    with transaction.atomic(), touched_groups():
        batch_session()
        for chunk in id_chunks(case_ids):
            note_groups(chunk)  # where they counted
            written += facts_rewrite(chunk, now=now)
            note_groups(chunk)  # where they count now
        _rows, days = rollup_touched()
    return written, days
