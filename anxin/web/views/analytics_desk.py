"""The service desk's figures for the agent supervisor at /console/analytics/desk/ (platform
staff): key figures with their targets (first response against the 30-minute promise), tickets
and the first response over time, SLA attainment, reopen rate and the assistant's containment
per day, splits by channel, type and priority, and the backlog open now. Every chart has its
table and every table its CSV (UTF-8 with a byte-order mark, numbers as plain numbers) and XLSX
export.

The figures come from ``anxin.analytics.desk_queries``; this module only lays them out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from anxin.analytics import metrics
from anxin.analytics.desk_queries import (
    TICKET_METRICS,
    Backlog,
    DeskPoint,
    DeskRow,
    desk_backlog,
    desk_breakdown,
    desk_filters_from,
    desk_totals,
    desk_trend,
    first_response_target,
    share_within,
)
from anxin.analytics.permissions import can_view_desk
from anxin.analytics.queries.filters import Filters
from anxin.analytics.targets import Attainment, attainment_for
from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.errors import ValidationFailed
from anxin.tickets.choices import Channel, TicketType

from .analytics import charts
from .analytics.export import table_csv, table_xlsx
from .analytics.kpis import TargetNote, Tile, target_note
from .analytics.tables import (
    Cell,
    Column,
    Kind,
    Links,
    Table,
    cell,
    metric_cell,
    metric_kind,
    number_text,
    period_words,
    unit_words,
)
from .common import PLATFORM_STAFF, actor, audience
from .console.home import page
from .dashboard import BRAND, DANGER, SECOND

# The figures of the tiles and the key-figure table, in order.
KPI_KEYS: tuple[str, ...] = (
    "ticket_response_median",
    "ticket_response_p90",
    "ticket_resolve_median",
    "ticket_sla_attainment",
    "reopen_rate",
    "ticket_csat",
    "nps",
    "assistant_containment",
)
PRESETS = (7, 30, 90, 365)
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BREAKDOWN_COLUMNS: tuple[str, ...] = (
    "ticket_response_median",
    "ticket_resolve_median",
    "ticket_sla_attainment",
    "reopen_rate",
    "ticket_csat",
)


def require_viewer(viewer: Actor) -> None:
    if not can_view_desk(viewer):
        raise PermissionDenied


def links_for(filters: Filters) -> Links:
    return Links(filters=filters, drilldown="", export=reverse("console_analytics_desk:export"))


def hours_words(hours: float) -> str:
    """A target in the words a supervisor uses: 30 min, 4 h."""
    if hours < 1:
        minutes = round(hours * 60)
        return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}
    return metrics.format_value("ticket_response_median", hours)


# --- tiles -----------------------------------------------------------------------------------------


def response_note(t: metrics.Totals, target_hours: float) -> TargetNote:
    """The first-response tile's note: the target, the share answered within it and whether the
    median met it (when no administrator set a target, the 30 minutes the desk promises)."""
    median = t.metric("ticket_response_median")
    within = share_within(t.ticket_hist["response"], target_hours)
    text = _("Target %(target)s · answered within it: %(share)s") % {
        "target": hours_words(target_hours),
        "share": number_text(within, Kind.RATE),
    }
    if median is None:
        return TargetNote(text, _("no figure yet"), "")
    if median <= target_hours:
        return TargetNote(text, _("met"), "good")
    return TargetNote(text, _("missed"), "bad")


def desk_tiles(
    t: metrics.Totals, backlog: Backlog, targets: Mapping[str, Attainment], target_hours: float
) -> list[Tile]:
    tiles = [
        Tile(
            _("Tickets"),
            number_text(t.tickets, Kind.COUNT),
            _("Tickets opened in the period"),
        ),
        Tile(
            _("Open now"),
            number_text(backlog.total, Kind.COUNT),
            _("Tickets waiting for the desk, the customer or a team at this moment"),
            reverse("console_tickets:queue"),
        ),
    ]
    for key in KPI_KEYS:
        metric = metrics.metric(key)
        item = targets.get(key)
        if item is not None:
            note: TargetNote | None = target_note(item)
        elif key == "ticket_response_median":
            note = response_note(t, target_hours)
        else:
            note = None
        tiles.append(
            Tile(
                str(metric.label),
                metrics.format_value(metric, t.metric(key)),
                str(metric.formula),
                target=note,
            )
        )
    return tiles


# --- tables ----------------------------------------------------------------------------------------


def kpi_table(
    t: metrics.Totals, backlog: Backlog, targets: Mapping[str, Attainment], target_hours: float
) -> Table:
    table = Table(
        "kpis",
        _("Key figures"),
        [
            Column(_("Figure")),
            Column(_("Value"), Kind.NUMBER),
            Column(_("Unit")),
            Column(pgettext("service target", "Target"), Kind.NUMBER),
            Column(_("How it is counted")),
        ],
        note=_(
            "The assistant's conversations and the recommendation score are the whole "
            "platform's over the period; the channel and type filters narrow the tickets only."
        ),
    )
    table.rows.append(
        [
            cell(_("Tickets")),
            cell(t.tickets, Kind.COUNT),
            cell(""),
            cell(None, Kind.NUMBER),
            cell(_("Tickets opened in the period")),
        ]
    )
    table.rows.append(
        [
            cell(_("Open now")),
            cell(backlog.total, Kind.COUNT),
            cell(""),
            cell(None, Kind.NUMBER),
            cell(_("Tickets waiting for the desk, the customer or a team at this moment")),
        ]
    )
    for key in KPI_KEYS:
        metric = metrics.metric(key)
        item = targets.get(key)
        if item is not None:
            target = metric_cell(key, item.target)
        elif key == "ticket_response_median":
            target = metric_cell(key, target_hours)
        else:
            target = cell(None, Kind.NUMBER)
        table.rows.append(
            [
                cell(str(metric.label)),
                metric_cell(key, t.metric(key)),
                cell(unit_words(metric_kind(key))),
                target,
                cell(str(metric.formula)),
            ]
        )
    return table


def _period_cells(point: DeskPoint) -> list[Cell]:
    return [cell(point.label), cell(point.start, Kind.DATE), cell(point.end, Kind.DATE)]


def _period_columns() -> list[Column]:
    return [
        Column(pgettext("period of a chart", "Period")),
        Column(_("From"), Kind.DATE),
        Column(_("To"), Kind.DATE),
    ]


def trend_table(points: Sequence[DeskPoint]) -> Table:
    """Per day (or week): tickets opened, first response and resolution times."""
    keys = ("ticket_response_median", "ticket_response_p90", "ticket_resolve_median")
    table = Table(
        "trend",
        _("Tickets and first response over time"),
        [
            *_period_columns(),
            Column(_("Tickets"), Kind.COUNT),
            *(Column(str(metrics.metric(k).label), Kind.HOURS) for k in keys),
        ],
    )
    for point in points:
        table.rows.append(
            [
                *_period_cells(point),
                cell(point.totals.tickets, Kind.COUNT),
                *(cell(point.values.get(k), Kind.HOURS) for k in keys),
            ]
        )
    return table


def rates_table(points: Sequence[DeskPoint]) -> Table:
    """Per day (or week): SLA attainment, reopened tickets and the assistant's containment."""
    table = Table(
        "rates",
        _("SLA attainment, reopened tickets and the assistant"),
        [
            *_period_columns(),
            Column(_("Tickets with a decided target"), Kind.COUNT),
            Column(str(metrics.metric("ticket_sla_attainment").label), Kind.RATE),
            Column(_("Resolved tickets"), Kind.COUNT),
            Column(str(metrics.metric("reopen_rate").label), Kind.RATE),
            Column(_("Assistant conversations"), Kind.COUNT),
            Column(str(metrics.metric("assistant_containment").label), Kind.RATE),
        ],
    )
    for point in points:
        t, v = point.totals, point.values
        table.rows.append(
            [
                *_period_cells(point),
                cell(t.sla_n, Kind.COUNT),
                cell(v.get("ticket_sla_attainment"), Kind.RATE),
                cell(t.ticket_resolved, Kind.COUNT),
                cell(v.get("reopen_rate"), Kind.RATE),
                cell(t.conversations, Kind.COUNT),
                cell(v.get("assistant_containment"), Kind.RATE),
            ]
        )
    return table


