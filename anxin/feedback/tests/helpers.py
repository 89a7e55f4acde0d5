"""Closing tickets and finishing cases the way people do, for the feedback tests."""

from __future__ import annotations

from typing import Any

from anxin.tickets.services import ticket_act, ticket_reply
from anxin.tickets.tests.desk import Desk
from anxin.web.tests.world import advance


def closed_ticket(desk: Desk, *, agent: Any = None, ticket: Any = None, **fields: Any) -> Any:
    """Opened by the consumer, answered by an agent, resolved, accepted by the consumer."""
    ticket = ticket or desk.open(**fields)
    staff = desk.actor(agent or desk.world.agent)
    ticket_reply(actor=staff, ticket=ticket, body="We found your parcel; it arrives tomorrow.")
    ticket_act(actor=staff, ticket=ticket, action="resolve")
    ticket_act(actor=desk.actor(desk.world.consumer), ticket=ticket, action="accept_resolution")
    ticket.refresh_from_db()
    return ticket


def refunded_case(world: Any) -> Any:
    """The consumer's refund-only request at the other shop, approved and refunded."""
    merchant = world.actor(world.other_merchant)
    return advance(world.other_case, (merchant, "approve", {}), (merchant, "refund", {}))
