"""The service desk's figures for the supervisor: totals of a period, its daily (or weekly)
trend and splits by channel, type and priority, read from ``DeskDay`` and ``AssistantDay`` in one
or two aggregate queries each, and the live backlog of open tickets.

The filters are the dashboards' (``queries.Filters``) with the desk's own vocabularies:
``channel`` and ``type`` are a ticket's channel and type, ``merchant_id`` the ticket's shop;
categories, reasons and SKUs do not apply to tickets. The assistant's conversations and the
recommendation survey (NPS) are about the whole platform: they follow the period only. Only the
platform's staff read these figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from anxin.core.actors import Actor
from anxin.core.errors import Forbidden, ValidationFailed
from anxin.core.labels import choice_label
from anxin.tickets.choices import OPEN_STATUSES, Channel, Priority, TicketStatus, TicketType
from anxin.tickets.models import Ticket
from anxin.tickets.selectors import desk_counts

from .bins import EDGES, NBINS
from .metrics import Totals, desk_sums, desk_totals_from, with_nps
from .models import AssistantDay, DeskDay, Target
from .permissions import can_view_desk
from .queries.filters import Filters, filters_from
from .queries.totals import periods

TICKET_METRICS: tuple[str, ...] = (
    "ticket_response_median",
    "ticket_response_p90",
    "ticket_resolve_median",
    "ticket_sla_attainment",
    "reopen_rate",
    "ticket_csat",
)
BREAKDOWNS: dict[str, type[Any]] = {"channel": Channel, "type": TicketType, "priority": Priority}
# The first response the seeds promise (30 minutes), unless an administrator set a platform target.
FIRST_RESPONSE_TARGET_HOURS = 0.5


def require_desk(actor: Actor) -> None:
    if not can_view_desk(actor):
        raise Forbidden()


def desk_filters_from(
    data: Mapping[str, Any], *, actor: Actor, today: date | None = None
) -> Filters:
    """The desk's filters from request parameters: the period (``start``, ``end``) and
    ``merchant`` as on every dashboard, ``channel`` and ``type`` in the desk's own codes.
    Faults raise ``ValidationFailed`` with a message per parameter."""
    require_desk(actor)
    errors: dict[str, str | Promise] = {}
    common = {key: data.get(key) for key in ("start", "end", "merchant") if data.get(key)}
    try:
        filters = filters_from(common, actor=actor, today=today)
    except ValidationFailed as error:
        errors.update(error.fields)
        filters = None
    codes: dict[str, str | None] = {}
    for param, choices, message in (
        ("channel", Channel, _("Choose one of the channels offered.")),
        ("type", TicketType, _("Choose one of the ticket types offered.")),
    ):
        raw = str(data.get(param) or "").strip()
        codes[param] = raw or None
        if raw and raw not in choices.values:
            errors[param] = message
    if errors or filters is None:
        raise ValidationFailed(fields=errors)
    return filters.replace(channel=codes["channel"], type=codes["type"])


def _desk_q(filters: Filters) -> Q:
    q = Q(day__gte=filters.start, day__lte=filters.end)
    if filters.channel:
        q &= Q(channel=filters.channel)
    if filters.type:
        q &= Q(type=filters.type)
    if filters.merchant_id is not None:
        q &= Q(merchant_id=filters.merchant_id)
    return q


def _assistant(t: Totals, start: date, end: date) -> Totals:
    row = AssistantDay.objects.filter(day__gte=start, day__lte=end).aggregate(
        conversations=Sum("conversations"), handed_off=Sum("handed_off")
    )
    return replace(
        t,
        conversations=int(row["conversations"] or 0),
        handed_off=int(row["handed_off"] or 0),
    )


def desk_totals(*, actor: Actor, filters: Filters) -> Totals:
    """The desk's figures of the period under the filters: tickets (``DeskDay``), the assistant's
    conversations and the recommendation surveys answered. ``.metric(key)`` reads
    ``DESK_METRICS`` from it."""
    require_desk(actor)
    row = DeskDay.objects.filter(_desk_q(filters)).aggregate(**desk_sums())
    t = desk_totals_from(row)
    t = _assistant(t, filters.start, filters.end)
    return with_nps(t, start=filters.start, end=filters.end)


@dataclass(frozen=True)
class DeskPoint:
    """One day (or ISO week, clipped to the period) of the desk's trend."""

    start: date
    end: date
    label: str
    totals: Totals
    values: dict[str, float | None]


def _label(start: date, weekly: bool) -> str:
    if not weekly:
        return start.isoformat()
    year, week, _day = start.isocalendar()
    return pgettext("ISO week", "%(year)s week %(week)s") % {"year": year, "week": week}