def breakdown_table(key: str, title: str, head: str, rows: Sequence[DeskRow]) -> Table:
    table = Table(
        key,
        title,
        [
            Column(head),
            Column(_("Tickets"), Kind.COUNT),
            Column(_("Share of tickets"), Kind.RATE),
        ]
        + [Column(str(metrics.metric(k).label), metric_kind(k)) for k in BREAKDOWN_COLUMNS],
    )
    for row in rows:
        table.rows.append(
            [
                cell(row.label),
                cell(row.tickets, Kind.COUNT),
                cell(row.share, Kind.RATE),
            ]
            + [metric_cell(k, row.values.get(k)) for k in BREAKDOWN_COLUMNS]
        )
    return table


def breakdown_heads() -> dict[str, tuple[str, str]]:
    """(table title, first column) of each split."""
    return {
        "channel": (_("Tickets by channel"), _("Channel")),
        "type": (_("Tickets by type"), _("Type")),
        "priority": (_("Tickets by priority"), _("Priority")),
    }


def backlog_table(backlog: Backlog) -> Table:
    table = Table(
        "backlog",
        _("Open tickets now"),
        [Column(_("Status"))]
        + [Column(label, Kind.COUNT) for _code, label in backlog.priorities]
        + [Column(_("All priorities"), Kind.COUNT)],
    )
    for label, counts, total in backlog.rows:
        table.rows.append(
            [cell(label)] + [cell(n, Kind.COUNT) for n in counts] + [cell(total, Kind.COUNT)]
        )
    return table


