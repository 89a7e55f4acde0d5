"""The key-figure tiles of both dashboards, and their service targets (服务目标).

A tile shows a metric over the page's period; when a target exists for it, the tile also says
whether the target was met over the target's own window (``anxin.analytics.targets``), so the
two figures are told apart on the tile.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from anxin.analytics import metrics
from anxin.analytics.targets import attainment_for
from anxin.core.actors import Actor

from .tables import KPI_KEYS, Kind, Links, number_text


@dataclass(frozen=True)
class TargetNote:
    text: str  # "Target ≥ 90.0 %, last 30 days: 92.1 %"
    verdict: str  # "met" / "missed" / "no figure yet", in words
    tone: str  # "good", "bad" or ""


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    help: str = ""  # how it is counted
    href: str = ""  # the cases behind it (a count of cases)
    target: TargetNote | None = None


def attainments(
    *, viewer: Actor, end: date, scope: str, merchant_id: int | None = None
) -> list[Any]:
    """The targets ``viewer`` may see for a dashboard (platform or one shop), each measured over
    its own window ending on ``end``."""
    return list(attainment_for(actor=viewer, scope=scope, merchant_id=merchant_id, end=end))


def target_note(item: Any) -> TargetNote:
    window = ngettext("last %(n)s day", "last %(n)s days", item.window_days) % {
        "n": item.window_days
    }
    text = _("Target %(direction)s %(target)s · %(window)s: %(actual)s") % {
        "direction": item.direction,
        "target": item.target_display,
        "window": window,
        "actual": item.actual_display,
    }
    if item.met is None:
        return TargetNote(text, _("no figure yet"), "")
    if item.met:
        return TargetNote(text, _("met"), "good")
    return TargetNote(text, _("missed"), "bad")


def kpi_tiles(
    totals: metrics.Totals,
    links: Links,
    *,
    keys: Sequence[str] = KPI_KEYS,
    targets: Iterable[Any] = (),
) -> list[Tile]:
    """Cases and delivered orders first (cases link to their list), then each metric."""
    by_metric = {item.metric: item for item in targets}
    tiles = [
        Tile(
            _("Cases"),
            number_text(totals.cases, Kind.COUNT),
            _("After-sales requests opened in the period"),
            links.cases() if totals.cases else "",
        ),
        Tile(
            _("Delivered orders"),
            number_text(totals.orders, Kind.COUNT),
            _("Orders signed for in the period: the denominator of the rates"),
        ),
    ]
    for key in keys:
        metric = metrics.metric(key)
        item = by_metric.get(key)
        tiles.append(
            Tile(
                str(metric.label),
                metrics.format_value(metric, totals.metric(key)),
                str(metric.formula),
                target=target_note(item) if item is not None else None,
            )
        )
    return tiles
