"""The figures of the analytics pages as tables: shown under every chart, and the very rows the
CSV and XLSX exports write. A cell keeps its raw value (a number stays a number for the
spreadsheet), its text for the page and, when it counts cases, the link to the cases behind it.

Builders take what ``anxin.analytics.queries`` / ``hotspots`` returned (so a page asks each query
once for its chart and its table) and a ``Links`` that knows where the drill-down lives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from anxin.analytics import labels, metrics
from anxin.analytics.queries import Filters


class Kind(StrEnum):
    """How a column's values are written: on the page, in CSV and in XLSX."""

    TEXT = "text"
    COUNT = "count"  # whole numbers
    RATE = "rate"  # a share 0..1: "4.2 %" on the page, 4.23 in CSV, 0.0423 as 0.00% in XLSX
    HOURS = "hours"
    NUMBER = "number"  # any other figure (stars, expected counts, ratios)
    MONEY = "money"
    DATE = "date"


NUMERIC = frozenset({Kind.COUNT, Kind.RATE, Kind.HOURS, Kind.NUMBER, Kind.MONEY})
# metric units → column kinds
UNIT_KINDS: dict[str, Kind] = {
    "rate": Kind.RATE,
    "hours": Kind.HOURS,
    "stars": Kind.NUMBER,
    "score": Kind.NUMBER,
    "count": Kind.COUNT,
}


@dataclass(frozen=True)
class Column:
    label: str
    kind: Kind = Kind.TEXT
    minor: bool = False  # left out on a phone (still in the exports)

    @property
    def css(self) -> str:
        return " ".join(
            c for c in ("num" if self.numeric else "", "minor" if self.minor else "") if c
        )

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC

    @property
    def export_label(self) -> str:
        """The header of an export, with the unit its plain numbers are in."""
        if self.kind is Kind.RATE:
            return _("%(label)s (%%)") % {"label": self.label}
        if self.kind is Kind.HOURS:
            return _("%(label)s (hours)") % {"label": self.label}
        return self.label


@dataclass(frozen=True)
class Cell:
    value: Any  # int, float, Decimal, date, str or None (no figure)
    text: str
    href: str = ""
    kind: Kind | None = None  # when it differs from its column's (a table of mixed metrics)


@dataclass
class Table:
    key: str  # the ?table= of its export
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""
    csv_url: str = ""  # set by ``Links.exportable``
    xlsx_url: str = ""

    def __bool__(self) -> bool:
        return bool(self.rows)

    @property
    def lines(self) -> list[list[tuple[Cell, str]]]:
        """The rows with each cell's classes: numbers right-aligned, minor columns hidden on a
        phone."""
        return [
            [(c, col.css) for c, col in zip(row, self.columns, strict=True)] for row in self.rows
        ]


# --- cells ---------------------------------------------------------------------------------------


def number_text(value: float | int | Decimal | None, kind: Kind) -> str:
    """A figure as the page shows it, in the active language's format."""
    if value is None:
        return "–"
    if kind is Kind.COUNT:
        return number_format(int(value), 0, force_grouping=True)
    if kind is Kind.RATE:
        number = number_format(round(float(value) * 100, 1), 1)
        return pgettext("percentage", "%(value)s %%") % {"value": number}
    if kind is Kind.HOURS:
        number = number_format(round(float(value), 1), 1)
        return pgettext("hours", "%(value)s h") % {"value": number}
    if kind is Kind.MONEY:
        return number_format(Decimal(value), 2, force_grouping=True)
    return number_format(float(value), 2 if abs(float(value)) < 10 else 1)


def cell(value: Any, kind: Kind = Kind.TEXT, href: str = "") -> Cell:
    if kind is Kind.TEXT:
        return Cell(value, "" if value is None else str(value), href)
    if kind is Kind.DATE:
        return Cell(value, date_format(value, "SHORT_DATE_FORMAT") if value else "", href)
    return Cell(value, number_text(value, kind), href)


def metric_cell(key: str, value: float | None, href: str = "") -> Cell:
    """A metric's value, written the way ``metrics.format_value`` writes it."""
    return Cell(value, metrics.format_value(key, value), href, metric_kind(key))


def metric_kind(key: str) -> Kind:
    return UNIT_KINDS.get(str(metrics.metric(key).unit), Kind.NUMBER)


def unit_words(kind: Kind) -> str:
    """The unit of an exported number in a table of mixed metrics."""
    if kind is Kind.RATE:
        return "%"
    if kind is Kind.HOURS:
        return _("hours")
    return ""