# --- charts ----------------------------------------------------------------------------------------


def _base(**extra: Any) -> dict[str, Any]:
    option: dict[str, Any] = {"animation": False, "aria": {"enabled": True}}
    option.update(extra)
    return option


def trend_chart(points: Sequence[DeskPoint], target_hours: float) -> dict[str, Any]:
    """Tickets per day (bars, left axis), the median first response in hours (line, right axis)
    and its target (a dashed line)."""
    tickets_name = _("Tickets")
    response_name = str(metrics.metric("ticket_response_median").label)
    medians = [p.values.get("ticket_response_median") for p in points]
    return _base(
        color=[BRAND, SECOND],
        tooltip={"trigger": "axis"},
        legend={"top": 0},
        grid={"left": 8, "right": 8, "top": 36, "bottom": 8, "containLabel": True},
        xAxis={"type": "category", "data": [p.label for p in points]},
        yAxis=[
            {"type": "value", "minInterval": 1, "name": tickets_name},
            {
                "type": "value",
                "name": pgettext("unit", "hours"),
                "axisLabel": {"formatter": "{value} h"},
                "splitLine": {"show": False},
            },
        ],
        series=[
            {"name": tickets_name, "type": "bar", "data": [p.totals.tickets for p in points]},
            {
                "name": response_name,
                "type": "line",
                "yAxisIndex": 1,
                "symbolSize": 4,
                "connectNulls": False,
                "data": [None if m is None else round(m, 2) for m in medians],
                "markLine": {
                    "symbol": "none",
                    "silent": True,
                    "lineStyle": {"type": "dashed", "color": DANGER},
                    "label": {"formatter": pgettext("service target", "Target")},
                    "data": [{"yAxis": round(target_hours, 2)}],
                },
            },
        ],
    )


def rates_chart(points: Sequence[DeskPoint]) -> dict[str, Any]:
    """SLA attainment, reopen rate and the assistant's containment per day, in per cent."""
    keys = ("ticket_sla_attainment", "reopen_rate", "assistant_containment")
    return _base(
        color=[BRAND, DANGER, SECOND],
        tooltip={"trigger": "axis"},
        legend={"top": 0},
        grid={"left": 8, "right": 16, "top": 36, "bottom": 8, "containLabel": True},
        xAxis={"type": "category", "data": [p.label for p in points]},
        yAxis={"type": "value", "max": 100, "axisLabel": {"formatter": "{value} %"}},
        series=[
            {
                "name": str(metrics.metric(key).label),
                "type": "line",
                "symbolSize": 4,
                "connectNulls": False,
                "data": [charts.percent(p.values.get(key)) for p in points],
            }
            for key in keys
        ],
    )


# --- the page and its exports ------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    label: str
    href: str
    current: bool


def presets(filters: Filters | None, base: str) -> list[Preset]:
    today = clock.localnow().date()
    out = []
    for days in PRESETS:
        start = today - timedelta(days=days - 1)
        current = (
            filters is not None
            and filters.end == today
            and filters.start == start
            and not filters.channel
            and not filters.type
        )
        label = ngettext("Last %(n)s day", "Last %(n)s days", days) % {"n": days}
        out.append(Preset(label, f"{base}?start={start.isoformat()}", current))
    return out


def form_values(data: Mapping[str, Any], filters: Filters | None) -> dict[str, str]:
    """What the filter form shows: the filters in force, or what was typed when refused."""
    if filters is not None:
        return {
            "start": filters.start.isoformat(),
            "end": filters.end.isoformat(),
            "channel": filters.channel or "",
            "type": filters.type or "",
        }
    return {key: str(data.get(key) or "")[:40] for key in ("start", "end", "channel", "type")}


Figures = dict[str, Any]


def figures(viewer: Actor, filters: Filters) -> Figures:
    """Every figure of the page, each query asked once for its chart and its table."""
    t = desk_totals(actor=viewer, filters=filters)
    points = desk_trend(actor=viewer, filters=filters)
    splits = {by: desk_breakdown(actor=viewer, filters=filters, by=by) for by in breakdown_heads()}
    backlog = desk_backlog(actor=viewer)
    targets = {
        item.metric: item
        for item in attainment_for(actor=viewer, scope="platform", end=filters.end)
        if item.metric in metrics.DESK_METRICS
    }
    target_hours = first_response_target()
    return {
        "totals": t,
        "points": points,
        "splits": splits,
        "backlog": backlog,
        "targets": targets,
        "target_hours": target_hours,
    }


