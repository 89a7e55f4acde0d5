"""Hand-off to a person: a ticket on the assistant channel with the transcript, the detected
intent and slots; the customer is told the ticket number, queue position and answer time."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anxin.catalog.models import Order
from anxin.core import clock
from anxin.core.errors import DomainError
from anxin.tickets.choices import Channel, Priority, SlaMetric, TicketStatus, TicketType
from anxin.tickets.inputs import TicketOpenIn
from anxin.tickets.models import SlaClock, Ticket
from anxin.tickets.services import ticket_open, ticket_reply

from ...choices import HandoffReason, Role
from ..context import Context
from ..lookups import order_by_number
from ..replies import Turn
from .common import when

TICKET_TYPE = {
    "complaint": TicketType.COMPLAINT,
    "order_status": TicketType.LOGISTICS,
    "change_address": TicketType.LOGISTICS,
    "cancel_order": TicketType.LOGISTICS,
    "payment_issue": TicketType.PAYMENT,
    "invoice": TicketType.PAYMENT,
    "refund_request": TicketType.AFTER_SALES,
    "return_request": TicketType.AFTER_SALES,
    "exchange_request": TicketType.AFTER_SALES,
    "repair_request": TicketType.AFTER_SALES,
    "refund_status": TicketType.AFTER_SALES,
    "case_status": TicketType.AFTER_SALES,
    "policy_question": TicketType.AFTER_SALES,
}
BODY_MAX = 10_000
WAITING = (TicketStatus.NEW, TicketStatus.OPEN)


def transcript(ctx: Context) -> str:
    rows = []
    for message in ctx.conversation.messages.order_by("created_at", "id"):
        stamp = timezone.localtime(message.created_at).strftime("%H:%M:%S")
        if message.role == Role.USER:
            detail = f" [{message.intent or '?'} {message.confidence or 0:.2f}"
            detail += f" {message.slots}]" if message.slots else "]"
            rows.append(f"{stamp} {_('Customer')}: {message.text}{detail}")
        else:
            rows.append(f"{stamp} {_('Assistant')}: {message.text}")
    return "\n".join(rows)


def _topic_intent(ctx: Context) -> str:
    """The request the chat is about: this message's intent unless it only asked for a person."""
    if ctx.heard.intent not in ("human_agent", "out_of_scope", "greeting", "thanks_bye"):
        return ctx.heard.intent
    return str(ctx.state.get("topic") or ctx.heard.intent)


def handoff(ctx: Context, turn: Turn, reason: str) -> None:
    conversation = ctx.conversation
    if conversation.status == "handed_off" and conversation.ticket is not None:
        _tell(ctx, turn, conversation.ticket)
        return
    topic = _topic_intent(ctx)
    kind = (
        TicketType.COMPLAINT
        if reason == HandoffReason.COMPLAINT
        else TICKET_TYPE.get(topic, TicketType.INQUIRY)
    )
    first = next(
        (m.text for m in conversation.messages.filter(role=Role.USER).order_by("created_at", "id")),
        ctx.heard.text,
    )
    header = _(
        "Handed over by the assistant (%(reason)s). Detected intent: %(intent)s; slots: %(slots)s."
    ) % {
        "reason": HandoffReason(reason).label,
        "intent": topic,
        "slots": ctx.heard.slots or {},
    }
    body = f"{header}\n\n{transcript(ctx)}"
    if len(body) > BODY_MAX:
        body = body[: BODY_MAX - 1] + "…"
    order: Order | None = order_by_number(
        ctx.actor, ctx.heard.slots.get("order_number") or ctx.state.get("last_order")
    )
    case_number = ctx.heard.slots.get("case_number") or ctx.state.get("last_case") or ""
    data = TicketOpenIn(
        type=kind,
        priority=Priority.HIGH
        if reason in (HandoffReason.NEGATIVE, HandoffReason.COMPLAINT)
        else Priority.NORMAL,
        subject=(_("Assistant chat: %(text)s") % {"text": " ".join(first.split())[:80] or "—"})[
            :200
        ],
        body=body,
        order=str(order.public_id) if order else "",
        case=case_number,
        language=ctx.lang,
    )
    try:
        ticket = ticket_open(actor=ctx.actor, data=data, channel=Channel.ASSISTANT)
    except DomainError:  # a stale case or order reference must not stop the hand-off
        ticket = ticket_open(
            actor=ctx.actor,
            data=data.model_copy(update={"order": "", "case": ""}),
            channel=Channel.ASSISTANT,
        )
    conversation.ticket = ticket
    conversation.handoff_reason = reason
    conversation.handed_off_at = clock.now()
    conversation.status = "handed_off"
    conversation.state = {}
    _tell(ctx, turn, ticket, opened=True)


def _tell(ctx: Context, turn: Turn, ticket: Ticket, *, opened: bool = False) -> None:
    facts = {"number": ticket.number}
    if opened:
        text = (
            _("I have passed our chat to a person: ticket %(number)s, with everything you told me.")
            % facts
        )
    else:
        text = _("Your chat is with our team already (ticket %(number)s).") % facts
    if ticket.assignee_id is not None:
        text += " " + _("An agent has picked it up.")
    else:
        # Everyone waiting in the team's queue counts, whoever they are.
        position = Ticket.unscoped.filter(
            team=ticket.team,
            assignee__isnull=True,
            status__in=WAITING,
            created_at__lte=ticket.created_at,
        ).count()
        text += " " + _("You are number %(position)s in the queue.") % {
            "position": max(position, 1)
        }
    first_response = SlaClock.objects.filter(ticket=ticket, metric=SlaMetric.FIRST_RESPONSE).first()
    if first_response is not None and first_response.due_at is not None:
        text += " " + _("We aim to answer by %(due)s.") % {"due": when(first_response.due_at)}
    turn.say(text).link(
        _("Follow the ticket"), reverse("consumer_tickets:ticket", args=[ticket.number])
    )


def relay(ctx: Context, turn: Turn) -> bool:
    """After the hand-off, the customer's messages go to the ticket (False once it is closed:
    the assistant takes over again)."""
    ticket = ctx.conversation.ticket
    if ticket is None or ticket.status == TicketStatus.CLOSED:
        return False
    ticket_reply(
        actor=ctx.actor,
        ticket=ticket,
        body=ctx.heard.text[:BODY_MAX] or "…",
        channel=Channel.ASSISTANT,
    )
    turn.say(
        _("I added this to ticket %(number)s; the agent sees it there.") % {"number": ticket.number}
    ).link(_("Follow the ticket"), reverse("consumer_tickets:ticket", args=[ticket.number]))
    return True
