"""The monthly public transparency report (运营数据公示): the platform's after-sales figures of one
month — median time to refund, after-sales, dispute and platform-intervention rates, satisfaction,
merchants by credit tier, quality notices — for the whole platform and by top-level category.

Small cells are suppressed, k-anonymity style, so that no shop and no consumer can be singled out:

- a figure computed from fewer than ``K`` requests (or survey answers, or refunds) is not shown;
- a category whose requests come from fewer than ``MIN_SHOPS`` shops, or mostly (more than
  ``DOMINANT_SHARE``) from one shop, is not shown at all (its figures would describe that shop);
- a tier holding 1 to ``K_TIERS - 1`` shops is not shown;
- complementary suppression: when a column hides a cell and the total is shown, the next
  smallest cells are hidden too until the hidden ones are at least two and add up to at least
  the threshold, so a hidden cell cannot be recovered as the total minus the others (if that is
  impossible, the total goes as well).

Quality notices name their shop on purpose (they are public notices), so their counts are not
suppressed. ``transparency_publish`` freezes a month's figures into a ``TransparencyReport`` once:
its page, CSV and PDF keep showing them, whatever changes in the data later.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anxin.catalog.models import Category
from anxin.core import clock
from anxin.core.actors import SYSTEM
from anxin.core.audit import audit_record
from anxin.core.errors import NotFound, ValidationFailed
from anxin.credit.choices import Tier
from anxin.credit.selectors import tier_counts
from anxin.quality.selectors import notice_list_public

from .metrics import (
    METRICS,
    Totals,
    Unit,
    case_sums,
    case_totals_from,
    delivered_from,
    delivered_sums,
    format_value,
)
from .models import DeliveredDay, MerchantDay, PlatformDay, TransparencyReport

VERSION = 1
K = 10  # fewest requests (answers, refunds) a published figure may rest on
K_TIERS = 5  # fewest shops a published tier count may hold
MIN_SHOPS = 3  # fewest shops a category's figures may come from
DOMINANT_SHARE = 0.8  # the largest share of a category's requests one shop may hold

# The published columns, in order: (key, the count each rests on). ``cases`` is the number of
# requests opened in the month; the others are metrics of ``analytics.metrics``.
COLUMNS: tuple[tuple[str, Callable[[Totals], int]], ...] = (
    ("cases", lambda t: t.cases),
    ("after_sales_rate", lambda t: t.cases),
    ("refund_median", lambda t: t.refunded),
    ("dispute_rate", lambda t: t.cases),
    ("intervention_rate", lambda t: t.cases),
    ("csat", lambda t: t.csat_n),
    ("csat_satisfied", lambda t: t.csat_n),
)
COLUMN_KEYS: tuple[str, ...] = tuple(key for key, _n in COLUMNS)
# Digits kept in the frozen figures: shares 0..1, hours, stars.
PLACES = {"after_sales_rate": 4, "dispute_rate": 4, "intervention_rate": 4, "csat_satisfied": 4}
PLACES.update({"refund_median": 1, "csat": 2})


def month_start(month: date) -> date:
    return month.replace(day=1)


def month_end(month: date) -> date:
    first = month_start(month)
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def month_parse(text: str) -> date:
    """ "2026-11" as the first day of that month (ValidationFailed on anything else)."""
    try:
        year, number = text.split("-")
        if len(year) != 4 or len(number) != 2:
            raise ValueError(text)
        return date(int(year), int(number), 1)
    except (ValueError, TypeError) as error:
        raise ValidationFailed(fields={"month": _("Give a month such as 2026-11.")}) from error


def last_complete_month(today: date | None = None) -> date:
    today = today or clock.localnow().date()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


# --- suppression -----------------------------------------------------------------------------------


def suppress(
    counts: Mapping[Any, int], *, threshold: int, hidden: Iterable[Any]
) -> tuple[set[Any], bool]:
    """The cells of one column to hide, and whether its total must go too.

    ``counts`` are the counts each cell rests on and ``hidden`` the cells too small (or too
    telling) to show. When any is, the smallest other cells with a count above zero are hidden
    with them until the hidden cells are at least two and add up to at least ``threshold``, so
    the total minus the shown cells gives nothing small back; when no cells are left for that,
    the total is hidden as well."""
    hidden = set(hidden)
    if not hidden:
        return hidden, False
    candidates = sorted(
        ((n, str(key), key) for key, n in counts.items() if key not in hidden and n > 0),
        key=lambda item: (item[0], item[1]),
    )
    while len(hidden) < 2 or sum(counts.get(key, 0) for key in hidden) < threshold:
        if not candidates:
            return hidden, True
        hidden.add(candidates.pop(0)[2])
    return hidden, False


def _cell(key: str, totals: Totals, hidden: bool) -> dict[str, Any]:
    n = dict(COLUMNS)[key](totals)
    if hidden:
        return {"value": None, "n": None, "suppressed": True}
    value: float | int | None
    if key == "cases":
        value = totals.cases
    else:
        raw = METRICS[key].compute(totals)
        value = None if raw is None else round(raw, PLACES[key])
    return {"value": value, "n": n, "suppressed": False}


# --- building --------------------------------------------------------------------------------------


def _local_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    low = timezone.make_aware(datetime.combine(first, time.min), tz)
    high = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min), tz)
    return low, high


def _category_totals(first: date, last: date) -> tuple[dict[int, Totals], set[int]]:
    """Per top-level category: the month's totals, and the categories whose requests come from
    too few shops or mostly from one (three grouped queries over the rollups)."""
    month = {"day__gte": first, "day__lte": last}
    cases = {
        row["category_id"]: row
        for row in PlatformDay.objects.filter(**month).values("category_id").annotate(**case_sums())
    }
    delivered = {
        row["category_id"]: delivered_from(row)
        for row in DeliveredDay.objects.filter(**month)
        .values("category_id")
        .annotate(**delivered_sums())
    }
    per_shop: dict[int, list[int]] = {}
    for category_id, _shop, n in (
        MerchantDay.objects.filter(**month, cases__gt=0)
        .values("category_id", "merchant_id")
        .annotate(n=Sum("cases"))
        .values_list("category_id", "merchant_id", "n")
    ):
        per_shop.setdefault(category_id, []).append(int(n or 0))
    totals: dict[int, Totals] = {}
    for category_id in set(cases) | set(delivered):
        orders, units = delivered.get(category_id, (0, 0))
        totals[category_id] = case_totals_from(
            cases.get(category_id) or {}, orders=orders, units=units
        )
    telling = {
        pk
        for pk, t in totals.items()
        if t.cases
        and (
            len(per_shop.get(pk, [])) < MIN_SHOPS
            or max(per_shop.get(pk, [0])) > DOMINANT_SHARE * sum(per_shop.get(pk, [0]))
        )
    }
    return totals, telling


def _notices(first: date, last: date) -> dict[int | None, int]:
    """Quality notices published in the month, per top-level category (None: unknown)."""
    low, high = _local_bounds(first, last)
    codes = list(
        notice_list_public()
        .filter(published_at__gte=low, published_at__lt=high)
        .values_list("category_code", flat=True)
    )
    tops = {
        code: parent or pk
        for code, pk, parent in Category.objects.filter(code__in=set(codes)).values_list(
            "code", "pk", "parent_id"
        )
    }
    counted: dict[int | None, int] = {}
    for code in codes:
        key = tops.get(code)
        counted[key] = counted.get(key, 0) + 1
    return counted


def _tiers() -> dict[str, Any]:
    counts = tier_counts(actor=SYSTEM)
    hidden, hide_total = suppress(
        counts, threshold=K_TIERS, hidden=[t for t, n in counts.items() if 0 < n < K_TIERS]
    )
    total = sum(counts.values())
    return {
        "rows": [
            {
                "tier": tier,
                "count": None if tier in hidden else counts.get(tier, 0),
                "suppressed": tier in hidden,
            }
            for tier in Tier.values
        ],
        "total": {"count": None if hide_total else total, "suppressed": hide_total},
    }


def transparency_build(month: date) -> dict[str, Any]:
    """The figures of ``month`` (any day in it) as plain JSON-ready data, suppressed: what a
    published report freezes and what its page, CSV and PDF show."""
    first, last = month_start(month), month_end(month)
    by_category, telling = _category_totals(first, last)
    platform = sum(by_category.values(), Totals())
    categories = {
        pk: (code, zh, en, parent)
        for pk, code, zh, en, parent in Category.objects.filter(
            pk__in=list(by_category)
        ).values_list("pk", "code", "name_zh", "name_en", "parent_id")
    }
    # A category whose requests come from too few shops, or mostly from one, is hidden whole.
    hidden_by_column: dict[str, set[int]] = {}
    platform_hidden: dict[str, bool] = {}
    for key, count_of in COLUMNS:
        counts = {pk: count_of(t) for pk, t in by_category.items()}
        small = {pk for pk, n in counts.items() if n < K} | telling
        hidden, hide_total = suppress(counts, threshold=K, hidden=small)
        hidden_by_column[key] = hidden
        platform_hidden[key] = hide_total or count_of(platform) < K
    notices = _notices(first, last)
    rows = []
    for pk in sorted(by_category, key=lambda c: (categories.get(c, ("",))[0], c)):
        code, zh, en, _parent = categories.get(pk, ("", "", "", None))
        rows.append(
            {
                "id": pk,
                "code": code,
                "name_zh": zh,
                "name_en": en,
                "cells": {
                    key: _cell(key, by_category[pk], pk in hidden_by_column[key])
                    for key in COLUMN_KEYS
                },
                "quality_notices": notices.get(pk, 0),
            }
        )
    return {
        "version": VERSION,
        "month": first.strftime("%Y-%m"),
        "start": first.isoformat(),
        "end": last.isoformat(),
        "k": K,
        "k_tiers": K_TIERS,
        "min_shops": MIN_SHOPS,
        "dominant_share": DOMINANT_SHARE,
        "columns": list(COLUMN_KEYS),
        "platform": {key: _cell(key, platform, platform_hidden[key]) for key in COLUMN_KEYS},
        "categories": rows,
        "tiers": _tiers(),
        "quality_notices": {"total": sum(notices.values())},
    }


# --- publishing and reading ------------------------------------------------------------------------


def transparency_publish(
    month: date, *, force: bool = False, now: datetime | None = None
) -> tuple[TransparencyReport, bool]:
    """Freeze ``month``'s figures into its report, once: a month already published is left as
    it is (``force`` rebuilds it). Returns the report and whether it was written now."""
    first = month_start(month)
    now = now or clock.now()
    if month_end(first) >= timezone.localtime(now).date():
        raise ValidationFailed(fields={"month": _("Only a month that has ended can be published.")})
    existing = TransparencyReport.objects.filter(month=first).first()
    if existing is not None and not force:
        return existing, False
    data = transparency_build(first)
    try:
        with transaction.atomic():
            report, created = TransparencyReport.objects.update_or_create(
                month=first, defaults={"data": data, "published_at": now}
            )
            audit_record(
                actor=SYSTEM,
                action="analytics.transparency.publish",
                subject_type="analytics.transparencyreport",
                subject_id=report.pk,
                data={"month": data["month"], "forced": force, "replaced": not created},
            )
    except IntegrityError:  # published by a concurrent run
        return TransparencyReport.objects.get(month=first), False
    return report, True


def report_list_public() -> QuerySet[TransparencyReport]:
    """Every published month, newest first (public: the figures are suppressed aggregates)."""
    return TransparencyReport.objects.order_by("-month")


def report_get_public(month: date) -> TransparencyReport:
    found = report_list_public().filter(month=month_start(month)).first()
    if found is None:
        raise NotFound()
    return found


def report_latest_public() -> TransparencyReport | None:
    return report_list_public().first()


def category_name(row: Mapping[str, Any], *, zh: bool) -> str:
    """A frozen category row's name in the reader's language."""
    return str((row.get("name_zh") if zh else row.get("name_en")) or row.get("name_zh") or "")


def months(reports: Iterable[TransparencyReport]) -> list[str]:
    return [r.month.strftime("%Y-%m") for r in reports]


# --- presentation shared by the page, the CSV and the PDF ----------------------------------------

HIDDEN_NOTE = _(
    "Hidden: the figure rests on fewer than %(k)s requests (or survey answers, or refunds), its "
    "category's requests come from fewer than %(shops)s shops or mostly from one, or it is "
    "hidden so that another hidden figure cannot be worked out from the total. A tier of 1 to "
    "%(tiers)s shops is hidden the same way."
)


@dataclass(frozen=True)
class Cell:
    key: str
    text: str  # as a person reads it ("4.2 %"), or "hidden"
    number: float | int | None  # as a spreadsheet takes it: per cent for rates; None if hidden
    hidden: bool


@dataclass(frozen=True)
class TableRow:
    code: str  # "" for the platform
    name: str
    cells: list[Cell]
    notices: int | None  # quality notices published that month


def column_label(key: str) -> str:
    if key == "cases":
        return str(pgettext_lazy("transparency", "Requests"))
    return str(METRICS[key].label)


def column_unit(key: str) -> str:
    """The unit of a column's numbers in a spreadsheet ("%", "h" or "")."""
    if key == "cases":
        return ""
    unit = METRICS[key].unit
    return {Unit.RATE: "%", Unit.HOURS: "h"}.get(unit, "")


