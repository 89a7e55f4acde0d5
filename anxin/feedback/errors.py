"""Error codes of the feedback app, and the one error with an HTTP status of its own."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from anxin.core.errors import DomainError


class FeedbackErrorCode(StrEnum):
    SURVEY_ANSWERED = "feedback.survey_answered"
    SURVEY_EXPIRED = "feedback.survey_expired"
    SURVEY_LINK_INVALID = "feedback.survey_link_invalid"
    NPS_ANSWERED = "feedback.nps_answered"
    POINTS_INSUFFICIENT = "feedback.points_insufficient"
    POINTS_BUSY = "feedback.points_busy"
    QA_ALREADY_SCORED = "feedback.qa_already_scored"
    QA_NOT_CLOSED = "feedback.qa_not_closed"
    QA_NO_AGENT = "feedback.qa_no_agent"
    QA_OWN_WORK = "feedback.qa_own_work"


class SurveyExpired(DomainError):
    """The survey's answer window closed (30 days after it was sent)."""

    status = 410
    default_code: str = FeedbackErrorCode.SURVEY_EXPIRED
    default_message = _("This survey has expired. Thank you all the same.")
