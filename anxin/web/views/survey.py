"""The satisfaction survey behind an e-mailed link at /survey/<token>/: anyone holding the signed
link may answer once, signed in or not; a thank-you page, and pages for answered, expired and
broken links."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anxin.core.errors import Conflict, DomainError, NotFound
from anxin.feedback import selectors, services
from anxin.feedback.choices import AnswerChannel
from anxin.feedback.errors import SurveyExpired
from anxin.feedback.models import COMMENT_MAX, Survey

from .common import flash_error

STARS = [
    (1, _("Very dissatisfied")),
    (2, _("Dissatisfied")),
    (3, _("Neutral")),
    (4, _("Satisfied")),
    (5, _("Very satisfied")),
]


class RatingForm(forms.Form):
    """1–5 stars and an optional comment (the same form in the app and behind the link)."""

    score = forms.TypedChoiceField(
        label=_("How satisfied are you with our service?"),
        choices=STARS,
        coerce=int,
        error_messages={"required": _("Choose from 1 to 5 stars.")},
    )
    comment = forms.CharField(
        label=_("Anything you want to tell us? (optional)"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea,
    )


def rating_context(form: RatingForm, prefix: str = "") -> dict[str, Any]:
    """What ``web/survey/_rating.html`` needs to draw the stars of one form."""
    chosen = str(form["score"].value() or "")
    return {
        "form": form,
        "stars": [(value, label, str(value) == chosen) for value, label in STARS],
        "prefix": prefix,
    }


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, f"web/survey/{template}", context, status=status)


def _expired(request: HttpRequest) -> HttpResponse:
    return _page(request, "expired.html", {}, status=410)


def _invalid(request: HttpRequest) -> HttpResponse:
    return _page(request, "invalid.html", {}, status=404)


def _survey(token: str) -> Survey:
    return selectors.survey_get_by_token(token=token)


def answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        survey = _survey(token)
    except NotFound:
        return _invalid(request)
    except SurveyExpired:
        return _expired(request)
    if survey.answered:
        return _page(request, "answered.html", {"survey": survey})
    if survey.expired:
        return _expired(request)
    form = RatingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.survey_answer(
                    survey=survey,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                    channel=AnswerChannel.EMAIL_LINK,
                )
            except SurveyExpired:
                return _expired(request)
            except Conflict:
                survey.refresh_from_db()
                return _page(request, "answered.html", {"survey": survey}, status=409)
            except DomainError as error:
                for name, text in flash_error(request, error).items():
                    form.add_error(name if name in form.fields else None, text)
            else:
                return redirect(reverse("survey:thanks", args=[token]))
        status = 400
    return _page(
        request,
        "answer.html",
        {"survey": survey, "token": token, **rating_context(form)},
        status=status,
    )


def thanks(request: HttpRequest, token: str) -> HttpResponse:
    try:
        survey = _survey(token)
    except NotFound:
        return _invalid(request)
    except SurveyExpired:
        return _expired(request)
    if not survey.answered:
        return redirect(reverse("survey:answer", args=[token]))
    return _page(request, "thanks.html", {"survey": survey})
