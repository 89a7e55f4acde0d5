"""ECharts options for the analytics pages, built on the server: every label is translated here
because it travels inside the chart's JSON (``{{ option|json_script:"id" }}``, drawn by anxin.js
as SVG). Rates travel as percentages (4.23, not 0.0423) so axes and tooltips read naturally.

The options never hold a JavaScript function (the page's CSP forbids eval): formatters are
ECharts' string templates such as ``"{value} %"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from ..dashboard import BRAND, DANGER, SECOND

GREY = "#94a3b8"
# The heat map's scale, from an empty cell to the busiest one.
HEAT = ["#fff7ec", "#fdd49e", "#fc8d59", "#d7301f", "#7f0000"]


def percent(value: float | None, places: int = 2) -> float | None:
    """A share (0.0423) as the percentage a chart shows (4.23)."""
    return None if value is None else round(value * 100, places)


def _base(**extra: Any) -> dict[str, Any]:
    option: dict[str, Any] = {"animation": False, "aria": {"enabled": True}}
    option.update(extra)
    return option


def trend_chart(
    labels: Sequence[str],
    counts: Sequence[int],
    rates: Sequence[float | None],
    *,
    count_name: str,
    rate_name: str,
) -> dict[str, Any]:
    """Cases per day (bars, left axis) and a rate in % (line, right axis)."""
    return _base(
        color=[BRAND, SECOND],
        tooltip={"trigger": "axis"},
        legend={"top": 0},
        grid={"left": 8, "right": 8, "top": 36, "bottom": 8, "containLabel": True},
        xAxis={"type": "category", "data": list(labels)},
        yAxis=[
            {
                "type": "value",
                "minInterval": 1,
                "name": count_name,
                "nameTextStyle": {"align": "left"},
            },
            {
                "type": "value",
                "name": rate_name,
                "nameTextStyle": {"align": "right"},
                "axisLabel": {"formatter": "{value} %"},
                "splitLine": {"show": False},
            },
        ],
        series=[
            {"name": count_name, "type": "bar", "data": list(counts), "barMaxWidth": 14},
            {
                "name": rate_name,
                "type": "line",
                "yAxisIndex": 1,
                "symbolSize": 4,
                "connectNulls": False,
                "data": [percent(r) for r in rates],
            },
        ],
    )


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float | int | None],
    *,
    name: str,
    unit: str = "",
    color: str = BRAND,
) -> dict[str, Any]:
    """A horizontal bar chart, largest first at the top (long labels read better on the side).
    ``unit`` is appended to the value labels ("%" for shares given as percentages)."""
    ordered_labels = list(reversed(labels))  # ECharts draws the first category at the bottom
    ordered_values = list(reversed(values))
    label_format = "{c} " + unit if unit else "{c}"
    return _base(
        color=[color],
        tooltip={"trigger": "axis", "axisPointer": {"type": "shadow"}},
        grid={"left": 8, "right": 48, "top": 8, "bottom": 8, "containLabel": True},
        xAxis={"type": "value", "minInterval": 1 if not unit else 0},
        yAxis={
            "type": "category",
            "data": ordered_labels,
            "axisLabel": {"width": 140, "overflow": "truncate"},
        },
        series=[
            {
                "name": name,
                "type": "bar",
                "data": ordered_values,
                "barMaxWidth": 18,
                "label": {"show": True, "position": "right", "formatter": label_format},
            }
        ],
    )


def compare_chart(
    labels: Sequence[str],
    own: Sequence[float | None],
    peers: Sequence[float | None],
    *,
    own_name: str,
    peers_name: str,
) -> dict[str, Any]:
    """Two bars a row: the shop's rate and its category's, both in %."""
    return _base(
        color=[BRAND, GREY],
        tooltip={"trigger": "axis", "axisPointer": {"type": "shadow"}},
        legend={"top": 0},
        grid={"left": 8, "right": 56, "top": 32, "bottom": 8, "containLabel": True},
        xAxis={
            "type": "value",
            "splitNumber": 3,
            "axisLabel": {"formatter": "{value} %", "hideOverlap": True},
        },
        yAxis={
            "type": "category",
            "data": list(reversed(labels)),
            "axisLabel": {"width": 130, "overflow": "truncate"},
        },
        series=[
            {
                "name": name,
                "type": "bar",
                "data": [percent(v, 1) for v in reversed(values)],
                "barMaxWidth": 12,
                "barGap": "15%",
                "label": {
                    "show": True,
                    "position": "right",
                    "formatter": "{c} %",
                    "fontSize": 10,
                },
            }
            for name, values in ((own_name, own), (peers_name, peers))
        ],
    )


def heatmap_chart(
    rows: Sequence[str],
    columns: Sequence[str],
    counts: Sequence[Sequence[int]],
    *,
    name: str,
) -> dict[str, Any]:
    """Categories (rows) × reasons (columns), each cell coloured by its count of cases."""
    data = [
        [j, i, n]
        for i, row in enumerate(counts)
        for j, n in enumerate(row)
        if n  # an empty cell stays blank
    ]
    top = max((n for _j, _i, n in data), default=0)
    return _base(
        tooltip={"position": "top"},
        grid={"left": 8, "right": 8, "top": 8, "bottom": 56, "containLabel": True},
        xAxis={
            "type": "category",
            "data": list(columns),
            "splitArea": {"show": True},
            "axisLabel": {"rotate": 35, "width": 110, "overflow": "truncate", "interval": 0},
        },
        yAxis={
            "type": "category",
            "data": list(rows),
            "splitArea": {"show": True},
            "axisLabel": {"width": 120, "overflow": "truncate"},
        },
        visualMap={
            "min": 0,
            "max": max(top, 1),
            "calculable": False,
            "orient": "horizontal",
            "left": "center",
            "bottom": 0,
            "itemHeight": 120,
            "inRange": {"color": HEAT},
            "text": [_("More cases"), _("Fewer")],
        },
        series=[
            {
                "name": name,
                "type": "heatmap",
                "data": data,
                "label": {"show": True},
                "emphasis": {"itemStyle": {"borderColor": DANGER, "borderWidth": 1}},
            }
        ],
    )
