"""Assistant conversations: sessions with their dialogue memory, messages, agents' corrections."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.core import clock
from anxin.core.fields import EncryptedTextField
from anxin.core.models import PublicModel

from .choices import HandoffReason, Role, SessionChannel, SessionStatus

MESSAGE_MAX = 2000  # characters of a message that are kept; longer input is cut, not refused


class Conversation(PublicModel):
    """One chat with the assistant. ``state`` is the dialogue memory (current flow and the
    slots collected so far); ``ticket`` is set once the chat was handed to a person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assistant_conversations",
        verbose_name=_("customer"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=SessionChannel.choices)
    language = models.CharField(_("language"), max_length=8, default="zh-hans")
    status = models.CharField(
        _("status"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.ACTIVE
    )
    state = models.JSONField(_("dialogue memory"), default=dict, blank=True)
    not_understood_streak = models.PositiveSmallIntegerField(default=0)
    user_messages = models.PositiveIntegerField(_("customer messages"), default=0)
    fallbacks = models.PositiveIntegerField(_("not understood"), default=0)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hand-off ticket"),
    )
    handoff_reason = models.CharField(
        _("hand-off reason"), max_length=16, choices=HandoffReason.choices, blank=True
    )
    handed_off_at = models.DateTimeField(_("handed off at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    last_message_at = models.DateTimeField(_("last message"), default=clock.now, db_index=True)

    class Meta:
        verbose_name = _("assistant conversation")
        verbose_name_plural = _("assistant conversations")
        ordering = ["-last_message_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="assistant_rating_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return str(self.public_id)


class Message(models.Model):
    """A message of a conversation: the customer's (with what the assistant understood) or the
    assistant's (with its buttons and links in ``payload``). The text is encrypted at rest."""

    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("conversation"),
    )
    role = models.CharField(_("role"), max_length=4, choices=Role.choices)
    text = EncryptedTextField(_("text"))
    lang = models.CharField(_("language"), max_length=8, blank=True)
    intent = models.CharField(_("intent"), max_length=24, blank=True, db_index=True)
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    slots = models.JSONField(_("slots"), default=dict, blank=True)
    fallback = models.BooleanField(_("not understood"), default=False)
    payload = models.JSONField(_("buttons and links"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now, db_index=True)

    class Meta:
        verbose_name = _("assistant message")
        verbose_name_plural = _("assistant messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.role} {self.created_at:%Y-%m-%d %H:%M:%S}"


class IntentCorrection(models.Model):
    """An agent's verdict that a customer message meant another intent; training uses the
    newest correction of each message."""

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("message")
    )
    intent = models.CharField(_("intent"), max_length=24)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("corrected by"),
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("intent correction")
        verbose_name_plural = _("intent corrections")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.intent


class Photo(models.Model):
    """A photo sent in the chat (validated and re-encoded, without EXIF); it becomes evidence of
    the case the chat opens next (``case_number`` is then set)."""

    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        related_name="photos",
        verbose_name=_("conversation"),
    )
    file = models.FileField(_("file"), upload_to="assistant/photos/%Y/%m/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    case_number = models.CharField(_("case"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("chat photo")
        verbose_name_plural = _("chat photos")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.sha256[:12]
