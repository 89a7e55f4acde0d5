"""The desk's facts: one ``TicketFact`` per ticket, computed from the ticket row, its SLA clocks
and its satisfaction survey in a few queries per thousand tickets (never a query per ticket).

Definitions (the desk metrics rely on them):

- ``day``: the local (Asia/Shanghai) date the ticket was opened; ``merchant_id`` 0 without a shop.
- ``response_hours``: opening → the first reply to the customer (``Ticket.first_response_at``),
  in calendar hours (what the customer waits, whatever the policy's business calendar).
- ``resolve_hours``: opening → the ticket's *final* resolution. A reopen clears
  ``resolved_at`` and the next resolve sets it again, so a ticket resolved, reopened and resolved
  again measures from its opening to the second resolution; None while it is unresolved (a
  merged ticket is never resolved: its survivor is).
- ``reopened``: how often the closed ticket was reopened (``Ticket.reopen_count``). A resolution
  the customer rejected before closing is review feedback, kept in ``resolution_rejections``,
  not a reopen (as on the console's performance page).
- ``sla_met``: False when any of the ticket's SLA clocks breached (late first response, next
  response or resolution), True when at least one clock was met and none breached, None when no
  target was decided (no policy applied, clocks cancelled or still running).
- ``csat``: the score (1–5) of the ticket's answered satisfaction survey.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from anxin.feedback.choices import SubjectType
from anxin.feedback.models import Survey
from anxin.tickets.choices import SlaStatus
from anxin.tickets.models import SlaClock, Ticket

from .models import TicketFact

CHUNK = 2000
HOUR = 3600.0

TICKET_FIELDS = (
    "pk",
    "channel",
    "type",
    "priority",
    "merchant_id",
    "created_at",
    "first_response_at",
    "resolved_at",
    "reopen_count",
    "merged_into_id",
)


def _hours(start: datetime, end: datetime | None) -> float | None:
    if end is None:
        return None
    return max(0.0, (end - start).total_seconds() / HOUR)


def sla_outcomes(ticket_ids: Iterable[int]) -> dict[int, bool]:
    """Whether each ticket met its decided SLA targets (tickets without one are absent)."""
    breached = Q(status=SlaStatus.BREACHED) | Q(breached_at__isnull=False)
    rows = (
        SlaClock.objects.filter(ticket_id__in=list(ticket_ids))
        .values("ticket_id")
        .annotate(
            breached=Count("pk", filter=breached),
            met=Count("pk", filter=Q(status=SlaStatus.MET, breached_at__isnull=True)),
        )
    )
    outcomes: dict[int, bool] = {}
    for row in rows:
        if row["breached"]:
            outcomes[row["ticket_id"]] = False
        elif row["met"]:
            outcomes[row["ticket_id"]] = True
    return outcomes


def survey_scores(ticket_ids: Iterable[int]) -> dict[int, int]:
    """The answered satisfaction score of each ticket that has one."""
    rows = Survey.unscoped.filter(
        subject_type=SubjectType.TICKET,
        subject_id__in=list(ticket_ids),
        score__isnull=False,
    ).values_list("subject_id", "score")
    return {int(subject): int(score) for subject, score in rows if score is not None}


def _chunks(ticket_ids: Iterable[int] | None) -> Iterator[list[int]]:
    if ticket_ids is None:
        last = 0
        while True:
            chunk = list(
                Ticket.unscoped.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[:CHUNK]
            )
            if not chunk:
                return
            yield chunk
            last = chunk[-1]
    else:
        ordered = sorted(set(ticket_ids))
        for start in range(0, len(ordered), CHUNK):
            yield ordered[start : start + CHUNK]


def _facts(ids: list[int], now: datetime) -> list[TicketFact]:
    sla = sla_outcomes(ids)
    csat = survey_scores(ids)
    facts = []
    for row in Ticket.unscoped.filter(pk__in=ids).values(*TICKET_FIELDS):
        opened: datetime = row["created_at"]
        resolved = None if row["merged_into_id"] else row["resolved_at"]
        facts.append(
            TicketFact(
                ticket_id=row["pk"],
                channel=row["channel"],
                type=row["type"],
                priority=row["priority"],
                merchant_id=row["merchant_id"] or 0,
                opened_at=opened,
                day=timezone.localtime(opened).date(),
                response_hours=_hours(opened, row["first_response_at"]),
                resolve_hours=_hours(opened, resolved),
                sla_met=sla.get(row["pk"]),
                reopened=row["reopen_count"],
                csat=csat.get(row["pk"]),
                updated_at=now,
            )
        )
    return facts


def ticket_facts_build(ticket_ids: Iterable[int] | None, *, now: datetime) -> tuple[int, set[date]]:
    """(Re)compute the facts of these tickets (None: every ticket). Returns how many facts were
    written and the local days whose rollups they touch (the days of the old and new facts)."""
    written = 0
    days: set[date] = set()
    for ids in _chunks(ticket_ids):
        facts = _facts(ids, now)
        with transaction.atomic():
            old = TicketFact.objects.filter(ticket_id__in=ids)
            days.update(old.values_list("day", flat=True).distinct())
            old.delete()
            TicketFact.objects.bulk_create(facts)
        days.update(fact.day for fact in facts)
        written += len(facts)
    return written, days
