"""Tickets about the merchant's own orders at /shop/tickets/: read the public conversation and
answer the customer (never internal notes, never other shops' tickets)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anxin.tickets import selectors
from anxin.tickets.selectors import TicketFilters
from anxin.web import ticket_display as display

from ..common import MERCHANTS, actor, audience
from ..ticket_reply import public_reply_from_post


@audience(MERCHANTS)
def ticket_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    filters = TicketFilters(status="open" if status != "all" else "")
    tickets = list(selectors.ticket_list_for(actor=actor(request), filters=filters)[:200])
    rows = [(t, selectors.sla_state(t)) for t in tickets]
    return render(
        request,
        "web/tickets/merchant_list.html",
        {"rows": rows, "nav": "tickets", "status": status, "sla_badges": display.SLA_BADGES},
    )


@audience(MERCHANTS)
def ticket_detail(request: HttpRequest, number: str) -> HttpResponse:
    me = actor(request)
    ticket = selectors.ticket_get_for(actor=me, number=number)
    events = list(selectors.ticket_events_for(actor=me, ticket=ticket))
    return render(
        request,
        "web/tickets/merchant_ticket.html",
        {
            "nav": "tickets",
            "ticket": ticket,
            "stage_rows": display.stages(selectors.ticket_stage(ticket)),
            "conversation": list(selectors.ticket_messages_for(actor=me, ticket=ticket)),
            "history": display.history(ticket, events, me),
        },
    )


@audience(MERCHANTS)
@require_POST
def reply(request: HttpRequest, number: str) -> HttpResponse:
    public_reply_from_post(request, number)
    return redirect(reverse("merchant_tickets:ticket", args=[number]))
