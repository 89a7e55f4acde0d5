"""Console ticket pages: the desk queue, one ticket with its conversation and every action, the
phone-call form and the agent's availability."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from pydantic import ValidationError as PydanticError

from anxin.core.errors import DomainError
from anxin.core.validation import localized_field_errors
from anxin.knowledge.selectors import canned_replies_for
from anxin.knowledge.services import article_propose_from_ticket, canned_reply_render
from anxin.tickets import selectors, services
from anxin.tickets.choices import Availability, Channel, TicketStatus
from anxin.tickets.inputs import ActIn, AssignIn, ReplyIn, TicketOpenIn, TransferIn, VerifyIn
from anxin.tickets.models import AgentProfile, Team, Ticket
from anxin.tickets.permissions import is_supervisor
from anxin.web import ticket_display as display

from ..common import PLATFORM_STAFF, actor, audience, flash_error, flash_invalid
from .home import page
from .ticket_forms import PhoneTicketForm, TicketFilterForm

PAGE_SIZE = 50
VIEWS = ("open", "mine", "unassigned", "escalated", "all")


def _zh() -> bool:
    return (translation.get_language() or "").startswith("zh")


@audience(PLATFORM_STAFF)
def queue(request: HttpRequest) -> HttpResponse:
    me = actor(request)
    view = request.GET.get("view", "open")
    if view not in VIEWS:
        view = "open"
    form = TicketFilterForm(request.GET or None, zh=_zh())
    status = 200
    rows = page_obj = None
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        tickets = selectors.ticket_list_for(actor=me, filters=form.filters(view=view))
        page_obj = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [(t, selectors.sla_state(t)) for t in page_obj.object_list]
    profile = AgentProfile.objects.filter(user_id=me.user_id or 0).first()
    return page(
        request,
        "web/tickets/console_queue.html",
        {
            "form": form,
            "rows": rows,
            "page_obj": page_obj,
            "view": view,
            "views": [
                (v, label)
                for v, label in (
                    ("open", _("All open")),
                    ("mine", _("Mine")),
                    ("unassigned", _("Unassigned")),
                    ("escalated", _("Escalated")),
                    ("all", _("Everything")),
                )
            ],
            "counts": selectors.desk_counts(actor=me),
            "profile": profile,
            "availability_choices": Availability.choices,
            "sla_badges": display.SLA_BADGES,
        },
        nav="tickets",
        status=status,
    )


@audience(PLATFORM_STAFF)
@require_POST
def availability(request: HttpRequest) -> HttpResponse:
    try:
        services.agent_availability_set(
            actor=actor(request), availability=request.POST.get("availability", "")
        )
    except DomainError as error:
        flash_error(request, error)
    return redirect(reverse("console_tickets:queue"))


@audience(PLATFORM_STAFF)
def phone(request: HttpRequest) -> HttpResponse:
    """Log a call as a ticket (channel phone)."""
    form = PhoneTicketForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = services.ticket_open(
                    actor=actor(request),
                    data=TicketOpenIn(
                        type=data["type"],
                        priority=data["priority"],
                        subject=data["subject"],
                        body=data["body"],
                        order=data["order"],
                        language=data["language"],
                        contact_name=data["contact_name"],
                        contact_phone=data["contact_phone"],
                    ),
                    channel=Channel.PHONE,
                    verified=data["verified"],
                )
            except DomainError as error:
                for name, text in flash_error(request, error).items():
                    if name in form.fields:
                        form.add_error(name, text)
            except PydanticError as error:
                errors = list(error.errors())
                for name, text in localized_field_errors(errors).items():  # type: ignore[arg-type]
                    form.add_error(name if name in form.fields else None, text)
            else:
                messages.success(
                    request, _("Ticket %(number)s logged.") % {"number": ticket.number}
                )
                return redirect(reverse("console_tickets:ticket", args=[ticket.number]))
        status = 400
    return page(
        request, "web/tickets/console_phone.html", {"form": form}, nav="tickets", status=status
    )


def _ticket_context(request: HttpRequest, ticket: Ticket) -> dict[str, Any]:
    me = actor(request)
    events = list(selectors.ticket_events_for(actor=me, ticket=ticket))
    zh = _zh()
    agents = (
        AgentProfile.objects.select_related("user")
        .order_by("user__username")
        .values_list("user_id", "user__username", "availability")
    )
    canned = list(canned_replies_for(actor=me, language=ticket.language))
    return {
        "ticket": ticket,
        "stage_rows": display.stages(selectors.ticket_stage(ticket)),
        "clocks": display.clock_rows(selectors.ticket_clocks(ticket)),
        "conversation": list(selectors.ticket_messages_for(actor=me, ticket=ticket)),
        "history": display.history(ticket, events, me),
        "buttons": display.buttons_for(ticket, me, display.STAFF_BUTTONS),
        "teams": [(t.code, t.name_zh if zh else t.name_en) for t in Team.objects.order_by("code")],
        "agents": list(agents),
        "canned": canned,
        "sla_state": selectors.sla_state(ticket),
        "sla_badges": display.SLA_BADGES,
        "is_open": ticket.status != TicketStatus.CLOSED,
        "can_propose": ticket.status in {TicketStatus.RESOLVED, TicketStatus.CLOSED}
        and not ticket.kb_proposed,
        "supervisor": is_supervisor(me),
        "tags": ", ".join(t.name for t in ticket.tags.all()),
    }


@audience(PLATFORM_STAFF)
def ticket_detail(request: HttpRequest, number: str) -> HttpResponse:
    ticket = selectors.ticket_get_for(actor=actor(request), number=number)
    return page(
        request, "web/tickets/console_ticket.html", _ticket_context(request, ticket), nav="tickets"
    )


def _back(number: str) -> HttpResponse:
    return redirect(reverse("console_tickets:ticket", args=[number]))


def _run(request: HttpRequest, done: Any, work: Any) -> None:
    try:
        work()
    except DomainError as error:
        flash_error(request, error)
    except PydanticError as error:
        flash_invalid(request, error)
    else:
        messages.success(request, done)


@audience(PLATFORM_STAFF)
@require_POST
def reply(request: HttpRequest, number: str) -> HttpResponse:
    me = actor(request)
    ticket = selectors.ticket_get_for(actor=me, number=number)
    form = {"body": request.POST.get("body", ""), "internal": request.POST.get("internal") == "on"}
    internal = form["internal"]
    done = _("Internal note added.") if internal else _("Reply sent.")

    def send() -> None:
        data = ReplyIn.model_validate(form)
        services.ticket_reply(actor=me, ticket=ticket, body=data.body, internal=data.internal)

    _run(request, done, send)
    then = request.POST.get("then", "")
    if then in {"wait_customer", "resolve"} and not internal:
        _run(
            request,
            display.ACTION_LABELS[then],
            lambda: services.ticket_act(actor=me, ticket=ticket, action=then),
        )
    return _back(number)


@audience(PLATFORM_STAFF)
@require_POST
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    me = actor(request)
    ticket = selectors.ticket_get_for(actor=me, number=number)
    form = {
        "reason": request.POST.get("reason", ""),
        "version": request.POST.get("version") or None,
        "into": request.POST.get("into", ""),
    }

    def take() -> None:
        data = ActIn.model_validate(form)
        services.ticket_act(
            actor=me,
            ticket=ticket,
            action=action,
            reason=data.reason,
            version=data.version,
            data={"into": data.into} if action == "merge" else None,
        )

    _run(
        request,
        _("Done: %(action)s.") % {"action": display.ACTION_LABELS.get(action, action)},
        take,
    )
    return _back(number)


@audience(PLATFORM_STAFF)
@require_POST
def route(request: HttpRequest, number: str, what: str) -> HttpResponse:
    """Transfer, assign, escalate, tag or verify."""
    me = actor(request)
    ticket = selectors.ticket_get_for(actor=me, number=number)
    post = request.POST
    reason = post.get("reason", "").strip()[:1000]
    if what == "transfer":

        def transfer() -> None:
            data = TransferIn.model_validate({"team": post.get("team", ""), "reason": reason})
            services.ticket_transfer(
                actor=me, ticket=ticket, team_code=data.team, reason=data.reason
            )

        _run(request, display.ACTION_LABELS["transfer"], transfer)
    elif what == "assign":

        def assign() -> None:
            # An empty choice unassigns; anything else must be a whole number.
            raw = post.get("assignee", "").strip()
            data = AssignIn.model_validate({"assignee": raw or None, "reason": reason})
            services.ticket_assign(
                actor=me, ticket=ticket, assignee_id=data.assignee, reason=data.reason
            )

        _run(request, display.ACTION_LABELS["assign"], assign)
    elif what == "escalate":
        _run(
            request,
            display.ACTION_LABELS["escalate"],
            lambda: services.ticket_escalate(actor=me, ticket=ticket, reason=reason),
        )
    elif what == "tags":
        names = post.get("tags", "").replace("，", ",").split(",")
        _run(
            request,
            display.ACTION_LABELS["tag"],
            lambda: services.ticket_tags_set(actor=me, ticket=ticket, names=names),
        )
    elif what == "verify":

        def verify() -> None:
            data = VerifyIn.model_validate(
                {"verified": post.get("verified") == "yes", "note": reason}
            )
            services.ticket_verify(actor=me, ticket=ticket, verified=data.verified, note=data.note)

        _run(request, display.ACTION_LABELS["verify"], verify)
    elif what == "propose":

        def propose() -> None:
            article_propose_from_ticket(actor=me, ticket=ticket)

        _run(request, _("Proposed for the knowledge base."), propose)
    return _back(number)


@audience(PLATFORM_STAFF)
def canned(request: HttpRequest, number: str) -> HttpResponse:
    """htmx: the reply box filled with a canned reply rendered for this ticket."""
    me = actor(request)
    ticket = selectors.ticket_get_for(actor=me, number=number)
    text = ""
    ref = request.GET.get("canned", "")
    if ref:
        for item in canned_replies_for(actor=me, language=ticket.language):
            if str(item.pk) == ref:
                text = canned_reply_render(
                    reply=item,
                    ticket=ticket,
                    language=ticket.language,
                    agent_name=request.user.get_username(),
                )
    from django.shortcuts import render

    return render(request, "web/tickets/_reply_box.html", {"body": text})
