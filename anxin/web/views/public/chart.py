"""The score history as an inline SVG line chart, laid out on the server (no chart library, no
script): the page gets coordinates, a path and tick labels, and the template draws them.

The y axis is the whole 0–100 scale with the tiers as faint bands behind the line, so that a reader
sees where a score falls without reading the numbers; the x axis marks months."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import formats

WIDTH = 520
HEIGHT = 200
LEFT = 36  # room for the y labels
RIGHT = 12
TOP = 10
BOTTOM = 28  # room for the x labels
EDGE = 48  # an x label closer than this to an edge is anchored at its end
Y_TICKS = (0, 40, 60, 85, 100)  # 70 left out: too close to 60 for its label


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: date
    score: Decimal


@dataclass(frozen=True)
class Tick:
    at: float
    label: str
    anchor: str = "middle"  # an x label near an edge is anchored to stay inside the drawing


@dataclass(frozen=True)
class Band:
    """One tier's stretch of the scale: ``y`` is its top edge, ``height`` its extent."""

    tier: str
    y: float
    height: float


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    path: str
    points: list[Point]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    bands: list[Band]
    first: Point
    last: Point
    low: Point
    high: Point

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def single(self) -> bool:
        return len(self.points) == 1


def _y(score: float) -> float:
    return round(TOP + (100 - score) / 100 * (HEIGHT - TOP - BOTTOM), 1)


def _month_label(day: date) -> str:
    return formats.date_format(day, "YEAR_MONTH_FORMAT")


def score_chart(history: Sequence[Any], floors: Sequence[tuple[str, float]]) -> LineChart | None:
    """``history``: points with ``day`` and ``score`` (oldest first); ``floors``: (tier, lower
    bound) highest first. None when there is nothing to draw."""
    rows = [h for h in history if h.score is not None]
    if not rows:
        return None
    first_day, last_day = rows[0].day, rows[-1].day
    span = max((last_day - first_day).days, 1)
    plot_w = WIDTH - LEFT - RIGHT

    def x_of(day: date) -> float:
        if len(rows) == 1:
            return LEFT + plot_w / 2
        return round(LEFT + (day - first_day).days / span * plot_w, 1)

    points = [Point(x_of(h.day), _y(float(h.score)), h.day, Decimal(h.score)) for h in rows]
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points))
    x_ticks: list[Tick] = []
    seen: set[tuple[int, int]] = set()
    for h in rows:
        month = (h.day.year, h.day.month)
        if month not in seen and (h.day.day <= 7 or h is rows[0]):
            seen.add(month)
            x = x_of(h.day)
            anchor = "start" if x - LEFT < EDGE else "end" if WIDTH - RIGHT - x < EDGE else "middle"
            x_ticks.append(Tick(x, _month_label(h.day), anchor))
    # Keep the labels from running into each other on a long history.
    if len(x_ticks) > 7:
        step = -(-len(x_ticks) // 7)
        x_ticks = x_ticks[::step]
    bands: list[Band] = []
    upper = 100.0
    for tier, floor in floors:
        bands.append(Band(tier, _y(upper), round(_y(float(floor)) - _y(upper), 1)))
        upper = float(floor)
    return LineChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        path=path,
        points=points,
        y_ticks=[Tick(_y(v), str(v)) for v in Y_TICKS],
        x_ticks=x_ticks,
        bands=bands,
        first=points[0],
        last=points[-1],
        low=min(points, key=lambda p: (p.score, p.day)),
        high=max(points, key=lambda p: (p.score, p.day)),
    )
