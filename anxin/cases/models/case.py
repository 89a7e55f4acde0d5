"""After-sales cases, their history, messages, evidence and the merchants' return addresses."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxin.core import clock
from anxin.core.fields import EncryptedTextField, MoneyField
from anxin.core.models import PublicModel
from anxin.core.scoping import Scope, ScopedManager

from ..choices import (
    CaseChannel,
    CaseStatus,
    CaseType,
    EvidencePurpose,
    MessageAudience,
    MessageParty,
)


class Case(PublicModel):
    """An after-sales request for a quantity of one order line. ``status`` changes only through
    ``case_transition``; ``policy`` is the policy snapshot taken at opening (its clocks)."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    type = models.CharField(_("type"), max_length=16, choices=CaseType.choices)
    status = models.CharField(
        _("status"), max_length=32, choices=CaseStatus.choices, default=CaseStatus.MERCHANT_REVIEW
    )
    state_version = models.PositiveIntegerField(_("state version"), default=0)
    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("merchant"),
    )
    customer = models.ForeignKey(
        "catalog.Customer",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("customer"),
    )
    order = models.ForeignKey(
        "catalog.Order", on_delete=models.PROTECT, related_name="cases", verbose_name=_("order")
    )
    line = models.ForeignKey(
        "catalog.OrderLine",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("order line"),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    channel = models.CharField(
        _("channel"), max_length=16, choices=CaseChannel.choices, default=CaseChannel.WEB
    )
    reason = models.ForeignKey(
        "policies.Reason", on_delete=models.PROTECT, related_name="cases", verbose_name=_("reason")
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)
    refund_amount = MoneyField(_("refund amount"), default=Decimal("0.00"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    freight_payer = models.CharField(_("return freight paid by"), max_length=16)
    keep_gifts = models.BooleanField(_("gifts kept"), default=False)
    rule = models.CharField(_("rule"), max_length=80, blank=True)
    policy = models.JSONField(_("policy snapshot"), default=dict)
    explanation = models.JSONField(_("eligibility explanation"), default=dict)
    return_address = models.JSONField(_("return address"), default=dict, blank=True)
    return_carrier = models.CharField(_("return carrier"), max_length=40, blank=True)
    return_tracking_number = models.CharField(
        _("return tracking number"), max_length=64, blank=True
    )
    return_pickup = models.BooleanField(_("pickup requested"), default=False)
    replacement_carrier = models.CharField(_("replacement carrier"), max_length=40, blank=True)
    replacement_tracking_number = models.CharField(
        _("replacement tracking number"), max_length=64, blank=True
    )
    inspection = models.JSONField(_("inspection result"), default=dict, blank=True)
    # When the status last changed (set by every transition): "has not moved for 72 h" reads it.
    moved_at = models.DateTimeField(_("status changed at"), default=clock.now)

    objects = ScopedManager["Case"]()
    unscoped = models.Manager["Case"]()  # reads that deliberately cross tenants
    scope = Scope(merchant="merchant_id", customer="customer_id")

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cases_quantity_gte_1"),
            models.CheckConstraint(condition=Q(refund_amount__gte=0), name="cases_refund_gte_0"),
        ]
        indexes = [
            models.Index(fields=["merchant", "status", "-created_at"]),
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["return_carrier", "return_tracking_number"]),
            models.Index(
                fields=["merchant", "-created_at"],
                name="cases_open_by_merchant",
                condition=~Q(status__in=["refunded", "completed", "closed"]),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def rma(self) -> str:
        return f"RMA-{self.number}"


class CaseEvent(models.Model):
    """One row of a case's timeline: who did what, from which status to which, and why. Automatic
    actions have actor ``system`` and name the rule that fired."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("case")
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=32, blank=True)
    to_status = models.CharField(_("to"), max_length=32)
    actor = models.CharField(_("actor"), max_length=64)
    actor_role = models.CharField(_("actor role"), max_length=32)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["case", "created_at"]),
            # Analytics reads the events since its watermark (anxin/analytics/refresh.py).
            models.Index(fields=["created_at"], name="cases_event_created"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.action}"

    @property
    def is_automatic(self) -> bool:
        return self.actor == "system"


class CaseMessage(PublicModel):
    """A message (留言) on a case between the consumer, the merchant and the platform, before and
    during a dispute. The parties write to both sides; platform staff may address one side, and
    the other side never reads it (``case_messages_for``)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="messages", verbose_name=_("case")
    )
    author = models.CharField(_("author"), max_length=64)  # the actor's audit label
    author_role = models.CharField(_("author role"), max_length=32)
    party = models.CharField(_("party"), max_length=16, choices=MessageParty.choices)
    visible_to = models.CharField(
        _("visible to"),
        max_length=16,
        choices=MessageAudience.choices,
        default=MessageAudience.BOTH,
    )
    body = models.TextField(_("message"), max_length=2000, blank=True)

    objects = ScopedManager["CaseMessage"]()
    unscoped = models.Manager["CaseMessage"]()  # reads that deliberately cross tenants
    scope = Scope(merchant="case__merchant_id", customer="case__customer_id")

    class Meta:
        verbose_name = _("case message")
        verbose_name_plural = _("case messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(party=MessageParty.PLATFORM) | Q(visible_to=MessageAudience.BOTH),
                name="cases_message_parties_write_to_both",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.party}"


class Evidence(PublicModel):
    """A photo attached to a case: validated, re-encoded without metadata, stored by content hash.
    ``purpose`` says what it supports (the request, a message, a dispute) and ``party`` who
    attached it (a merchant's photo backs a rejection for the item's condition)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("case")
    )
    purpose = models.CharField(
        _("purpose"),
        max_length=16,
        choices=EvidencePurpose.choices,
        default=EvidencePurpose.REQUEST,
    )
    message = models.ForeignKey(
        CaseMessage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("message"),
    )
    party = models.CharField(_("party"), max_length=16, choices=MessageParty.choices, blank=True)
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.CharField(_("uploaded by"), max_length=64)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        indexes = [models.Index(fields=["case", "purpose"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(message__isnull=True) | Q(purpose=EvidencePurpose.MESSAGE),
                name="cases_evidence_message_photo",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.sha256[:12]}"


class ReturnAddress(PublicModel):
    """A merchant's warehouse that receives returns; the default one is used on auto-approval."""

    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.CASCADE,
        related_name="return_addresses",
        verbose_name=_("merchant"),
    )
    label = models.CharField(_("label"), max_length=60)
    contact_name = models.CharField(_("contact name"), max_length=60)
    phone = EncryptedTextField(_("phone"))
    address = EncryptedTextField(_("address"))
    is_default = models.BooleanField(_("default"), default=False)

    objects = ScopedManager["ReturnAddress"]()
    unscoped = models.Manager["ReturnAddress"]()  # reads that deliberately cross tenants
    scope = Scope(merchant="merchant_id")

    class Meta:
        verbose_name = _("return address")
        verbose_name_plural = _("return addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["merchant"], condition=Q(is_default=True), name="cases_one_default_address"
            )
        ]

    def __str__(self) -> str:
        return self.label


class InboundEvent(models.Model):
    """A webhook event already processed (carrier tracking…), so a replay changes nothing."""

    source = models.CharField(_("source"), max_length=40)
    event_key = models.CharField(_("event key"), max_length=128)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("inbound event")
        verbose_name_plural = _("inbound events")
        constraints = [
            models.UniqueConstraint(fields=["source", "event_key"], name="cases_inbound_event_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.event_key}"
