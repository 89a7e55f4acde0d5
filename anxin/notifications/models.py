"""In-app notifications, merchants' webhook endpoints and the outbox of messages to deliver."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxin.core import clock
from anxin.core.fields import EncryptedTextField
from anxin.core.models import PublicModel
from anxin.core.scoping import Scope, ScopedManager

from .choices import Channel, OutboxStatus


def webhook_secret() -> str:
    """32 random bytes, URL-safe: the key a receiver checks ``X-Anxin-Signature`` with."""
    return secrets.token_urlsafe(32)


class Notification(PublicModel):
    """A message in a user's in-app inbox, written in the recipient's language when the event
    happened (it is not re-translated later)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merchant"),
    )
    # What it is about, as plain values rather than a foreign key: notifications outlive and do
    # not depend on the apps that write them. The type is the model's label ("cases.case").
    subject_type = models.CharField(_("subject type"), max_length=40, blank=True)
    subject_number = models.CharField(_("number"), max_length=20, blank=True)
    subject_public_id = models.UUIDField(_("subject id"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = ScopedManager["Notification"]()
    unscoped = models.Manager["Notification"]()  # reads that deliberately cross tenants
    # Only one's own inbox, even for platform staff.
    scope = Scope(owner="recipient_id", platform=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_by_recipient"),
            models.Index(
                fields=["recipient", "-created_at"],
                name="notif_unread_by_recipient",
                condition=Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class WebhookEndpoint(PublicModel):
    """A merchant's URL that receives signed events; ``events`` empty means every event."""

    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("merchant"),
    )
    url = models.URLField(_("URL"), max_length=500)
    # Encrypted at rest; needed in plain text to sign, so it cannot be a one-way hash.
    secret = EncryptedTextField(_("signing secret"), default=webhook_secret, editable=False)
    events = models.JSONField(
        _("events"),
        default=list,
        blank=True,
        help_text=_("Event names such as case.approve; empty means every event."),
    )
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager["WebhookEndpoint"]()
    unscoped = models.Manager["WebhookEndpoint"]()  # reads that deliberately cross tenants
    scope = Scope(merchant="merchant_id")

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        indexes = [models.Index(fields=["merchant", "active"], name="notif_endpoint_by_merchant")]

    def __str__(self) -> str:
        return self.url

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events


class OutboxMessage(PublicModel):
    """An e-mail or webhook call written in the same transaction as the change it reports and
    delivered after the commit, with retries. ``public_id`` is the delivery id receivers see in
    ``X-Anxin-Delivery``; delivery is at least once, so they deduplicate on it."""

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merchant"),
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    recipient_email = models.EmailField(_("recipient e-mail"), blank=True)
    event = models.CharField(_("event"), max_length=60)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=clock.now)
    # The batch of the deliverer holding the row (blank when none): a late result of a batch whose
    # lease ran out can never overwrite the outcome recorded by the deliverer that took over.
    claim = models.CharField(_("claim"), max_length=32, blank=True, editable=False)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    redelivery_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="redeliveries",
        verbose_name=_("redelivery of"),
    )

    objects = ScopedManager["OutboxMessage"]()
    unscoped = models.Manager["OutboxMessage"]()  # reads that deliberately cross tenants
    # Webhook deliveries only: e-mails carry people's addresses and are never shown.
    scope = Scope(merchant="merchant_id", only=Q(channel=Channel.WEBHOOK))

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="notif_outbox_due",
                condition=Q(status=OutboxStatus.PENDING),
            ),
            models.Index(fields=["endpoint", "-created_at"], name="notif_outbox_by_endpoint"),
            models.Index(fields=["merchant", "-created_at"], name="notif_outbox_by_merchant"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=[c.value for c in Channel]), name="notif_outbox_channel"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in OutboxStatus]), name="notif_outbox_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.event}#{self.pk}"
