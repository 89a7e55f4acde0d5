"""The assistant in the console: containment, hand-off, fallback and CSAT figures with the
messages it did not understand; every conversation readable with personal data masked, and a
form on each customer message to record the right intent (``assistant_train`` learns from it)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from anxin.assistant import selectors, services
from anxin.assistant.nlu.intents import INTENTS
from anxin.assistant.permissions import can_review
from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.errors import DomainError

from ..common import PLATFORM_STAFF, actor, audience, flash_error
from ..dashboard import Tile
from .home import page

PERIODS = {"7": 7, "30": 30, "90": 90}
FILTERS = {
    "handed_off": {"handed_off": True},
    "contained": {"handed_off": False},
    "fallback": {"fallback": True},
}
PAGE_ROWS = 100


def _reviewer(request: HttpRequest) -> Actor:
    me = actor(request)
    if not can_review(me):
        raise PermissionDenied
    return me


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


@audience(PLATFORM_STAFF)
def conversations(request: HttpRequest) -> HttpResponse:
    me = _reviewer(request)
    period = request.GET.get("days", "30")
    days = PERIODS.get(period, 30)
    show = request.GET.get("show", "")
    figures = selectors.assistant_figures(since=clock.now() - timedelta(days=days))
    tiles = [
        Tile(str(_("Conversations")), str(figures.conversations)),
        Tile(
            str(_("Containment")),
            _percent(figures.containment_rate),
            str(_("resolved without a person")),
        ),
        Tile(str(_("Hand-off rate")), _percent(figures.handoff_rate), str(_("passed to a person"))),
        Tile(
            str(_("Fallback rate")),
            _percent(figures.fallback_rate),
            str(_("messages not understood")),
            "danger" if (figures.fallback_rate or 0) > 0.2 else "",
        ),
        Tile(
            str(_("Bot CSAT")),
            _percent(figures.csat),
            str(_("%(n)s ratings") % {"n": figures.rated}),
        ),
    ]
    rows = selectors.conversations_for_review(actor=me, **FILTERS.get(show, {}))
    rows = rows.filter(created_at__gte=clock.now() - timedelta(days=days))
    return page(
        request,
        "web/console/assistant/list.html",
        {
            "tiles": tiles,
            "figures": figures,
            "rows": list(rows[:PAGE_ROWS]),
            "days": str(days),
            "show": show,
            "periods": [("7", _("7 days")), ("30", _("30 days")), ("90", _("90 days"))],
            "filters": [
                ("", _("All")),
                ("handed_off", _("Handed off")),
                ("contained", _("Contained")),
                ("fallback", _("Not understood")),
            ],
        },
        nav="assistant",
    )


def _detail(
    request: HttpRequest, me: Actor, conversation_id: uuid.UUID, status: int = 200
) -> HttpResponse:
    found = selectors.conversation_get_for_review(actor=me, public_id=conversation_id)
    return page(
        request,
        "web/console/assistant/detail.html",
        {"conversation": found, "transcript": selectors.review_messages(found), "intents": INTENTS},
        nav="assistant",
        status=status,
    )


@audience(PLATFORM_STAFF)
def conversation(request: HttpRequest, conversation_id: uuid.UUID) -> HttpResponse:
    return _detail(request, _reviewer(request), conversation_id)


@audience(PLATFORM_STAFF)
@require_POST
def correct(request: HttpRequest, conversation_id: uuid.UUID, message_id: int) -> HttpResponse:
    me = _reviewer(request)
    found = selectors.conversation_get_for_review(actor=me, public_id=conversation_id)
    message = selectors.message_get_for_review(actor=me, conversation=found, message_id=message_id)
    try:
        services.intent_correct(actor=me, message=message, intent=request.POST.get("intent", ""))
    except DomainError as error:
        flash_error(request, error)
        return _detail(request, me, conversation_id, status=error.status)
    messages.success(request, _("Correction saved; the next training run learns from it."))
    return redirect(reverse("console_assistant:detail", args=[conversation_id]) + f"#m{message_id}")
