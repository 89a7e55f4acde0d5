"""The dashboard teaser shared by the merchant home and the console: KPI tiles and two ECharts
charts over ``anxin.cases.stats.dashboard_stats`` (the figures; this module only presents them).

``dashboard_for(actor=…)`` builds what the reusable partial ``web/partials/dashboard.html`` needs
(pass it as ``stats``); the platform console renders the same partial for all merchants:

    {% include "web/partials/dashboard.html" with stats=stats %}   # stats = dashboard_for(actor=…)

Chart labels are translated here, on the server, because they travel inside the chart's JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from anxin.cases.choices import CaseStatus
from anxin.cases.stats import DashboardStats, dashboard_stats
from anxin.core.actors import Actor

BRAND = "#0b7a75"
SECOND = "#7c3aed"
DANGER = "#b42318"


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    note: str = ""
    tone: str = ""  # "" or "danger"


@dataclass(frozen=True)
class Dashboard:
    """The numbers, their tiles, a table of counts by status and the two chart options."""

    numbers: DashboardStats
    tiles: list[Tile]
    status_rows: list[tuple[str, str, int]]  # (status code, label, count), non-zero only
    status_chart: dict[str, Any]
    daily_chart: dict[str, Any]

    @property
    def status_chart_class(self) -> str:
        """Few statuses need less height than the default chart box."""
        return "chart-short" if len(self.status_rows) <= 3 else ""


def duration_text(hours: float | None) -> str:
    """5.2 h under two days, 3.1 d above; an en dash when there is nothing to measure."""
    if hours is None:
        return "–"
    if hours < 48:
        return _("%(n)s h") % {"n": number_format(hours, 1)}
    return _("%(n)s d") % {"n": number_format(hours / 24, 1)}


def _last_30_days(count: int) -> str:
    return ngettext("last 30 days, %(n)s case", "last 30 days, %(n)s cases", count) % {"n": count}


def _tiles(stats: DashboardStats) -> list[Tile]:
    return [
        Tile(_("Open cases"), str(stats.open_total)),
        Tile(
            _("Waiting for you"),
            str(stats.by_status.get(CaseStatus.MERCHANT_REVIEW, 0)),
            _("to approve or reject"),
        ),
        Tile(
            _("Overdue"),
            str(stats.overdue),
            _("deadline already due"),
            "danger" if stats.overdue else "",
        ),
        Tile(_("Opened today"), str(stats.opened_today)),
        Tile(_("Refunded today"), str(stats.refunded_today)),
        Tile(
            _("Median time to approve"),
            duration_text(stats.median_hours_to_approve),
            _last_30_days(stats.approvals_counted),
        ),
        Tile(
            _("Median time to refund"),
            duration_text(stats.median_hours_to_refund),
            _last_30_days(stats.refunds_counted),
        ),
    ]


def _status_chart(rows: list[tuple[str, str, int]]) -> dict[str, Any]:
    """A horizontal bar chart: long status names read better on the vertical axis."""
    ordered = list(reversed(rows))  # ECharts draws the first category at the bottom
    return {
        "animation": False,
        "aria": {"enabled": True},
        "color": [BRAND],
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 24, "top": 8, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {
            "type": "category",
            "data": [label for _code, label, _n in ordered],
            "axisLabel": {"width": 150, "overflow": "truncate"},
        },
        "series": [
            {
                "name": _("Cases"),
                "type": "bar",
                "data": [n for _code, _label, n in ordered],
                "barMaxWidth": 18,
                "label": {"show": True, "position": "right"},
            }
        ],
    }


def _daily_chart(stats: DashboardStats) -> dict[str, Any]:
    return {
        "animation": False,
        "aria": {"enabled": True},
        "color": [BRAND, SECOND],
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 36, "bottom": 8, "containLabel": True},
        "xAxis": {
            "type": "category",
            "boundaryGap": False,
            "data": [day.strftime("%m-%d") for day in stats.days],
        },
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "name": pgettext("chart series", "Opened"),
                "type": "line",
                "symbolSize": 5,
                "data": stats.opened_per_day,
            },
            {
                "name": _("Refunded"),
                "type": "line",
                "symbolSize": 5,
                "data": stats.refunded_per_day,
            },
        ],
    }


def dashboard_for(*, actor: Actor, merchant_id: int | None = None) -> Dashboard:
    """The dashboard of the cases ``actor`` may see, in the active language."""
    stats = dashboard_stats(actor=actor, merchant_id=merchant_id)
    labels = dict(CaseStatus.choices)
    rows = [(code, str(labels[code]), n) for code, n in stats.by_status.items() if n]
    return Dashboard(
        numbers=stats,
        tiles=_tiles(stats),
        status_rows=rows,
        status_chart=_status_chart(rows),
        daily_chart=_daily_chart(stats),
    )
