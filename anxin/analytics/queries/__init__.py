"""The dashboards' data queries over the analytics rollups, by the actor's scope.

``filters`` (Filters, filters_from), ``sources`` (which rollup answers), ``totals`` (totals,
trend, compare_to_category), ``breakdowns`` (breakdown, heatmap, league) and ``drilldown``.
Every query is a handful of aggregate queries: the rows it returns are groups, never cases
(except a drill-down's page).
"""

from .breakdowns import (
    BREAKDOWNS,
    HEATMAP_REASONS,
    LEAGUE_MIN_ORDERS,
    HeatMap,
    Row,
    breakdown,
    heatmap,
    league,
)
from .drilldown import PAGE_MAX, DrillRow, Page, drilldown
from .filters import (
    DEFAULT_DAYS,
    MAX_DAYS,
    WEEKLY_AFTER_DAYS,
    Filters,
    filters_from,
    scoped,
)
from .totals import Comparison, Point, compare_to_category, periods, totals, trend

__all__ = [
    "BREAKDOWNS",
    "DEFAULT_DAYS",
    "HEATMAP_REASONS",
    "LEAGUE_MIN_ORDERS",
    "MAX_DAYS",
    "PAGE_MAX",
    "WEEKLY_AFTER_DAYS",
    "Comparison",
    "DrillRow",
    "Filters",
    "HeatMap",
    "Page",
    "Point",
    "Row",
    "breakdown",
    "compare_to_category",
    "drilldown",
    "filters_from",
    "heatmap",
    "league",
    "periods",
    "scoped",
    "totals",
    "trend",
]
