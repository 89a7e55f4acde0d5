"""The satisfaction survey a closed ticket or a finished case sends, called inside the transaction
that closes it (``anxin.tickets.effects.effect_closed``, ``anxin.cases.effects``) with a
``SurveySubject`` the closing app builds: feedback sits below both and never reads them.

One survey per subject, for good: a ticket that is reopened and closed again keeps its first
survey. The in-app notification and the outbox e-mail commit with the close or not at all; the
e-mail leaves after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from anxin.core.actors import SYSTEM
from anxin.core.audit import audit_record
from anxin.notifications.outbox import Email, Subject, notify, outbox_enqueue

from .choices import SubjectType
from .models import Survey
from .rules import csat_points, site_url, survey_days
from .tokens import survey_token

TITLE = _("How did we do on %(number)s?")
BODY = _(
    "%(number)s is finished. Please rate our service from 1 to 5 stars; you earn %(points)s "
    "feedback points for answering. Your open surveys are under “Points”."
)
MAIL_BODY = _(
    "%(number)s is finished. How satisfied are you with our service? Rate it from 1 to 5 stars "
    "here (one click, no sign-in needed):\n\n%(link)s\n\nThe link works until %(until)s."
)


@dataclass(frozen=True)
class SurveySubject:
    """What was closed and whom to ask about it, described by the app that closed it: feedback sits
    below tickets and cases and never reads them (docs/decisions/0013-layers.md)."""

    subject_type: str  # a SubjectType value
    subject_id: int
    number: str
    recipient: Any  # a User or None
    email: str
    language: str
    merchant_id: int | None
    agent_id: int | None = None


def _link(survey: Survey) -> str:
    return site_url() + reverse("survey:answer", args=[survey_token(survey.public_id)])


def _notify(survey: Survey, target: SurveySubject, at: datetime) -> None:
    values = {"number": survey.subject_number, "points": csat_points()}
    language = survey.language or settings.LANGUAGE_CODE
    if target.recipient is not None:
        notify(
            recipients=[target.recipient],
            kind="survey",
            render=lambda: (str(TITLE) % values, str(BODY) % values),
            at=at,
            merchant_id=survey.merchant_id,
            subject=Subject(type=survey.subject_type, number=survey.subject_number),
            language=language,
        )
    if not target.email:
        return
    number_key = "ticket_number" if survey.subject_type == SubjectType.TICKET else "case_number"
    with translation.override(language):
        until = formats.date_format(timezone.localtime(survey.expires_at), "DATE_FORMAT")
        email = Email(
            to=target.email,
            subject=str(TITLE) % values,
            body=str(MAIL_BODY) % {**values, "link": _link(survey), "until": until},
            data={number_key: survey.subject_number},
        )
    outbox_enqueue(event="feedback.survey", at=at, merchant_id=survey.merchant_id, emails=[email])


def survey_after_close(*, subject: SurveySubject, at: datetime) -> Survey | None:
    """Send the satisfaction survey of a closed ticket or a finished case, once: a second call
    returns the survey already sent; None when there is nobody to ask (no login, no e-mail)."""
    if subject.subject_type not in SubjectType.values:
        raise ValueError(f"no satisfaction survey for {subject.subject_type}")
    subject_type, subject_id, target = subject.subject_type, subject.subject_id, subject
    existing = Survey.unscoped.filter(subject_type=subject_type, subject_id=subject_id).first()
    if existing is not None:
        return existing
    if target.recipient is None and not target.email:
        return None
    try:
        with transaction.atomic():
            survey = Survey.objects.create(
                subject_type=subject_type,
                subject_id=subject_id,
                subject_number=target.number,
                merchant_id=target.merchant_id,
                recipient=target.recipient,
                email=target.email,
                language=target.language or settings.LANGUAGE_CODE,
                agent_id=target.agent_id,
                sent_at=at,
                expires_at=at + timedelta(days=survey_days()),
            )
    except IntegrityError:  # closed twice at the same moment: the other close sent it
        return Survey.unscoped.filter(subject_type=subject_type, subject_id=subject_id).first()
    _notify(survey, target, at)
    audit_record(
        actor=SYSTEM,
        action="feedback.survey.sent",
        subject_type="feedback.survey",
        subject_id=survey.pk,
        data={"subject": subject_type, "number": target.number, "email": bool(target.email)},
    )
    return survey