def desk_trend(*, actor: Actor, filters: Filters) -> list[DeskPoint]:
    """Every day of the period (every ISO week beyond 92 days) with its tickets and the desk's
    metrics; days without tickets are there with empty totals. The recommendation score is a
    figure of the whole period (see ``desk_totals``), not of a day."""
    require_desk(actor)
    spans = periods(filters)
    index: dict[date, int] = {}
    for i, (start, end) in enumerate(spans):
        for n in range((end - start).days + 1):
            index[start + timedelta(days=n)] = i
    buckets = [Totals() for _span in spans]
    rows = DeskDay.objects.filter(_desk_q(filters)).values("day").annotate(**desk_sums()).order_by()
    for row in rows:
        i = index[row["day"]]
        buckets[i] = buckets[i] + desk_totals_from(row)
    talks = AssistantDay.objects.filter(day__gte=filters.start, day__lte=filters.end)
    for day, conversations, handed_off in talks.values_list("day", "conversations", "handed_off"):
        i = index[day]
        buckets[i] = replace(
            buckets[i],
            conversations=buckets[i].conversations + conversations,
            handed_off=buckets[i].handed_off + handed_off,
        )
    keys = (*TICKET_METRICS, "assistant_containment")
    return [
        DeskPoint(
            start=start,
            end=end,
            label=_label(start, filters.weekly),
            totals=t,
            values=t.values(keys),
        )
        for (start, end), t in zip(spans, buckets, strict=True)
    ]


@dataclass(frozen=True)
class DeskRow:
    """One channel, type or priority: its tickets, their share of all and the ticket metrics."""

    key: str
    label: str
    tickets: int
    share: float | None
    totals: Totals
    values: dict[str, float | None]


def desk_breakdown(*, actor: Actor, filters: Filters, by: str) -> list[DeskRow]:
    """The tickets of the period split by ``by`` ("channel", "type" or "priority"): channels and
    types by most tickets first, priorities from low to urgent."""
    require_desk(actor)
    if by not in BREAKDOWNS:
        raise ValidationFailed(fields={"by": _("Choose channel, type or priority.")})
    choices = BREAKDOWNS[by]
    rows = DeskDay.objects.filter(_desk_q(filters)).values(by).annotate(**desk_sums()).order_by()
    groups = {row[by]: desk_totals_from(row) for row in rows}
    total = sum(t.tickets for t in groups.values())
    out = [
        DeskRow(
            key=key,
            label=choice_label(choices, key),
            tickets=t.tickets,
            share=t.tickets / total if total else None,
            totals=t,
            values=t.values(TICKET_METRICS),
        )
        for key, t in groups.items()
    ]
    if by == "priority":
        order = {code: i for i, code in enumerate(Priority.values)}
        out.sort(key=lambda r: (order.get(r.key, len(order)), r.key))
    else:
        out.sort(key=lambda r: (-r.tickets, r.label))
    return out


def first_response_target() -> float:
    """The first-response target in hours: the platform's target for the median first response
    when an administrator set one, else the 30 minutes the service promises."""
    value = (
        Target.objects.filter(metric="ticket_response_median", scope="platform", active=True)
        .values_list("value", flat=True)
        .first()
    )
    return float(value) if value is not None else FIRST_RESPONSE_TARGET_HOURS


def share_within(counts: tuple[int, ...] | list[int], hours: float) -> float | None:
    """The share of a duration histogram below ``hours`` (interpolated inside the bin that holds
    it, like ``bins.quantile``); None for an empty histogram."""
    total = sum(counts)
    if total <= 0:
        return None
    below = 0.0
    for i, n in enumerate(counts):
        low = EDGES[i]
        high = EDGES[i + 1] if i < NBINS - 1 else None
        if high is not None and high <= hours:
            below += n
        elif low < hours and high is not None:
            below += n * (hours - low) / (high - low)
    return below / total


@dataclass(frozen=True)
class Backlog:
    """The tickets open now: per status × priority, with the desk's own tiles."""

    statuses: list[tuple[str, str]]  # (code, label) of the open statuses
    priorities: list[tuple[str, str]]
    counts: dict[tuple[str, str], int]
    total: int
    tiles: dict[str, int]  # open, unassigned, at_risk, breached, escalated (tickets.selectors)

    def cell(self, status: str, priority: str) -> int:
        return self.counts.get((status, priority), 0)

    def status_total(self, status: str) -> int:
        return sum(n for (s, _p), n in self.counts.items() if s == status)

    def priority_total(self, priority: str) -> int:
        return sum(n for (_s, p), n in self.counts.items() if p == priority)

    @property
    def rows(self) -> list[tuple[str, list[int], int]]:
        """(status label, counts per priority, total) for a table."""
        return [
            (
                label,
                [self.cell(code, p) for p, _l in self.priorities],
                self.status_total(code),
            )
            for code, label in self.statuses
        ]


def desk_backlog(*, actor: Actor) -> Backlog:
    """The open tickets now by status and priority (two aggregate queries and the console's
    tiles from ``tickets.selectors.desk_counts``)."""
    require_desk(actor)
    rows = (
        Ticket.objects.for_actor(actor)
        .filter(status__in=OPEN_STATUSES)
        .values("status", "priority")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {(row["status"], row["priority"]): int(row["n"]) for row in rows}
    statuses = [(code, str(label)) for code, label in TicketStatus.choices if code in OPEN_STATUSES]
    return Backlog(
        statuses=statuses,
        priorities=[(code, str(label)) for code, label in Priority.choices],
        counts=counts,
        total=sum(counts.values()),
        tiles=desk_counts(actor=actor),
    )
