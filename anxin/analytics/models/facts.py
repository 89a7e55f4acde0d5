"""One row of facts per case, kept by ``analytics.refresh`` from the cases, refunds, disputes
and surveys it reads through their apps: the dimensions a case is counted under and the
durations and outcomes every metric needs. Rollups are GROUP BYs of these rows, and a
drill-down lists them."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.core.fields import MoneyField


class CaseFact(models.Model):
    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("case"),
    )
    # Dimensions (ids without foreign keys: a rollup is derived data, read-only).
    merchant_id = models.IntegerField(_("merchant"))
    category_id = models.IntegerField(_("category"))  # the SKU's top-level category
    sku_id = models.BigIntegerField(_("SKU"))
    type = models.CharField(_("type"), max_length=16)
    reason_id = models.IntegerField(_("reason"))
    channel = models.CharField(_("channel"), max_length=16)
    opened_at = models.DateTimeField(_("opened at"))
    day = models.DateField(_("day opened"))  # the local (Asia/Shanghai) day of opened_at
    status = models.CharField(_("status"), max_length=32)
    # Durations from opening, in hours (None: not happened yet).
    response_hours = models.FloatField(_("hours to first merchant response"), null=True)
    approve_hours = models.FloatField(_("hours to approval"), null=True)
    refund_hours = models.FloatField(_("hours to first refund"), null=True)
    close_hours = models.FloatField(_("hours to close"), null=True)
    # Who moved the request out of the merchant's review: "merchant", "system" or "".
    answered_by = models.CharField(_("answered by"), max_length=8, blank=True)
    auto_acted = models.BooleanField(_("the platform acted on a silence"), default=False)
    disputed = models.BooleanField(_("disputed"), default=False)
    intervened = models.BooleanField(_("platform intervened"), default=False)
    refund_amount = MoneyField(_("refunded"), default=Decimal("0.00"))
    refund_parts = models.PositiveSmallIntegerField(_("refund payments"), default=0)
    csat = models.PositiveSmallIntegerField(_("satisfaction score"), null=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("case fact")
        verbose_name_plural = _("case facts")
        indexes = [
            models.Index(fields=["day"]),
            models.Index(fields=["merchant_id", "day"]),
            models.Index(fields=["category_id", "day"]),
            models.Index(fields=["sku_id", "day"]),
        ]

    def __str__(self) -> str:
        return f"case {self.case_id}"


class RefreshState(models.Model):
    """How far a rollup family has been brought up to date: the time of the newest source
    change it has folded in (``name`` is "cases", "tickets" …)."""

    name = models.CharField(_("name"), max_length=32, primary_key=True)
    watermark = models.DateTimeField(_("up to"))
    refreshed_at = models.DateTimeField(_("refreshed at"))
    seconds = models.FloatField(_("seconds taken"), default=0)
    rows = models.PositiveIntegerField(_("facts refreshed"), default=0)

    class Meta:
        verbose_name = _("refresh state")
        verbose_name_plural = _("refresh states")

    def __str__(self) -> str:
        return f"{self.name} up to {self.watermark}"
