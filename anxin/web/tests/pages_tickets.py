"""The service desk's pages for the screenshot run: (name, username, url builder).

The builders open tickets through the services when the world has none yet, so every page shows
real content (a conversation, SLA clocks, a history).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse


def desk_ticket(world: Any) -> Any:
    """A complaint about the consumer's first order, answered once, with a revisit due."""
    from anxin.accounts.services import actor_for_user
    from anxin.tickets.inputs import TicketOpenIn
    from anxin.tickets.models import AgentProfile, Team, Ticket
    from anxin.tickets.services import ticket_open, ticket_reply

    found = Ticket.objects.filter(subject="包裹破损，要求处理").first()
    if found is not None:
        return found
    team = Team.objects.get(code="service")
    profile, _ = AgentProfile.objects.get_or_create(
        user=world.agent, defaults={"availability": "online", "languages": ["zh-hans", "en"]}
    )
    profile.teams.add(team)
    ticket = ticket_open(
        actor=actor_for_user(world.consumer),
        data=TicketOpenIn(
            type="complaint",
            subject="包裹破损，要求处理",
            body="收到的包裹外箱破损，里面的杯子碎了一个。请尽快处理。",
            order=world.order.external_id,
        ),
        channel="web",
    )
    agent = actor_for_user(world.agent)
    ticket_reply(actor=agent, ticket=ticket, body="非常抱歉给您带来不便，我们已联系商家核实。")
    ticket_reply(actor=agent, ticket=ticket, body="核实物流签收照片", internal=True)
    ticket.refresh_from_db()
    return ticket


def _console(world: Any) -> str:
    return reverse("console_tickets:ticket", args=[desk_ticket(world).number])


def _consumer(world: Any) -> str:
    return reverse("consumer_tickets:ticket", args=[desk_ticket(world).number])


def _merchant(world: Any) -> str:
    return reverse("merchant_tickets:ticket", args=[desk_ticket(world).number])


def _queue(world: Any) -> str:
    desk_ticket(world)
    return reverse("console_tickets:queue")


PAGES: list[tuple[str, str, Callable[[Any], str]]] = [
    ("console-tickets", "agent", _queue),
    ("console-ticket", "agent", _console),
    ("console-phone", "agent", lambda world: reverse("console_tickets:phone")),
    ("console-revisits", "agent", lambda world: reverse("console_tickets:revisits")),
    (
        "console-performance",
        "agent",
        lambda world: (desk_ticket(world), reverse("console_tickets:performance"))[1],
    ),
    (
        "consumer-tickets",
        "consumer",
        lambda world: (desk_ticket(world), reverse("consumer_tickets:list"))[1],
    ),
    ("consumer-ticket-new", "consumer", lambda world: reverse("consumer_tickets:new")),
    ("consumer-ticket", "consumer", _consumer),
    (
        "merchant-tickets",
        "merchant",
        lambda world: (desk_ticket(world), reverse("merchant_tickets:list"))[1],
    ),
    ("merchant-ticket", "merchant", _merchant),
]
