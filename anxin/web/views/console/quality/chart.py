"""The p-chart of a quality task's SKU as an inline SVG drawn on the server (no chart library is
vendored and no script is needed to read it): one point per weekly cohort (its return rate), the
centre line (the baseline p0) and the upper control limit, both as steps because each cohort has
its own baseline and, for its own volume, its own limit. A point that signalled is red and larger;
a cohort with too few units to be charted is a hollow grey ring. The same figures are given as a
table next to the chart, so that a screen reader (and a person checking a number) reads them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40
RED, BLUE, GREY, INK = "#b42318", "#1d4ed8", "#9aa5b1", "#323f4b"


@dataclass(frozen=True)
class ChartPoint:
    """One cohort as the chart draws it (rates as fractions, 0.05 = 5 %)."""

    start: date
    returns: int
    units: int
    rate: float
    centre: float
    ucl: float
    charted: bool
    signal: bool

    @property
    def rate_text(self) -> str:
        return percent(self.rate)

    @property
    def centre_text(self) -> str:
        return percent(self.centre)

    @property
    def ucl_text(self) -> str:
        return percent(self.ucl)


def percent(value: float) -> str:
    """0.0512 → "5.1 %" (one decimal; the chart's precision)."""
    return f"{value * 100:.1f} %"


def _ceiling(points: Sequence[ChartPoint]) -> float:
    """The top of the y axis: above the highest point and limit, rounded up to a tidy step."""
    top = max([p.rate for p in points] + [p.ucl for p in points if p.charted] + [0.01])
    top *= 1.15
    for step in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0):
        if top <= step * 5:
            return step * 5 if step * 5 <= 1 else 1.0
    return 1.0


def n(value: float) -> str:
    """A coordinate as the SVG gets it (format_html escapes its arguments to text first)."""
    return f"{value:.1f}"


def _steps(xs: list[float], ys: list[float], half: float) -> str:
    """A stepped polyline: each value held across its point's column."""
    coords: list[str] = []
    for x, y in zip(xs, ys, strict=True):
        coords.append(f"{x - half:.1f},{y:.1f}")
        coords.append(f"{x + half:.1f},{y:.1f}")
    return " ".join(coords)


def p_chart_svg(points: Sequence[ChartPoint], *, title: str) -> SafeString:
    """The chart as SVG markup (escaped: every text in it goes through format_html)."""
    if not points:
        return SafeString("")
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _ceiling(points)
    column = plot_w / len(points)
    half = column / 2

    def x(i: int) -> float:
        return LEFT + column * i + half

    def y(value: float) -> float:
        return TOP + plot_h * (1 - min(value, top) / top)

    xs = [x(i) for i in range(len(points))]
    charted = [i for i, p in enumerate(points) if p.charted]
    parts: list[SafeString] = []
    # the grid and the y axis: five steps
    for k in range(6):
        value = top * k / 5
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#e4e7eb" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="{}">{}</text>',
                LEFT, WIDTH - RIGHT, n(y(value)), n(y(value)), LEFT - 6, n(y(value) + 4), INK, percent(value),
            )
        )  # fmt: skip
    # the x axis: a date under every few columns (at most about eight labels)
    every = max(1, round(len(points) / 8))
    for i, p in enumerate(points):
        if i % every == 0 or i == len(points) - 1:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="{}">{}</text>',
                    n(xs[i]), HEIGHT - BOTTOM + 16, INK, p.start.strftime("%m-%d"),
                )
            )  # fmt: skip
    if charted:
        cx = [xs[i] for i in charted]
        parts.append(
            format_html(
                '<polyline class="centre-line" points="{}" fill="none" stroke="{}" '
                'stroke-width="2"/>',
                _steps(cx, [y(points[i].centre) for i in charted], half),
                BLUE,
            )
        )
        parts.append(
            format_html(
                '<polyline class="ucl-line" points="{}" fill="none" stroke="{}" '
                'stroke-width="2" stroke-dasharray="6 4"/>',
                _steps(cx, [y(points[i].ucl) for i in charted], half),
                RED,
            )
        )
        parts.append(
            format_html(
                '<polyline class="rate-line" points="{}" fill="none" stroke="{}" stroke-width="1.5"/>',
                " ".join(f"{xs[i]:.1f},{y(points[i].rate):.1f}" for i in charted),
                INK,
            )
        )
    for i, p in enumerate(points):
        label = _("%(week)s: %(returns)s of %(units)s units returned (%(rate)s)") % {
            "week": p.start.isoformat(),
            "returns": p.returns,
            "units": p.units,
            "rate": percent(p.rate),
        }
        if not p.charted:
            shape = '<circle class="point uncharted" cx="{}" cy="{}" r="4" fill="#fff" stroke="{}" stroke-width="1.5"><title>{}</title></circle>'
            parts.append(format_html(shape, n(xs[i]), n(y(p.rate)), GREY, label))
        elif p.signal:
            shape = '<circle class="point signal" cx="{}" cy="{}" r="6" fill="{}"><title>{}</title></circle>'
            parts.append(format_html(shape, n(xs[i]), n(y(p.rate)), RED, label))
        else:
            shape = (
                '<circle class="point" cx="{}" cy="{}" r="4" fill="{}"><title>{}</title></circle>'
            )
            parts.append(format_html(shape, n(xs[i]), n(y(p.rate)), INK, label))
    # the legend, top right
    legend = [
        (BLUE, "", _("Centre line (baseline)")),
        (RED, "6 4", _("Upper control limit (UCL)")),
    ]
    legend_items = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="{}"/>'
        '<text x="{}" y="{}" font-size="11" fill="' + INK + '">{}</text>',
        (
            (WIDTH - RIGHT - 210, WIDTH - RIGHT - 186, TOP + 10 + 16 * n, TOP + 10 + 16 * n,
             colour, dash or "none", WIDTH - RIGHT - 180, TOP + 14 + 16 * n, text)
            for n, (colour, dash, text) in enumerate(legend)
        ),
    )  # fmt: skip
    return format_html(
        '<svg class="p-chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="p-chart-title" xmlns="http://www.w3.org/2000/svg">'
        '<title id="p-chart-title">{title}</title>'
        '<line x1="{l}" x2="{l}" y1="{t}" y2="{b}" stroke="{ink}" stroke-width="1"/>'
        '<line x1="{l}" x2="{r}" y1="{b}" y2="{b}" stroke="{ink}" stroke-width="1"/>'
        "{body}{legend}</svg>",
        w=WIDTH,
        h=HEIGHT,
        title=title,
        l=LEFT,
        r=WIDTH - RIGHT,
        t=TOP,
        b=HEIGHT - BOTTOM,
        ink=INK,
        body=format_html_join("", "{}", ((part,) for part in parts)),
        legend=legend_items,
    )
