"""A small desk for ticket tests: the page-test world plus agents, a supervisor and teams.

The clock is frozen at 2026-11-05 10:00 Asia/Shanghai (a Thursday) by ``build_world``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from anxin.accounts.services import actor_for_user
from anxin.catalog.tests import factories as f
from anxin.core.actors import Role
from anxin.tickets.choices import Availability
from anxin.tickets.inputs import TicketOpenIn
from anxin.tickets.models import AgentProfile, Team
from anxin.tickets.services import ticket_open
from anxin.web.tests.world import World, build_world


@dataclass
class Desk:
    world: World
    team: Any  # first line, round-robin
    supervisor: Any
    agents: list[Any]

    def actor(self, user: Any) -> Any:
        return actor_for_user(user)

    def open(self, user: Any | None = None, channel: str = "web", **fields: Any) -> Any:
        data = {
            "type": "inquiry",
            "subject": "Where is my parcel?",
            "body": "No news since Monday.",
        }
        data.update(fields)
        return ticket_open(
            actor=self.actor(user or self.world.consumer),
            data=TicketOpenIn(**data),
            channel=channel,
        )


def agent_profile(user: Any, team: Any, **fields: Any) -> AgentProfile:
    fields.setdefault("availability", Availability.ONLINE)
    fields.setdefault("languages", ["zh-hans", "en"])
    profile, _ = AgentProfile.objects.update_or_create(user=user, defaults=fields)
    profile.teams.add(team)
    return profile


def build_desk(agents: int = 2) -> Desk:
    world = build_world()
    team = Team.objects.get(code="service")
    supervisor = f.user("supervisor", Role.AGENT)
    team.supervisor = supervisor
    team.save()
    agent_profile(supervisor, team, availability=Availability.AWAY)
    people = [world.agent]
    people += [f.user(f"agent{n}", Role.AGENT) for n in range(2, agents + 1)]
    for user in people:
        agent_profile(user, team)
    return Desk(world=world, team=team, supervisor=supervisor, agents=people)