def _cell_view(key: str, cell: Mapping[str, Any]) -> Cell:
    if cell.get("suppressed"):
        return Cell(key, str(pgettext_lazy("transparency", "hidden")), None, True)
    value = cell.get("value")
    if key == "cases":
        count = int(value or 0)
        return Cell(key, number_format(count, 0, force_grouping=True), count, False)
    m = METRICS[key]
    number: float | None = None
    if value is not None:
        number = round(float(value) * 100, 2) if m.unit is Unit.RATE else float(value)
    return Cell(key, format_value(m, value), number, False)


def report_rows(data: Mapping[str, Any], *, zh: bool) -> list[TableRow]:
    """The platform's row, then one per category, in the reader's language."""
    columns = list(data.get("columns", COLUMN_KEYS))
    platform = data.get("platform", {})
    rows = [
        TableRow(
            code="",
            name=str(_("Whole platform")),
            cells=[_cell_view(key, platform.get(key, {})) for key in columns],
            notices=int((data.get("quality_notices") or {}).get("total", 0)),
        )
    ]
    for row in data.get("categories", []):
        rows.append(
            TableRow(
                code=str(row.get("code", "")),
                name=category_name(row, zh=zh),
                cells=[_cell_view(key, row["cells"].get(key, {})) for key in columns],
                notices=int(row.get("quality_notices", 0)),
            )
        )
    return rows


def tier_rows(data: Mapping[str, Any]) -> list[tuple[str, str, int | None]]:
    """(tier label, count as read, count as a number or None when hidden), then the total."""
    labels = dict(Tier.choices)
    tiers = data.get("tiers", {})
    rows: list[tuple[str, str, int | None]] = []
    hidden = str(pgettext_lazy("transparency", "hidden"))
    for row in tiers.get("rows", []):
        count = row.get("count")
        rows.append(
            (
                str(labels.get(row["tier"], row["tier"])),
                hidden if count is None else str(count),
                count,
            )
        )
    total = tiers.get("total", {}).get("count")
    rows.append((str(_("All shops")), hidden if total is None else str(total), total))
    return rows


def hidden_note(data: Mapping[str, Any]) -> str:
    return str(HIDDEN_NOTE) % {
        "k": data.get("k", K),
        "shops": data.get("min_shops", MIN_SHOPS),
        "tiers": int(data.get("k_tiers", K_TIERS)) - 1,
    }
