"""The vocabularies of satisfaction, feedback points and quality review."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyKind(models.TextChoices):
    CSAT = "csat", _("satisfaction survey")


class SubjectType(models.TextChoices):
    TICKET = "tickets.ticket", _("ticket")
    CASE = "cases.case", _("after-sales request")


class AnswerChannel(models.TextChoices):
    IN_APP = "in_app", _("in the app")
    EMAIL_LINK = "email_link", _("link in an e-mail")


class PointsReason(models.TextChoices):
    CSAT = "csat", _("satisfaction survey answered")
    NPS = "nps", _("recommendation survey answered")
    REDEMPTION = "redemption", _("points redeemed")
    ADJUSTMENT = "adjustment", _("adjustment by customer service")


QA_CRITERIA = ("professionalism", "accuracy", "empathy", "policy_compliance")
