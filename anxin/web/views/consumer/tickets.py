"""The consumer's tickets at /my/tickets/: list, a new ticket (web channel), one ticket with the
conversation, replies, and accepting or rejecting a resolution."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from pydantic import ValidationError as PydanticError

from anxin.catalog.models import Order
from anxin.core.errors import DomainError
from anxin.core.validation import localized_field_errors
from anxin.tickets import selectors, services
from anxin.tickets.choices import Channel, TicketStatus, TicketType
from anxin.tickets.inputs import ActIn, TicketOpenIn
from anxin.tickets.selectors import TicketFilters
from anxin.web import ticket_display as display

from ..common import CONSUMERS, actor, audience, flash_error, flash_invalid
from ..ticket_reply import public_reply_from_post
from .home import page

# Consumers choose among the kinds of help they can ask for; routing uses the same types.
CONSUMER_TYPES = [
    (TicketType.INQUIRY, _("A question")),
    (TicketType.COMPLAINT, _("A complaint")),
    (TicketType.AFTER_SALES, _("Help with an after-sales request")),
    (TicketType.LOGISTICS, _("Delivery or tracking")),
    (TicketType.PAYMENT, _("Payment or refund money")),
    (TicketType.OTHER, _("Something else")),
]


class NewTicketForm(forms.Form):
    type = forms.ChoiceField(label=_("What is it about?"), choices=CONSUMER_TYPES)
    order = forms.ChoiceField(label=_("Order"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea)

    def __init__(self, *args: Any, orders: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["order"]).choices = [
            ("", _("No particular order")),
            *orders,
        ]


@audience(CONSUMERS)
def ticket_list(request: HttpRequest) -> HttpResponse:
    tickets = selectors.ticket_list_for(actor=actor(request), filters=TicketFilters()).order_by(
        "-created_at"
    )[:100]
    return page(
        request, "web/tickets/consumer_list.html", {"tickets": list(tickets)}, nav="tickets"
    )


@audience(CONSUMERS)
def ticket_new(request: HttpRequest) -> HttpResponse:
    me = actor(request)
    orders = [
        (o.external_id, f"{o.external_id} · {o.placed_at:%Y-%m-%d}")
        for o in Order.objects.for_actor(me).order_by("-placed_at")[:50]
    ]
    initial = {"order": request.GET.get("order", "")[:64], "type": request.GET.get("type", "")}
    form = NewTicketForm(request.POST or None, orders=orders, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            language = "en" if (translation.get_language() or "") == "en" else "zh-hans"
            try:
                ticket = services.ticket_open(
                    actor=me,
                    data=TicketOpenIn(
                        type=data["type"],
                        subject=data["subject"],
                        body=data["body"],
                        order=data["order"],
                        language=language,
                    ),
                    channel=Channel.WEB,
                )
            except DomainError as error:
                for name, text in flash_error(request, error).items():
                    form.add_error(name if name in form.fields else None, text)
            except PydanticError as error:
                errors = list(error.errors())
                for name, text in localized_field_errors(errors).items():  # type: ignore[arg-type]
                    form.add_error(name if name in form.fields else None, text)
            else:
                messages.success(
                    request,
                    _("We received your message. Your ticket number is %(number)s.")
                    % {"number": ticket.number},
                )
                return redirect(reverse("consumer_tickets:ticket", args=[ticket.number]))
        status = 400
    return page(
        request, "web/tickets/consumer_new.html", {"form": form}, nav="tickets", status=status
    )


@audience(CONSUMERS)
def ticket_detail(request: HttpRequest, number: str) -> HttpResponse:
    me = actor(request)
    ticket = selectors.ticket_get_for(actor=me, number=number)
    events = list(selectors.ticket_events_for(actor=me, ticket=ticket))
    return page(
        request,
        "web/tickets/consumer_ticket.html",
        {
            "ticket": ticket,
            "stage_rows": display.stages(selectors.ticket_stage(ticket)),
            "conversation": list(selectors.ticket_messages_for(actor=me, ticket=ticket)),
            "history": display.history(ticket, events, me),
            "resolved": ticket.status == TicketStatus.RESOLVED,
            # the customer's SLA promise: the response clock that is running, if any
            "answer_by": next(
                (
                    c.due_at
                    for c in selectors.ticket_clocks(ticket)
                    if c.metric in {"first_response", "next_response"} and c.due_at and c.is_live
                ),
                None,
            ),
            "closed": ticket.status == TicketStatus.CLOSED,
        },
        nav="tickets",
    )


def _back(number: str) -> HttpResponse:
    return redirect(reverse("consumer_tickets:ticket", args=[number]))


@audience(CONSUMERS)
@require_POST
def reply(request: HttpRequest, number: str) -> HttpResponse:
    public_reply_from_post(request, number)
    return _back(number)


@audience(CONSUMERS)
@require_POST
def respond(request: HttpRequest, number: str, answer: str) -> HttpResponse:
    """Review and feedback: accept the resolution, or reject it with what is still wrong."""
    me = actor(request)
    ticket = selectors.ticket_get_for(actor=me, number=number)
    answers = {"accept": "accept_resolution", "reject": "reject_resolution"}
    if answer not in answers:
        raise Http404
    action = answers[answer]
    try:
        data = ActIn.model_validate({"reason": request.POST.get("reason", "")})
        services.ticket_act(actor=me, ticket=ticket, action=action, reason=data.reason)
    except PydanticError as error:
        flash_invalid(request, error)
    except DomainError as error:
        flash_error(request, error)
    else:
        if action == "accept_resolution":
            messages.success(request, _("Thank you. The ticket is closed."))
        else:
            messages.success(request, _("We are sorry. A supervisor will look at your ticket."))
    return _back(number)
