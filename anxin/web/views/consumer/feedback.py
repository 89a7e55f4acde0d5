"""The consumer's feedback page at /my/feedback/: open satisfaction surveys (answered here with the
same stars as the e-mailed link), the NPS invitation, and the feedback-points balance and ledger."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from anxin.core.errors import DomainError
from anxin.feedback import selectors, services
from anxin.feedback.choices import AnswerChannel
from anxin.feedback.models import COMMENT_MAX
from anxin.feedback.rules import csat_points, nps_points

from ..common import CONSUMERS, actor, audience, flash_error
from ..survey import RatingForm, rating_context
from .home import page


class NpsForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How likely are you to recommend us to a friend?"),
        choices=[(n, str(n)) for n in range(11)],
        coerce=int,
        error_messages={"required": _("Choose a number from 0 to 10.")},
    )
    comment = forms.CharField(
        label=_("What is the main reason for your score? (optional)"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea,
    )


def _home(
    request: HttpRequest,
    *,
    failed: tuple[uuid.UUID, RatingForm] | None = None,
    nps_form: NpsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    me = actor(request)
    assert me.user_id is not None
    surveys = []
    for survey in selectors.surveys_open_for(actor=me)[:20]:
        form = failed[1] if failed and failed[0] == survey.public_id else RatingForm()
        surveys.append((survey, rating_context(form, prefix=f"s{survey.pk}-")))
    nps = selectors.nps_open_for(actor=me)
    nps_shown = nps_form or NpsForm()
    chosen = str(nps_shown["score"].value() or "") if nps_form is not None else ""
    context: dict[str, Any] = {
        "surveys": surveys,
        "nps": nps,
        "nps_form": nps_shown,
        "nps_scale": [(n, str(n) == chosen) for n in range(11)],
        "balance": selectors.points_balance(me.user_id),
        "ledger": selectors.points_ledger_for(actor=me, limit=50),
        "csat_points": csat_points(),
        "nps_points": nps_points(),
    }
    return page(request, "web/consumer/feedback/home.html", context, nav="feedback", status=status)


@audience(CONSUMERS)
def home(request: HttpRequest) -> HttpResponse:
    return _home(request)


@audience(CONSUMERS)
@require_POST
def survey_answer(request: HttpRequest, survey_id: uuid.UUID) -> HttpResponse:
    me = actor(request)
    survey = selectors.survey_get_for(actor=me, survey_id=survey_id)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            answered = services.survey_answer(
                survey=survey,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                channel=AnswerChannel.IN_APP,
                actor=me,
            )
        except DomainError as error:
            flash_error(request, error)
            return _home(request, status=error.status)
        if answered.points:
            messages.success(
                request,
                _("Thank you for your feedback! %(points)s points were added to your balance.")
                % {"points": answered.points},
            )
        else:
            messages.success(request, _("Thank you for your feedback!"))
        return redirect(reverse("consumer_feedback:home"))
    return _home(request, failed=(survey.public_id, form), status=400)


@audience(CONSUMERS)
@require_POST
def nps_answer(request: HttpRequest, nps_id: uuid.UUID) -> HttpResponse:
    me = actor(request)
    nps = selectors.nps_get_for(actor=me, nps_id=nps_id)
    form = NpsForm(request.POST)
    if form.is_valid():
        try:
            answered = services.nps_answer(
                actor=me,
                nps=nps,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            flash_error(request, error)
            return _home(request, status=error.status)
        messages.success(
            request,
            _("Thank you for your feedback! %(points)s points were added to your balance.")
            % {"points": answered.points},
        )
        return redirect(reverse("consumer_feedback:home"))
    return _home(request, nps_form=form, status=400)
