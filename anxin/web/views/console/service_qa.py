"""Service QA (服务质检: review of agents' replies, not product quality) in the console:
supervisors sample closed tickets, score each sampled ticket on four criteria (reading its public conversation) and compare agents. Other agents get the 403 page."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.errors import DomainError
from anxin.core.validation import whole_number
from anxin.feedback import selectors
from anxin.feedback.models import COMMENT_MAX, QaScorecard
from anxin.tickets import quality
from anxin.tickets.quality import can_review_quality

from ..common import PLATFORM_STAFF, actor, audience, flash_error
from ..survey import STARS
from .home import page

PERIODS = {"7": 7, "30": 30, "90": 90}
CRITERIA = [
    ("professionalism", _("Professionalism"), _("Tone, clarity, correct language.")),
    ("accuracy", _("Accuracy"), _("The answer and the solution were right.")),
    ("empathy", _("Empathy"), _("Understood the customer and took the problem seriously.")),
    (
        "policy_compliance",
        _("Policy compliance"),
        _("Followed the after-sales rules and the law (e.g. 7-day returns)."),
    ),
]


def _reviewer(request: HttpRequest) -> Actor:
    me = actor(request)
    if not can_review_quality(me):
        raise PermissionDenied
    return me


class SampleForm(forms.Form):
    percent = forms.IntegerField(
        label=_("Share to sample (%)"), min_value=1, max_value=100, initial=10
    )
    days = forms.TypedChoiceField(
        label=_("Tickets closed in the last"),
        choices=[("7", _("7 days")), ("30", _("30 days")), ("90", _("90 days"))],
        coerce=int,
        initial="30",
    )


class ScorecardForm(forms.Form):
    professionalism = forms.TypedChoiceField(choices=STARS, coerce=int)
    accuracy = forms.TypedChoiceField(choices=STARS, coerce=int)
    empathy = forms.TypedChoiceField(choices=STARS, coerce=int)
    policy_compliance = forms.TypedChoiceField(choices=STARS, coerce=int)
    comment = forms.CharField(
        label=_("Comment for the agent (optional)"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label, _help in CRITERIA:
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = _("Choose from 1 to 5.")


def _queue_page(request: HttpRequest, form: SampleForm, status: int = 200) -> HttpResponse:
    me = _reviewer(request)
    samples = list(quality.qa_queue_for(actor=me)[:200])
    return page(
        request,
        "web/console/service_qa/queue.html",
        {"form": form, "samples": samples},
        nav="service_qa",
        status=status,
    )


@audience(PLATFORM_STAFF)
def queue(request: HttpRequest) -> HttpResponse:
    return _queue_page(request, SampleForm())


@audience(PLATFORM_STAFF)
@require_POST
def sample(request: HttpRequest) -> HttpResponse:
    me = _reviewer(request)
    form = SampleForm(request.POST)
    if not form.is_valid():
        return _queue_page(request, form, status=400)
    try:
        picked = quality.qa_sample(
            actor=me,
            share=Decimal(form.cleaned_data["percent"]) / 100,
            since=clock.now() - timedelta(days=form.cleaned_data["days"]),
        )
    except DomainError as error:
        flash_error(request, error)
        return _queue_page(request, form, status=error.status)
    if picked:
        messages.success(
            request,
            _("%(n)s tickets were added to the review queue.") % {"n": len(picked)},
        )
    else:
        messages.info(request, _("No closed ticket is left to sample in this period."))
    return redirect(reverse("console_service_qa:queue"))


def _criteria(form: ScorecardForm, card: QaScorecard | None) -> list[dict[str, Any]]:
    rows = []
    for name, label, help_text in CRITERIA:
        chosen = str(getattr(card, name) if card else form[name].value() or "")
        rows.append(
            {
                "name": name,
                "label": label,
                "help": help_text,
                "error": "; ".join(str(e) for e in form.errors.get(name, [])),
                "stars": [(value, text, str(value) == chosen) for value, text in STARS],
            }
        )
    return rows


@audience(PLATFORM_STAFF)
def ticket(request: HttpRequest, number: str) -> HttpResponse:
    me = _reviewer(request)
    found = quality.qa_ticket_get_for(actor=me, number=number)
    card = QaScorecard.objects.filter(ticket=found).select_related("agent", "reviewer").first()
    form = ScorecardForm(request.POST or None)
    status = 200
    if request.method == "POST" and card is None:
        if form.is_valid():
            try:
                quality.qa_score(actor=me, ticket=found, **form.cleaned_data)
            except DomainError as error:
                for name, text in flash_error(request, error).items():
                    form.add_error(name if name in form.fields else None, text)
                status = error.status
            else:
                messages.success(request, _("Scorecard saved."))
                return redirect(reverse("console_service_qa:queue"))
        else:
            status = 400
    elif request.method == "POST":
        messages.error(request, _("This ticket already has a scorecard."))
        status = 409
    agent_id = card.agent_id if card else quality.handling_agent(found)
    agent = get_user_model().objects.filter(pk=agent_id).first() if agent_id else None
    return page(
        request,
        "web/console/service_qa/ticket.html",
        {
            "ticket": found,
            "card": card,
            "agent": agent,
            "form": form,
            "criteria": _criteria(form, card),
            "conversation": list(quality.qa_public_messages(found)),
            "show_names": True,
        },
        nav="service_qa",
        status=status,
    )


@audience(PLATFORM_STAFF)
def scorecards(request: HttpRequest) -> HttpResponse:
    me = _reviewer(request)
    period = request.GET.get("days", "90")
    status = 200
    if period not in PERIODS:
        messages.error(request, _("Choose 7, 30 or 90 days."))
        period, status = "90", 400
    since = clock.now() - timedelta(days=PERIODS[period])
    qa = selectors.qa_by_agent(since=since)
    csat = selectors.csat_by_agent(since=since)
    people = {
        u.pk: u for u in get_user_model().objects.filter(pk__in=set(qa) | set(csat)).order_by("pk")
    }
    rows = [
        {"agent": people[pk], "qa": qa.get(pk), "csat": csat.get(pk)}
        for pk in sorted(people, key=lambda pk: people[pk].get_username())
    ]
    agent_param = request.GET.get("agent", "")
    agent_id = whole_number(agent_param)
    cards = list(quality.scorecards_for(actor=me, agent_id=agent_id)[:100])
    return page(
        request,
        "web/console/service_qa/scorecards.html",
        {
            "rows": rows,
            "cards": cards,
            "period": period,
            "periods": list(PERIODS),
            "agent_id": agent_id,
        },
        nav="service_qa",
        status=status,
    )