# --- links ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Links:
    """The URLs of one page: the drill-down with the page's filters plus a clicked cell, and the
    export of a table. ``extra`` are query parameters every link keeps (a shop's ``?shop=``)."""

    filters: Filters
    drilldown: str
    export: str
    extra: Mapping[str, str] = field(default_factory=dict)

    def query(self, filters: Filters | None = None, more: Mapping[str, str] | None = None) -> str:
        params = dict((filters or self.filters).as_query())
        params.update(self.extra)
        params.update(more or {})
        return urlencode({k: v for k, v in params.items() if v})

    def cases(self, **changes: Any) -> str:
        """The drill-down list of the cases behind a number: the page's filters, narrowed."""
        return f"{self.drilldown}?{self.query(self.filters.replace(**changes))}"

    def export_url(self, table: str, fmt: str, **more: str) -> str:
        return f"{self.export}?{self.query(more={'table': table, 'format': fmt, **more})}"

    def page(self, base: str, **more: str) -> str:
        return f"{base}?{self.query(more=more)}"

    def exportable(self, *tables: Table, **more: str) -> None:
        """Give each table its CSV and XLSX links (``more``: parameters its export needs)."""
        for table in tables:
            table.csv_url = self.export_url(table.key, "csv", **more)
            table.xlsx_url = self.export_url(table.key, "xlsx", **more)


# --- builders ------------------------------------------------------------------------------------

# The KPI tiles of both dashboards, in order.
KPI_KEYS: tuple[str, ...] = (
    "after_sales_rate",
    "refund_rate",
    "refund_median",
    "refund_p90",
    "response_median",
    "deadline_attainment",
    "auto_action_share",
    "dispute_rate",
    "intervention_rate",
    "csat",
    "csat_satisfied",
)


def target_words(met: bool | None) -> str:
    """Whether a metric met its target, in words."""
    if met is None:
        return _("no figure yet")
    return _("met") if met else _("missed")


def kpi_table(
    totals: metrics.Totals,
    links: Links,
    *,
    keys: Sequence[str] = KPI_KEYS,
    targets: Iterable[Any] = (),
) -> Table:
    """The tiles as a table; ``targets`` are ``analytics.targets.Attainment`` rows (measured over
    each target's own window, which the table says)."""
    by_metric = {item.metric: item for item in targets}
    table = Table(
        "kpis",
        _("Key figures"),
        [
            Column(_("Figure")),
            Column(_("Value"), Kind.NUMBER),
            Column(_("Unit"), minor=True),
            Column(pgettext("service target", "Target"), Kind.NUMBER),
            Column(_("Over the target's window"), Kind.NUMBER, minor=True),
            Column(_("Target met")),
            Column(_("How it is counted"), minor=True),
        ],
    )
    table.rows.append(
        [
            cell(_("Cases")),
            cell(totals.cases, Kind.COUNT, links.cases() if totals.cases else ""),
            cell(""),
            cell(None, Kind.NUMBER),
            cell(None, Kind.NUMBER),
            cell(""),
            cell(_("After-sales requests opened in the period")),
        ]
    )
    table.rows.append(
        [
            cell(_("Delivered orders")),
            cell(totals.orders, Kind.COUNT),
            cell(""),
            cell(None, Kind.NUMBER),
            cell(None, Kind.NUMBER),
            cell(""),
            cell(_("Orders signed for in the period: the denominator of the rates")),
        ]
    )
    for key in keys:
        metric = metrics.metric(key)
        item = by_metric.get(key)
        table.rows.append(
            [
                cell(str(metric.label)),
                metric_cell(key, totals.metric(key)),
                cell(unit_words(metric_kind(key))),
                metric_cell(key, item.target) if item else cell(None, Kind.NUMBER),
                metric_cell(key, item.actual) if item else cell(None, Kind.NUMBER),
                cell(target_words(item.met) if item else ""),
                cell(str(metric.formula)),
            ]
        )
    return table


def trend_table(points: Sequence[Any], links: Links) -> Table:
    """Per day (or week): cases, delivered orders and the after-sales rate."""
    table = Table(
        "trend",
        _("Cases and after-sales rate over time"),
        [
            Column(pgettext("period of a chart", "Period")),
            Column(pgettext("start of a period", "From"), Kind.DATE),
            Column(pgettext("end of a period", "To"), Kind.DATE),
            Column(_("Cases"), Kind.COUNT),
            Column(_("Delivered orders"), Kind.COUNT),
            Column(str(metrics.metric("after_sales_rate").label), Kind.RATE),
        ],
    )
    for point in points:
        table.rows.append(
            [
                cell(point.label),
                cell(point.start, Kind.DATE),
                cell(point.end, Kind.DATE),
                cell(
                    point.totals.cases,
                    Kind.COUNT,
                    links.cases(start=point.start, end=point.end) if point.totals.cases else "",
                ),
                cell(point.totals.orders, Kind.COUNT),
                cell(point.values.get("after_sales_rate"), Kind.RATE),
            ]
        )
    return table