TableBuilder = Callable[[Figures], Table]


def _split(by: str) -> TableBuilder:
    def build(f: Figures) -> Table:
        title, head = breakdown_heads()[by]
        return breakdown_table(by, title, head, f["splits"][by])

    return build


TABLES: dict[str, TableBuilder] = {
    "kpis": lambda f: kpi_table(f["totals"], f["backlog"], f["targets"], f["target_hours"]),
    "trend": lambda f: trend_table(f["points"]),
    "rates": lambda f: rates_table(f["points"]),
    "channel": _split("channel"),
    "type": _split("type"),
    "priority": _split("priority"),
    "backlog": lambda f: backlog_table(f["backlog"]),
}


def _filters(request: HttpRequest, viewer: Actor) -> tuple[Filters | None, dict[str, str]]:
    try:
        return desk_filters_from(request.GET, actor=viewer), {}
    except ValidationFailed as error:
        return None, {name: str(text) for name, text in error.fields.items()}


@audience(PLATFORM_STAFF)
def home(request: HttpRequest) -> HttpResponse:
    viewer = actor(request)
    require_viewer(viewer)
    base = reverse("console_analytics_desk:home")
    filters, errors = _filters(request, viewer)
    context: dict[str, Any] = {
        "errors": errors,
        "values": form_values(request.GET, filters),
        "channels": Channel.choices,
        "types": TicketType.choices,
        "presets": presets(filters, base),
        "form_action": base,
        "filters": filters,
        "narrowed": bool(request.GET),
    }
    if filters is None:
        return page(request, "web/analytics/desk.html", context, nav="analytics_desk", status=422)
    f = figures(viewer, filters)
    links = links_for(filters)
    tables = {key: build(f) for key, build in TABLES.items()}
    links.exportable(*tables.values())
    points = f["points"]
    context.update(
        {
            "period": period_words(filters.start, filters.end),
            "tiles": desk_tiles(f["totals"], f["backlog"], f["targets"], f["target_hours"]),
            "tables": tables,
            "splits": [tables["channel"], tables["type"], tables["priority"]],
            "has_tickets": f["totals"].tickets > 0,
            "has_rates": f["totals"].tickets > 0 or f["totals"].conversations > 0,
            "trend_chart": trend_chart(points, f["target_hours"]),
            "rates_chart": rates_chart(points),
            "channel_chart": charts.bar_chart(
                [r.label for r in f["splits"]["channel"]],
                [r.tickets for r in f["splits"]["channel"]],
                name=_("Tickets"),
            ),
            "ticket_metrics": TICKET_METRICS,
        }
    )
    return page(request, "web/analytics/desk.html", context, nav="analytics_desk")


def _refused(request: HttpRequest, errors: Mapping[str, str], status: int) -> HttpResponse:
    context = {
        "layout": "web/console/layout.html",
        "errors": dict(errors),
        "back": reverse("console_analytics_desk:home"),
        "nav": "analytics_desk",
    }
    return render(request, "web/analytics/refused.html", context, status=status)


def about(table: Table, filters: Filters) -> list[tuple[str, str]]:
    """The second sheet of an XLSX export: what the table covers."""
    rows = [(_("Table"), table.title), (_("Period"), period_words(filters.start, filters.end))]
    if filters.channel:
        rows.append((_("Channel"), str(Channel(filters.channel).label)))
    if filters.type:
        rows.append((_("Type"), str(TicketType(filters.type).label)))
    made = timezone.localtime(clock.now()).strftime("%Y-%m-%d %H:%M")
    rows.append((_("Exported at"), made))
    if table.note:
        rows.append((_("Note"), table.note))
    return rows


@audience(PLATFORM_STAFF)
def export(request: HttpRequest) -> HttpResponse:
    """One table of the page as CSV (UTF-8 with a byte-order mark) or XLSX:
    ``?table=trend&format=csv`` plus the page's filters."""
    viewer = actor(request)
    require_viewer(viewer)
    errors = {}
    key = request.GET.get("table", "")
    fmt = request.GET.get("format", "csv")
    if key not in TABLES:
        errors["table"] = _("Choose one of the tables of the page.")
    if fmt not in FORMATS:
        errors["format"] = _("Choose CSV or XLSX.")
    if errors:
        return _refused(request, errors, 400)
    filters, errors = _filters(request, viewer)
    if filters is None:
        return _refused(request, errors, 422)
    table = TABLES[key](figures(viewer, filters))
    if fmt == "xlsx":
        response = HttpResponse(table_xlsx(table, about(table, filters)), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    name = f"desk-{table.key}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
