"""The merchant deposit ledger (保证金): what advance compensation (先行赔付) is recovered from.

The balance is never silently negative: a deduction takes what is there, and the rest (plus what
brings the deposit back to its required minimum) becomes a top-up request while the merchant's
settlement is held.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxin.core.fields import MoneyField
from anxin.core.scoping import Scope, ScopedManager

from ..choices import DepositKind, TopUpStatus


class DepositAccount(models.Model):
    merchant = models.OneToOneField(
        "catalog.Merchant",
        on_delete=models.PROTECT,
        related_name="deposit",
        verbose_name=_("merchant"),
    )
    balance = MoneyField(_("balance"), default=0)
    required = MoneyField(_("required minimum"), default=0)
    # Advance compensation the balance could not cover: paid first from the next top-up.
    owed = MoneyField(_("owed"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    settlement_held = models.BooleanField(_("settlement held"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager["DepositAccount"]()
    unscoped = models.Manager["DepositAccount"]()
    scope = Scope(merchant="merchant_id")

    class Meta:
        verbose_name = _("deposit account")
        verbose_name_plural = _("deposit accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="disputes_deposit_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.balance}"


class DepositEntry(models.Model):
    """An append-only row of the deposit ledger; ``key`` makes every movement idempotent."""

    account = models.ForeignKey(
        DepositAccount,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("account"),
    )
    merchant = models.ForeignKey(
        "catalog.Merchant", on_delete=models.PROTECT, related_name="+", verbose_name=_("merchant")
    )
    key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DepositKind.choices)
    amount = MoneyField(_("amount"))
    balance_after = MoneyField(_("balance after"))
    dispute = models.ForeignKey(
        "disputes.Dispute",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deposit_entries",
        verbose_name=_("dispute"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.CharField(_("by"), max_length=64)
    created_at = models.DateTimeField(_("time"))

    objects = ScopedManager["DepositEntry"]()
    unscoped = models.Manager["DepositEntry"]()
    scope = Scope(merchant="merchant_id")

    class Meta:
        verbose_name = _("deposit entry")
        verbose_name_plural = _("deposit entries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disputes_deposit_entry_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class TopUpRequest(models.Model):
    """What the merchant must pay in after a deduction (what it owes plus what brings the balance
    back to the required minimum); one open request at a time, the settlement held until paid."""

    merchant = models.ForeignKey(
        "catalog.Merchant", on_delete=models.PROTECT, related_name="+", verbose_name=_("merchant")
    )
    amount = MoneyField(_("amount"))
    dispute = models.ForeignKey(
        "disputes.Dispute",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dispute"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=TopUpStatus.choices, default=TopUpStatus.OPEN
    )
    created_at = models.DateTimeField(_("time"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    objects = ScopedManager["TopUpRequest"]()
    unscoped = models.Manager["TopUpRequest"]()
    scope = Scope(merchant="merchant_id")

    class Meta:
        verbose_name = _("top-up request")
        verbose_name_plural = _("top-up requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.amount}"