def reasons_table(rows: Sequence[Any], links: Links) -> Table:
    table = Table(
        "reasons",
        _("Reasons"),
        [
            Column(_("Reason")),
            Column(_("Cases"), Kind.COUNT),
            Column(_("Share of cases"), Kind.RATE),
            Column(str(metrics.metric("refund_median").label), Kind.HOURS),
        ],
    )
    for row in rows:
        table.rows.append(
            [
                cell(row.label),
                cell(row.cases, Kind.COUNT, links.cases(reason_id=row.key)),
                cell(row.share, Kind.RATE),
                cell(row.values.get("refund_median"), Kind.HOURS),
            ]
        )
    return table


def breakdown_table(
    key: str, title: str, head: str, rows: Sequence[Any], links: Links, by: str
) -> Table:
    """Cases by type or by channel: label, cases (linked), share."""
    field_name = {"type": "type", "channel": "channel"}[by]
    table = Table(
        key,
        title,
        [Column(head), Column(_("Cases"), Kind.COUNT), Column(_("Share of cases"), Kind.RATE)],
    )
    for row in rows:
        table.rows.append(
            [
                cell(row.label),
                cell(row.cases, Kind.COUNT, links.cases(**{field_name: row.key})),
                cell(row.share, Kind.RATE),
            ]
        )
    return table


def heatmap_table(heat: Any, links: Links) -> Table:
    """Categories (rows) × reasons (columns): the count of cases of each pair, and a total."""
    table = Table(
        "heatmap",
        _("Categories and reasons"),
        [Column(_("Category"))]
        + [Column(label, Kind.COUNT) for _id, label in heat.reasons]
        + [Column(_("All reasons shown"), Kind.COUNT)],
    )
    for i, (category_id, label) in enumerate(heat.categories):
        counts = heat.counts[i]
        row = [cell(label)]
        for j, (reason_id, _label) in enumerate(heat.reasons):
            n = counts[j]
            # "Other reasons" (id 0) gathers many: no single filter lists them
            linked = n and reason_id != labels.OTHER
            href = links.cases(category_id=category_id, reason_id=reason_id) if linked else ""
            row.append(cell(n, Kind.COUNT, href))
        total = sum(counts)
        row.append(cell(total, Kind.COUNT, links.cases(category_id=category_id) if total else ""))
        table.rows.append(row)
    return table


HOTSPOT_DIMENSIONS = ("category", "sku", "merchant")


def hotspot_heads() -> dict[str, str]:
    return {"category": _("Category"), "sku": _("Product (SKU)"), "merchant": _("Shop")}


def significance_words(spot: Any) -> str:
    """The test's verdict as a reader says it."""
    if not spot.tested:
        return _("too few orders to test")
    if spot.significant:
        return _("significantly above expected")
    return _("within normal range")


def hotspot_href(spot: Any, by: str, links: Links) -> str:
    changes: dict[str, Any] = {f"{by}_id": spot.key}
    if by == "sku" and spot.merchant_id is not None and links.filters.merchant_id is None:
        changes["merchant_id"] = spot.merchant_id
    return links.cases(**changes) if spot.observed else ""


def hotspots_table(spots: Iterable[Any], links: Links, *, by: str, key: str = "hotspots") -> Table:
    title = {
        "category": _("Hotspots by category"),
        "sku": _("Hotspots by product"),
        "merchant": _("Hotspots by shop"),
    }[by]
    table = Table(
        key,
        title,
        [
            Column(hotspot_heads()[by]),
            Column(_("Cases"), Kind.COUNT),
            Column(_("Delivered orders"), Kind.COUNT),
            Column(_("Expected cases"), Kind.NUMBER, minor=True),
            Column(_("Cases above expected"), Kind.NUMBER),
            Column(_("Times the expected"), Kind.NUMBER, minor=True),
            Column(_("Significance")),
            Column(_("Chance of a fluke (q-value)"), Kind.NUMBER, minor=True),
        ],
        note=_(
            "Expected: the orders delivered times the baseline's rate of cases. A hotspot is "
            "significant when so many cases would happen by chance less than once in twenty "
            "(a Poisson test, corrected for testing many rows at once)."
        ),
    )
    for spot in spots:
        table.rows.append(
            [
                cell(spot.label),
                cell(spot.observed, Kind.COUNT, hotspot_href(spot, by, links)),
                cell(spot.delivered, Kind.COUNT),
                cell(round(spot.expected, 2), Kind.NUMBER),
                cell(round(spot.excess, 2), Kind.NUMBER),
                cell(None if spot.ratio is None else round(spot.ratio, 2), Kind.NUMBER),
                cell(significance_words(spot)),
                cell(None if spot.q_value is None else round(spot.q_value, 4), Kind.NUMBER),
            ]
        )
    return table


