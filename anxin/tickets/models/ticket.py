"""Tickets, their messages, attachments, tags and history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.core.fields import EncryptedTextField
from anxin.core.models import PublicModel
from anxin.core.scoping import Scope, ScopedManager

from ..choices import (
    AuthorKind,
    Channel,
    Priority,
    TicketStatus,
    TicketType,
    Verification,
    Visibility,
)
from .desk import SlaPolicy, Team


class Tag(models.Model):
    """A free label agents put on tickets (e.g. "batch-defect-2026-11")."""

    name = models.CharField(_("name"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Ticket(PublicModel):
    """An inquiry or complaint from any channel. ``status`` changes only through
    ``ticket_act``; the origin channel is kept for good. A merchant sees only tickets about
    its own orders (``merchant`` is copied from the order)."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    type = models.CharField(_("type"), max_length=16, choices=TicketType.choices)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=TicketStatus.choices, default=TicketStatus.NEW
    )
    state_version = models.PositiveIntegerField(_("state version"), default=0)
    subject = models.CharField(_("subject"), max_length=200)
    language = models.CharField(_("language"), max_length=8, default="zh-hans")
    verification = models.CharField(
        _("verification"),
        max_length=12,
        choices=Verification.choices,
        default=Verification.PENDING,
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("requester"),
    )
    contact_name = EncryptedTextField(_("contact name"), blank=True)
    contact_email = EncryptedTextField(_("contact e-mail"), blank=True)
    contact_email_hash = models.CharField(
        _("e-mail lookup hash"), max_length=64, blank=True, db_index=True
    )
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("merchant"),
    )
    order = models.ForeignKey(
        "catalog.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("order"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("case"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("team"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    sla_policy = models.ForeignKey(
        SlaPolicy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SLA policy"),
    )
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets", verbose_name=_("tags"))
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    resolution_rejections = models.PositiveSmallIntegerField(_("resolutions rejected"), default=0)
    kb_proposed = models.BooleanField(_("proposed for the knowledge base"), default=False)

    objects = ScopedManager["Ticket"]()
    unscoped = models.Manager["Ticket"]()  # reads that deliberately cross tenants
    scope = Scope(merchant="merchant_id", requester="requester_id")

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["team", "status"]),
            models.Index(fields=["merchant", "-created_at"]),
            models.Index(fields=["requester", "-created_at"]),
            # Analytics reads the tickets changed since its watermark (anxin/analytics).
            models.Index(fields=["updated_at"], name="tickets_ticket_updated"),
        ]

    def __str__(self) -> str:
        return self.number


class TicketEvent(models.Model):
    """One row of a ticket's history: status changes, assignment, escalation, SLA events."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="events", verbose_name=_("ticket")
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    actor = models.CharField(_("actor"), max_length=64)
    actor_role = models.CharField(_("actor role"), max_length=32)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["ticket", "created_at"]),
            models.Index(fields=["created_at"], name="tickets_event_created"),  # analytics
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.action}"


class TicketMessage(models.Model):
    """A public reply or an internal note. Internal notes are never shown to the customer or the
    merchant. E-mail threading uses ``mail_message_id``."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="messages", verbose_name=_("ticket")
    )
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    author_kind = models.CharField(_("author"), max_length=8, choices=AuthorKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author user"),
    )
    author_label = models.CharField(_("author name"), max_length=80, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    body = models.TextField(_("text"), max_length=10000)
    mail_message_id = models.CharField(
        _("e-mail Message-ID"), max_length=255, blank=True, db_index=True
    )
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("ticket message")
        verbose_name_plural = _("ticket messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"])]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.author_kind}"


class TicketAttachment(PublicModel):
    """A file attached to a message (photos, PDFs, mail attachments), stored by content hash."""

    message = models.ForeignKey(
        TicketMessage,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("message"),
    )
    file = models.FileField(_("file"), upload_to="tickets/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name
