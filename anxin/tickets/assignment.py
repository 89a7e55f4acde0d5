"""Routing and assignment: which team takes a ticket, and which of its agents.

Only agents who are online, below their capacity and (where anyone has them) with the ticket's
skills are candidates. Round-robin gives the ticket to the candidate who has waited longest since
their last assignment; least-loaded to the one with the fewest open tickets. The team row is
locked while choosing, so two tickets arriving together never pick from the same snapshot.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Max, QuerySet

from anxin.catalog.models import OrderLine

from .choices import OPEN_STATUSES, AssignmentMode, Availability
from .models import AgentProfile, Team, Ticket


def team_for(ticket: Ticket) -> Team | None:
    """The team that takes tickets of this type, else the first-line team."""
    teams = list(Team.objects.all())
    for team in teams:
        if ticket.type in (team.ticket_types or []):
            return team
    return next((t for t in teams if t.first_line), None)


def open_load(user_ids: list[int] | None = None) -> dict[int, int]:
    """Open tickets per assignee (new, open and waiting count against capacity)."""
    query = Ticket.unscoped.filter(status__in=OPEN_STATUSES, assignee__isnull=False)
    if user_ids is not None:
        query = query.filter(assignee_id__in=user_ids)
    rows = query.values("assignee_id").annotate(n=Count("pk"))
    return {r["assignee_id"]: r["n"] for r in rows}


def _ticket_category_id(ticket: Ticket) -> int | None:
    if ticket.order_id is None:
        return None
    return (
        OrderLine.objects.filter(order_id=ticket.order_id, sku__category__isnull=False)
        .values_list("sku__category_id", flat=True)
        .first()
    )


def candidates(team: Team, ticket: Ticket) -> list[AgentProfile]:
    """Online agents of the team with free capacity, narrowed to those with the ticket's skills
    when at least one such agent is free (a skill is a preference, not a reason to wait)."""
    return candidates_for(team, language=ticket.language, category_id=_ticket_category_id(ticket))


def candidates_for(team: Team, *, language: str, category_id: int | None) -> list[AgentProfile]:
    """The same rules for work that is not a ticket (a dispute to mediate): language and product
    category are the skills."""
    profiles: QuerySet[AgentProfile] = AgentProfile.objects.filter(
        teams=team, availability=Availability.ONLINE, user__is_active=True
    ).prefetch_related("categories")
    found = list(profiles)
    load = open_load([p.user_id for p in found])
    free = [p for p in found if load.get(p.user_id, 0) < p.capacity]
    by_language = [p for p in free if language in (p.languages or [])]
    if by_language:
        free = by_language
    if category_id is not None:
        skilled = [p for p in free if any(c.pk == category_id for c in p.categories.all())]
        if skilled:
            free = skilled
    for p in free:
        p.open_tickets = load.get(p.user_id, 0)  # type: ignore[attr-defined]
    return free


def choose(team: Team, ticket: Ticket) -> AgentProfile | None:
    """Pick an agent by the team's mode; None when nobody is free (the ticket waits in the team
    queue until an agent comes online)."""
    return _pick(team, candidates(team, ticket))


def agent_pick(
    *, team_code: str, language: str, category_id: int | None, at: datetime
) -> int | None:
    """An agent of the team ``team_code`` for work that is not a ticket, by the team's rules and
    under its lock; the agent's turn is taken. None when nobody is free or the team is missing."""
    team = Team.objects.filter(code=team_code).first()
    if team is None:
        return None
    team = lock_team(team.pk)
    profile = _pick(team, candidates_for(team, language=language, category_id=category_id))
    if profile is None:
        return None
    mark_assigned(profile, at)
    return profile.user_id


def _pick(team: Team, pool: list[AgentProfile]) -> AgentProfile | None:
    if not pool:
        return None

    def waited(p: AgentProfile) -> tuple[int, int]:
        # never assigned (turn 0) goes first; then whoever's last turn is oldest
        return (p.assigned_turn, p.user_id)

    if team.assignment_mode == AssignmentMode.LEAST_LOADED:
        return min(pool, key=lambda p: (p.open_tickets, *waited(p)))  # type: ignore[attr-defined]
    return min(pool, key=waited)


def lock_team(team_id: int) -> Team:
    return Team.objects.select_for_update().get(pk=team_id)


def mark_assigned(profile: AgentProfile, at: datetime) -> None:
    """Give the agent the newest turn (callers hold the team lock)."""
    turn = AgentProfile.objects.aggregate(m=Max("assigned_turn"))["m"] or 0
    AgentProfile.objects.filter(pk=profile.pk).update(last_assigned_at=at, assigned_turn=turn + 1)


def unassigned_in(team: Team) -> QuerySet[Ticket]:
    return Ticket.unscoped.filter(
        team=team, assignee__isnull=True, status__in=OPEN_STATUSES
    ).order_by("created_at", "pk")
