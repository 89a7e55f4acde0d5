"""Every inbound e-mail is kept: threaded into a ticket, ignored as an auto-reply, or quarantined
with its reason, never lost. Anonymous web requests wait here until their e-mail is verified."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.core.fields import EncryptedTextField
from anxin.core.models import PublicModel

from ..choices import MailStatus, Priority, TicketType
from .ticket import Ticket, TicketMessage


class InboundMail(models.Model):
    """The raw message as received (bytes), with what became of it."""

    source = models.CharField(_("source"), max_length=16)  # maildir, imap, webhook
    mail_message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    sender_hash = models.CharField(_("sender lookup hash"), max_length=64, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    raw = models.BinaryField(_("raw message"))
    status = models.CharField(_("status"), max_length=12, choices=MailStatus.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mails",
        verbose_name=_("ticket"),
    )
    message = models.ForeignKey(
        TicketMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("message"),
    )
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mails")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-received_at"]),
            models.Index(fields=["sender_hash", "-received_at"]),  # the per-sender rate limit
        ]
        constraints = [
            # One row per Message-ID, even when IMAP, a Maildir and the webhook deliver the same
            # message at the same moment (mail without one is kept every time).
            models.UniqueConstraint(
                fields=["mail_message_id"],
                condition=~models.Q(mail_message_id=""),
                name="inboundmail_message_id_once",
            ),
        ]

    def __str__(self) -> str:
        return self.mail_message_id or str(self.pk)


class ContactRequest(PublicModel):
    """An anonymous help request waiting for its sender to click the link sent to the address."""

    email = EncryptedTextField(_("e-mail"))
    email_hash = models.CharField(_("e-mail lookup hash"), max_length=64, db_index=True)
    name = EncryptedTextField(_("name"), blank=True)
    type = models.CharField(_("type"), max_length=16, choices=TicketType.choices)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), max_length=5000)
    order_ref = models.CharField(_("order number"), max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=8, default="zh-hans")
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    ticket = models.OneToOneField(
        Ticket,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ticket"),
    )

    class Meta:
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")

    def __str__(self) -> str:
        return self.subject
