"""/api/v1/tickets: open from apps and social channels, read, reply, act, route."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from anxin.accounts.api.auth import API_AUTH, actor_of
from anxin.core.actors import Actor, Role
from anxin.core.api.idempotency import idempotent
from anxin.core.pagination import keyset_page

from .. import selectors, services
from ..choices import Channel, Priority, TicketStatus, TicketType
from ..inputs import (
    ActIn,
    AssignIn,
    ChannelTicketIn,
    ReplyIn,
    TagsIn,
    TicketOpenIn,
    TransferIn,
    VerifyIn,
)
from ..models import Ticket
from .schemas import MessageOut, TicketDetailOut, TicketPage

router = Router(tags=["tickets"], auth=API_AUTH)


def _row(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.public_id,
        **{f: getattr(ticket, f) for f in ("number", "type", "priority", "channel", "status")},
        **{f: getattr(ticket, f) for f in ("subject", "language", "verification")},
        "team": ticket.team.code if ticket.team else None,
        "assignee": ticket.assignee.get_username() if ticket.assignee else None,
        "order": ticket.order.external_id if ticket.order else None,
        "case": ticket.case.number if ticket.case else None,
        "escalation_level": ticket.escalation_level,
        "sla": selectors.sla_state(ticket),
        "sla_due": getattr(ticket, "sla_due", None),
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
    }


def _detail(actor: Actor, number: str) -> dict[str, Any]:
    ticket = selectors.ticket_get_for(actor=actor, number=number)
    return {
        **_row(ticket),
        "stage": selectors.ticket_stage(ticket),
        "tags": [t.name for t in ticket.tags.all()],
        "clocks": selectors.ticket_clocks(ticket),
        "messages": list(selectors.ticket_messages_for(actor=actor, ticket=ticket)),
        "events": list(selectors.ticket_events_for(actor=actor, ticket=ticket)),
    }


@router.post("/tickets", response={201: TicketDetailOut}, summary="Open a ticket")
@idempotent(TicketDetailOut)
def ticket_open(request: HttpRequest, payload: ChannelTicketIn) -> Status[Any]:
    """Apps and social-media integrations keep their channel (a consumer app is "api"); agents
    log phone calls with channel "phone"."""
    actor = actor_of(request)
    channel = payload.channel
    if actor.role is Role.CONSUMER:
        channel = channel if channel in {Channel.API, Channel.SOCIAL} else Channel.API
    data = payload.model_dump(exclude={"channel"})
    ticket = services.ticket_open(actor=actor, data=TicketOpenIn(**data), channel=channel)
    return Status(201, _detail(actor, ticket.number))


class TicketListQuery(Schema):
    status: TicketStatus | None = None
    type: TicketType | None = None
    priority: Priority | None = None
    channel: Channel | None = None
    team: str | None = Field(default=None, max_length=40)
    mine: bool = False
    escalated: bool = False
    cursor: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=50, ge=1, le=200)


@router.get("/tickets", response=TicketPage, summary="List tickets (newest first)")
def ticket_list(request: HttpRequest, query: Query[TicketListQuery]) -> Any:
    filters = selectors.TicketFilters(
        status=query.status or "",
        type=query.type or "",
        priority=query.priority or "",
        channel=query.channel or "",
        team=query.team or "",
        mine=query.mine,
        escalated=query.escalated,
    )
    tickets = selectors.ticket_list_for(actor=actor_of(request), filters=filters).order_by()
    page = keyset_page(tickets, key="created_at", cursor=query.cursor, limit=query.limit)
    return {"items": [_row(t) for t in page.items], "next_cursor": page.next_cursor}


@router.get("/tickets/{number}", response=TicketDetailOut, summary="A ticket with its history")
def ticket_get(request: HttpRequest, number: str) -> Any:
    return _detail(actor_of(request), number)


@router.post("/tickets/{number}/messages", response={201: MessageOut}, summary="Reply or note")
@idempotent(MessageOut)
def ticket_reply(request: HttpRequest, number: str, payload: ReplyIn) -> Status[Any]:
    actor = actor_of(request)
    ticket = selectors.ticket_get_for(actor=actor, number=number)
    message = services.ticket_reply(
        actor=actor,
        ticket=ticket,
        body=payload.body,
        internal=payload.internal,
        channel=Channel.API,
    )
    return Status(201, message)


@router.post(
    "/tickets/{number}/actions/{action}",
    response={200: TicketDetailOut},
    summary="Take a workflow action (resolve, wait_customer, reject_resolution, merge …)",
)
@idempotent(TicketDetailOut)
def ticket_action(request: HttpRequest, number: str, action: str, payload: ActIn) -> Status[Any]:
    actor = actor_of(request)
    ticket = selectors.ticket_get_for(actor=actor, number=number)
    services.ticket_act(
        actor=actor,
        ticket=ticket,
        action=action,
        reason=payload.reason,
        version=payload.version,
        data={"into": payload.into} if payload.into else None,
    )
    return Status(200, _detail(actor, number))


@router.post("/tickets/{number}/transfer", response=TicketDetailOut, summary="Transfer to a team")
def ticket_transfer(request: HttpRequest, number: str, payload: TransferIn) -> Any:
    actor = actor_of(request)
    ticket = selectors.ticket_get_for(actor=actor, number=number)
    services.ticket_transfer(
        actor=actor, ticket=ticket, team_code=payload.team, reason=payload.reason
    )
    return _detail(actor, number)


@router.post("/tickets/{number}/assign", response=TicketDetailOut, summary="Assign to an agent")
def ticket_assign(request: HttpRequest, number: str, payload: AssignIn) -> Any:
    actor = actor_of(request)
    ticket = selectors.ticket_get_for(actor=actor, number=number)
    services.ticket_assign(
        actor=actor, ticket=ticket, assignee_id=payload.assignee, reason=payload.reason
    )
    return _detail(actor, number)


@router.post("/tickets/{number}/tags", response=TicketDetailOut, summary="Set the tags")
def ticket_tags(request: HttpRequest, number: str, payload: TagsIn) -> Any:
    actor = actor_of(request)
    ticket = selectors.ticket_get_for(actor=actor, number=number)
    services.ticket_tags_set(actor=actor, ticket=ticket, names=payload.tags)
    return _detail(actor, number)


@router.post("/tickets/{number}/verify", response=TicketDetailOut, summary="Record verification")
def ticket_verify(request: HttpRequest, number: str, payload: VerifyIn) -> Any:
    actor = actor_of(request)
    ticket = selectors.ticket_get_for(actor=actor, number=number)
    services.ticket_verify(actor=actor, ticket=ticket, verified=payload.verified, note=payload.note)
    return _detail(actor, number)
