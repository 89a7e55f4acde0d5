"""Keeping the desk's facts and daily rollups current: ``desk_refresh`` recomputes the facts of
the tickets touched since a watermark, re-aggregates ``DeskDay`` for the days those tickets were
opened on, and ``AssistantDay`` for the days of the assistant conversations touched since then.

A rollup day is always rebuilt whole (delete, then one grouped query over its facts), so an
incremental refresh gives exactly the rows a rebuild from scratch would.

``DeskDay`` measures: ``tickets`` opened; ``responded`` with their response hours and histogram;
``resolved`` — tickets with a final resolution — with their resolve hours and histogram;
``reopened`` — of those resolved, the ones reopened at least once before their final resolution
(so the reopen rate, reopened ÷ resolved, counts a ticket once however often it came back);
``sla_n``/``sla_met`` over tickets with a decided target; ``csat_*`` over answered surveys.
``AssistantDay``: conversations in which the customer wrote at least once, and of those the ones
handed to a person, by the local day the conversation started.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncDate

from anxin.assistant.models import Conversation
from anxin.feedback.choices import SubjectType
from anxin.feedback.models import Survey
from anxin.tickets.models import SlaClock, Ticket, TicketEvent

from .bins import EDGES, NBINS
from .desk_facts import ticket_facts_build
from .models import AssistantDay, DeskDay, TicketFact
from .models.desk import DESK_HISTOGRAMS

DIMENSIONS = ("day", "channel", "type", "priority", "merchant_id")
DAY_CHUNK = 400


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _bin_counts(measure: str) -> dict[str, Count]:
    """One COUNT per histogram bin of ``<measure>_hours`` (facts keep no negative durations)."""
    field = f"{measure}_hours"
    counts: dict[str, Count] = {}
    for i in range(NBINS):
        where = Q(**{f"{field}__isnull": False})
        if i > 0:
            where &= Q(**{f"{field}__gte": EDGES[i]})
        if i < NBINS - 1:
            where &= Q(**{f"{field}__lt": EDGES[i + 1]})
        counts[f"{measure}_b{i}"] = Count("pk", filter=where)
    return counts


def desk_aggregates() -> dict[str, Count | Coalesce]:
    """The ``DeskDay`` measures of a group of ``TicketFact`` rows, each named ``m_<column>`` (an
    annotation named like a fact field would shadow it in the filters of the others)."""
    resolved = Q(resolve_hours__isnull=False)
    answered = Q(csat__isnull=False)
    aggregates: dict[str, Count | Coalesce] = {
        "tickets": Count("pk"),
        "responded": Count("pk", filter=Q(response_hours__isnull=False)),
        "response_hours": Coalesce(Sum("response_hours"), 0.0),
        "resolved": Count("pk", filter=resolved),
        "resolve_hours": Coalesce(Sum("resolve_hours"), 0.0),
        "sla_n": Count("pk", filter=Q(sla_met__isnull=False)),
        "sla_met": Count("pk", filter=Q(sla_met=True)),
        "reopened": Count("pk", filter=resolved & Q(reopened__gt=0)),
        "csat_n": Count("pk", filter=answered),
        "csat_sum": Coalesce(Sum("csat", filter=answered), 0),
        "csat_low": Count("pk", filter=Q(csat__lte=2)),
        "csat_high": Count("pk", filter=Q(csat__gte=4)),
    }
    for measure in DESK_HISTOGRAMS:
        aggregates.update(_bin_counts(measure))
    return {f"m_{name}": aggregate for name, aggregate in aggregates.items()}


def _desk_day(row: dict[str, Any]) -> DeskDay:
    return DeskDay(**{name.removeprefix("m_"): value for name, value in row.items()})


def desk_days_rollup(days: Collection[date] | None) -> int:
    """Delete and re-aggregate ``DeskDay`` for these local days (None: every day). Returns the
    number of rollup rows written."""
    aggregates = desk_aggregates()
    if days is None:
        with transaction.atomic():
            DeskDay.objects.all().delete()
            rows = TicketFact.objects.values(*DIMENSIONS).annotate(**aggregates).order_by()
            return len(DeskDay.objects.bulk_create(_desk_day(row) for row in rows))
    written = 0
    ordered = sorted(days)
    for start in range(0, len(ordered), DAY_CHUNK):
        chunk = ordered[start : start + DAY_CHUNK]
        with transaction.atomic():
            DeskDay.objects.filter(day__in=chunk).delete()
            rows = (
                TicketFact.objects.filter(day__in=chunk)
                .values(*DIMENSIONS)
                .annotate(**aggregates)
                .order_by()
            )
            written += len(DeskDay.objects.bulk_create(_desk_day(row) for row in rows))
    return written


def assistant_days_rollup(days: Collection[date] | None) -> int:
    """Delete and recount ``AssistantDay`` for these local days (None: every day)."""
    zone = local_zone()
    started = Conversation.objects.filter(user_messages__gt=0).annotate(
        local_day=TruncDate("created_at", tzinfo=zone)
    )
    if days is not None:
        if not days:
            return 0
        first, last = min(days), max(days)
        started = started.filter(
            created_at__gte=datetime.combine(first, time.min, tzinfo=zone),
            created_at__lt=datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone),
            local_day__in=list(days),
        )
    rows = (
        started.values("local_day")
        .annotate(
            conversations=Count("pk"),
            handed_off=Count("pk", filter=Q(handed_off_at__isnull=False)),
        )
        .order_by()
    )
    with transaction.atomic():
        stale = AssistantDay.objects.all()
        if days is not None:
            stale = stale.filter(day__in=list(days))
        stale.delete()
        made = AssistantDay.objects.bulk_create(
            AssistantDay(
                day=row["local_day"],
                conversations=row["conversations"],
                handed_off=row["handed_off"],
            )
            for row in rows
        )
    return len(made)


def tickets_touched_since(since: datetime) -> set[int]:
    """Tickets whose fact may have changed since ``since``: opened or changed, with a history row
    (every status change writes one), an SLA clock breached or stopped, or a survey answered."""
    touched: set[int] = set(
        Ticket.unscoped.filter(
            Q(created_at__gte=since)
            | Q(updated_at__gte=since)
            | Q(first_response_at__gte=since)
            | Q(resolved_at__gte=since)
            | Q(closed_at__gte=since)
        ).values_list("pk", flat=True)
    )
    touched.update(
        TicketEvent.objects.filter(created_at__gte=since)
        .values_list("ticket_id", flat=True)
        .distinct()
    )
    touched.update(
        SlaClock.objects.filter(Q(breached_at__gte=since) | Q(stopped_at__gte=since))
        .values_list("ticket_id", flat=True)
        .distinct()
    )
    touched.update(
        int(subject)
        for subject in Survey.unscoped.filter(
            subject_type=SubjectType.TICKET, answered_at__gte=since
        ).values_list("subject_id", flat=True)
    )
    return touched


def assistant_days_touched_since(since: datetime) -> set[date]:
    """Local start days of the conversations started, written in or handed off since ``since``."""
    rows = (
        Conversation.objects.filter(
            Q(created_at__gte=since) | Q(last_message_at__gte=since) | Q(handed_off_at__gte=since)
        )
        .annotate(local_day=TruncDate("created_at", tzinfo=local_zone()))
        .values_list("local_day", flat=True)
        .distinct()
    )
    return set(rows)


def desk_refresh(*, since: datetime | None, now: datetime) -> int:
    """Bring the desk's facts and rollups up to date with everything that changed since
    ``since`` (None: rebuild them all from scratch). Returns the rows written (facts and rollup
    rows). Idempotent: running it twice changes nothing the second time."""
    if since is None:
        with transaction.atomic():
            TicketFact.objects.all().delete()
        facts, _days = ticket_facts_build(None, now=now)
        return facts + desk_days_rollup(None) + assistant_days_rollup(None)
    facts, days = ticket_facts_build(tickets_touched_since(since), now=now)
    written = facts + desk_days_rollup(days) if days else facts
    return written + assistant_days_rollup(assistant_days_touched_since(since))
