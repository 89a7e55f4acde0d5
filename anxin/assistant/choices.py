from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionStatus(models.TextChoices):
    ACTIVE = "active", _("with the assistant")
    HANDED_OFF = "handed_off", _("handed to a person")
    CLOSED = "closed", _("closed")


class Role(models.TextChoices):
    USER = "user", _("customer")
    BOT = "bot", _("assistant")


class HandoffReason(models.TextChoices):
    ASKED = "asked", _("asked for a person")
    NOT_UNDERSTOOD = "not_understood", _("not understood twice")
    NEGATIVE = "negative", _("strong negative sentiment")
    NO_ANSWER = "no_answer", _("no answer in the knowledge base")
    COMPLAINT = "complaint", _("complaint")


class SessionChannel(models.TextChoices):
    WIDGET = "widget", _("chat widget")
    API = "api", _("app / API")