LEAGUE_KEYS: tuple[str, ...] = (
    "after_sales_rate",
    "refund_median",
    "response_median",
    "dispute_rate",
    "csat",
)


LEAGUE_MINOR = frozenset({"response_median", "csat"})


def league_table(rows: Sequence[Any], links: Links) -> Table:
    table = Table(
        "league",
        _("Shops"),
        [
            Column(_("Shop")),
            Column(_("Cases"), Kind.COUNT),
            Column(_("Delivered orders"), Kind.COUNT),
        ]
        + [
            Column(str(metrics.metric(k).label), metric_kind(k), minor=k in LEAGUE_MINOR)
            for k in LEAGUE_KEYS
        ],
    )
    for row in rows:
        table.rows.append(
            [
                cell(row.label),
                cell(row.cases, Kind.COUNT, links.cases(merchant_id=row.key) if row.cases else ""),
                cell(row.orders, Kind.COUNT),
            ]
            + [metric_cell(k, row.values.get(k)) for k in LEAGUE_KEYS]
        )
    return table


def better_words(better: bool | None) -> str:
    if better is None:
        return ""
    return _("better than your category") if better else _("worse than your category")


def compare_table(comparisons: Sequence[Any]) -> Table:
    table = Table(
        "compare",
        _("Your shop and your category"),
        [
            Column(_("Figure")),
            Column(_("Your shop"), Kind.NUMBER),
            Column(_("Your category"), Kind.NUMBER),
            Column(_("Unit"), minor=True),
            Column(_("Compared")),
        ],
    )
    for row in comparisons:
        table.rows.append(
            [
                cell(str(row.label)),
                metric_cell(row.key, row.own),
                metric_cell(row.key, row.peers),
                cell(unit_words(metric_kind(row.key))),
                cell(better_words(row.better)),
            ]
        )
    return table


def cases_table(rows: Sequence[Any], case_url: Callable[[Any], str], *, shops: bool) -> Table:
    """The cases behind a number (``queries.drilldown`` rows); ``shops`` adds the shop column."""
    columns = [
        Column(_("Case")),
        Column(_("Opened"), Kind.DATE, minor=True),
        Column(_("Status")),
        Column(_("Type"), minor=True),
        Column(_("Reason")),
    ]
    if shops:
        columns.append(Column(_("Shop")))
    columns += [
        Column(_("Category"), minor=True),
        Column(_("Product (SKU)"), minor=True),
        Column(_("Channel"), minor=True),
        Column(_("Hours to first response"), Kind.HOURS, minor=True),
        Column(_("Hours to refund"), Kind.HOURS),
        Column(_("Refunded"), Kind.MONEY, minor=True),
        Column(_("Disputed"), minor=True),
        Column(_("Satisfaction"), Kind.NUMBER, minor=True),
    ]
    table = Table("cases", _("Cases"), columns)
    yes, no = _("yes"), _("no")
    for row in rows:
        line = [
            cell(row.number, Kind.TEXT, case_url(row)),
            cell(row.day, Kind.DATE),
            cell(row.status_label),
            cell(row.type_label),
            cell(row.reason_label),
        ]
        if shops:
            line.append(cell(row.merchant_label))
        line += [
            cell(row.category_label),
            cell(row.sku_label),
            cell(row.channel_label),
            cell(row.response_hours, Kind.HOURS),
            cell(row.refund_hours, Kind.HOURS),
            cell(row.refund_amount, Kind.MONEY),
            cell(yes if row.disputed else no),
            cell(row.csat, Kind.NUMBER),
        ]
        table.rows.append(line)
    return table


def period_words(start: date, end: date) -> str:
    return _("%(start)s to %(end)s") % {
        "start": date_format(start, "SHORT_DATE_FORMAT"),
        "end": date_format(end, "SHORT_DATE_FORMAT"),
    }
