"""Daily rollups of the case facts at three grains, and of delivered orders (the denominator of
every rate) at two. Each rollup row holds sums and counts only, so any set of rows adds up to
the figures of their union; durations keep a fixed histogram (``analytics.bins``) for medians
and percentiles that merge the same way.

- ``CaseDay``: (day, merchant, category, SKU, type, reason, channel) — SKU drill-downs
- ``MerchantDay``: the same without the SKU — a merchant's dashboard, the league table
- ``PlatformDay``: without merchant and SKU — platform trends, heat map, public report
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.core.fields import MoneyField

from ..bins import HISTOGRAMS, NBINS


class CaseMeasures(models.Model):
    """The additive measures of a group of case facts."""

    cases = models.PositiveIntegerField(default=0)
    refunded = models.PositiveIntegerField(default=0)  # cases with at least one refund paid
    refund_amount = MoneyField(default=Decimal("0.00"))
    responded = models.PositiveIntegerField(default=0)
    response_hours = models.FloatField(default=0)
    approved = models.PositiveIntegerField(default=0)
    approve_hours = models.FloatField(default=0)
    refund_hours = models.FloatField(default=0)  # over ``refunded``
    closed = models.PositiveIntegerField(default=0)
    close_hours = models.FloatField(default=0)
    answered = models.PositiveIntegerField(default=0)  # left the merchant's review
    answered_in_time = models.PositiveIntegerField(default=0)  # … by the merchant, not the clock
    auto_acted = models.PositiveIntegerField(default=0)
    disputed = models.PositiveIntegerField(default=0)
    intervened = models.PositiveIntegerField(default=0)
    csat_n = models.PositiveIntegerField(default=0)
    csat_sum = models.PositiveIntegerField(default=0)
    csat_low = models.PositiveIntegerField(default=0)  # scores 1–2
    csat_high = models.PositiveIntegerField(default=0)  # scores 4–5
    for _measure in HISTOGRAMS:
        for _i in range(NBINS):
            locals()[f"{_measure}_b{_i}"] = models.PositiveIntegerField(default=0)
    del _measure, _i

    class Meta:
        abstract = True


class PlatformDay(CaseMeasures):
    day = models.DateField()
    category_id = models.IntegerField()
    type = models.CharField(max_length=16)
    reason_id = models.IntegerField()
    channel = models.CharField(max_length=16)

    class Meta:
        verbose_name = _("platform daily rollup")
        verbose_name_plural = _("platform daily rollups")
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.type} {self.reason_id}"


class MerchantDay(CaseMeasures):
    day = models.DateField()
    merchant_id = models.IntegerField()
    category_id = models.IntegerField()
    type = models.CharField(max_length=16)
    reason_id = models.IntegerField()
    channel = models.CharField(max_length=16)

    class Meta:
        verbose_name = _("merchant daily rollup")
        verbose_name_plural = _("merchant daily rollups")
        indexes = [models.Index(fields=["day"]), models.Index(fields=["merchant_id", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.type} {self.reason_id}"


class CaseDay(CaseMeasures):
    day = models.DateField()
    merchant_id = models.IntegerField()
    category_id = models.IntegerField()
    sku_id = models.BigIntegerField()
    type = models.CharField(max_length=16)
    reason_id = models.IntegerField()
    channel = models.CharField(max_length=16)

    class Meta:
        verbose_name = _("SKU daily rollup")
        verbose_name_plural = _("SKU daily rollups")
        indexes = [models.Index(fields=["day"]), models.Index(fields=["merchant_id", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.type} {self.reason_id}"


class DeliveredMeasures(models.Model):
    orders = models.PositiveIntegerField(default=0)  # orders with a parcel signed for that day
    lines = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DeliveredDay(DeliveredMeasures):
    """Delivered per (day, merchant, category): the denominator of platform and shop rates.
    An order whose lines span two categories counts once in each."""

    day = models.DateField()
    merchant_id = models.IntegerField()
    category_id = models.IntegerField()

    class Meta:
        verbose_name = _("daily deliveries")
        verbose_name_plural = _("daily deliveries")
        indexes = [models.Index(fields=["day"]), models.Index(fields=["merchant_id", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.merchant_id}: {self.orders}"


class DeliveredSkuDay(DeliveredMeasures):
    day = models.DateField()
    merchant_id = models.IntegerField()
    category_id = models.IntegerField()
    sku_id = models.BigIntegerField()

    class Meta:
        verbose_name = _("daily deliveries by SKU")
        verbose_name_plural = _("daily deliveries by SKU")
        indexes = [models.Index(fields=["merchant_id", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.sku_id}: {self.orders}"
