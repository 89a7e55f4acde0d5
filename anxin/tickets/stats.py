"""Agent and team performance over a period: response and resolution times (median, p90, on
the SLA policy's calendar), SLA attainment, reopen rate, and CSAT / QA from the feedback app."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from statistics import median

from django.contrib.auth import get_user_model

from anxin.feedback.selectors import csat_by_agent, qa_by_agent
from anxin.policies.business_hours import business_calendar
from anxin.policies.calendars import BusinessCalendar

from .choices import SlaStatus
from .models import SlaClock, Team, Ticket
from .sla import elapsed


def p90(values: list[float]) -> float | None:
    """The 90th percentile by the nearest-rank method (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-9 * len(ordered) // 10))  # ceil(0.9 n)
    return ordered[rank - 1]


@dataclass
class Performance:
    """One agent's or team's figures; times in minutes of the SLA calendar."""

    key: str
    label: str
    tickets: int = 0
    first_response: list[float] = field(default_factory=list)
    resolution: list[float] = field(default_factory=list)
    sla_met: int = 0
    sla_breached: int = 0
    resolved: int = 0
    reopened: int = 0
    csat: Decimal | None = None
    csat_count: int = 0
    qa: Decimal | None = None
    qa_count: int = 0

    @property
    def first_response_median(self) -> float | None:
        return median(self.first_response) if self.first_response else None

    @property
    def first_response_p90(self) -> float | None:
        return p90(self.first_response)

    @property
    def resolution_median(self) -> float | None:
        return median(self.resolution) if self.resolution else None

    @property
    def resolution_p90(self) -> float | None:
        return p90(self.resolution)

    @property
    def sla_attainment(self) -> float | None:
        total = self.sla_met + self.sla_breached
        return round(100 * self.sla_met / total, 1) if total else None

    @property
    def reopen_rate(self) -> float | None:
        return round(100 * self.reopened / self.resolved, 1) if self.resolved else None


def _minutes(calendar: str, start: datetime, end: datetime, business: BusinessCalendar) -> float:
    if calendar == "business":
        return business.between(start, end) / timedelta(minutes=1)
    return elapsed(calendar, start, end) / timedelta(minutes=1)


def performance(
    *, since: datetime, until: datetime, zh: bool
) -> tuple[list[Performance], list[Performance]]:
    """(per agent, per team) for tickets opened in [since, until]."""
    tickets = list(
        Ticket.unscoped.filter(created_at__gte=since, created_at__lte=until).select_related(
            "sla_policy"
        )
    )
    users = dict(
        get_user_model()
        .objects.filter(pk__in={t.assignee_id for t in tickets if t.assignee_id})
        .values_list("pk", "username")
    )
    teams = {t.pk: (t.name_zh if zh else t.name_en) for t in Team.objects.all()}
    business = business_calendar()  # read the calendar table once, not once per ticket
    agents: dict[int, Performance] = {}
    by_team: dict[int, Performance] = {}
    clocks = defaultdict(list)
    for ticket_id, status in SlaClock.objects.filter(
        ticket__in=[t.pk for t in tickets], status__in=[SlaStatus.MET, SlaStatus.BREACHED]
    ).values_list("ticket_id", "status"):
        clocks[ticket_id].append(status)
    for ticket in tickets:
        calendar = ticket.sla_policy.calendar if ticket.sla_policy else "business"
        rows = []
        if ticket.assignee_id:
            rows.append(
                agents.setdefault(
                    ticket.assignee_id,
                    Performance(str(ticket.assignee_id), users.get(ticket.assignee_id, "?")),
                )
            )
        if ticket.team_id:
            rows.append(
                by_team.setdefault(
                    ticket.team_id, Performance(str(ticket.team_id), teams.get(ticket.team_id, "?"))
                )
            )
        for row in rows:
            row.tickets += 1
            if ticket.first_response_at:
                row.first_response.append(
                    _minutes(calendar, ticket.created_at, ticket.first_response_at, business)
                )
            if ticket.resolved_at:
                row.resolution.append(
                    _minutes(calendar, ticket.created_at, ticket.resolved_at, business)
                )
            if ticket.resolved_at or ticket.closed_at or ticket.reopen_count:
                row.resolved += 1  # resolved at least once (a reopened ticket was)
                row.reopened += ticket.reopen_count > 0
            for status in clocks.get(ticket.pk, []):
                if status == SlaStatus.MET:
                    row.sla_met += 1
                else:
                    row.sla_breached += 1
    _feedback(agents, since)
    return (
        sorted(agents.values(), key=lambda p: p.label),
        sorted(by_team.values(), key=lambda p: p.label),
    )


def _feedback(agents: dict[int, Performance], since: datetime) -> None:
    for user_id, (avg, count) in csat_by_agent(since=since).items():
        if user_id in agents:
            agents[user_id].csat, agents[user_id].csat_count = avg, count
    for user_id, (avg, count) in qa_by_agent(since=since).items():
        if user_id in agents:
            agents[user_id].qa, agents[user_id].qa_count = avg, count
