"""The refund ledger: refunds and their append-only entries per order line and tender."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxin.core.fields import MoneyField
from anxin.core.models import PublicModel
from anxin.core.scoping import Scope, ScopedManager


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class LedgerKind(models.TextChoices):
    REFUND = "refund", _("Refund")
    COMPENSATION = "compensation", _("Compensation")
    FREIGHT = "freight", _("Freight")
    REVERSAL = "reversal", _("Reversal")


class Refund(PublicModel):
    """Money owed back to a consumer for an order line. ``key`` makes every money movement
    idempotent (one refund per case); the provider is called with ``public_id`` as its key."""

    key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refunds",
        verbose_name=_("case"),
    )
    line = models.ForeignKey(
        "catalog.OrderLine",
        on_delete=models.PROTECT,
        related_name="refunds",
        verbose_name=_("order line"),
    )
    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.PROTECT,
        related_name="refunds",
        verbose_name=_("merchant"),
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=LedgerKind.choices, default=LedgerKind.REFUND
    )
    amount = MoneyField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=16, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    state_version = models.PositiveIntegerField(_("state version"), default=0)
    provider = models.CharField(_("provider"), max_length=20, default="ledger")
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    objects = ScopedManager["Refund"]()
    unscoped = models.Manager["Refund"]()  # reads that deliberately cross tenants
    scope = Scope(merchant="merchant_id", customer="case__customer_id")

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="cases_refund_amount_gt_0")
        ]
        # Analytics reads the refunds changed since its watermark (anxin/analytics/refresh.py).
        indexes = [
            models.Index(fields=["updated_at"], name="cases_refund_updated"),
            models.Index(fields=["settled_at"], name="cases_refund_settled"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.amount} {self.currency}"


class LedgerEntry(models.Model):
    """An append-only money row: per order line and tender. Σ over a line never exceeds what was
    paid for it (checked under a row lock on the line)."""

    refund = models.ForeignKey(
        Refund, on_delete=models.PROTECT, related_name="entries", verbose_name=_("refund")
    )
    line = models.ForeignKey(
        "catalog.OrderLine",
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name=_("order line"),
    )
    tender = models.ForeignKey(
        "catalog.PaymentTender",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
        verbose_name=_("tender"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=LedgerKind.choices)
    amount = MoneyField(_("amount"))
    in_kind = models.BooleanField(_("returned in kind"), default=False)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [models.Index(fields=["line", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"
