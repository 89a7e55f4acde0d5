"""Public notices of failed inspections (公示), routine sampling plans (常态化抽检) and the
monthly quality reports sent to merchants."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.core.fields import MoneyField
from anxin.core.models import PublicModel, TimeStampedModel
from anxin.core.scoping import Scope, ScopedManager

from ..choices import InspectionMethod, PlanFrequency


class QualityNotice(PublicModel):
    """A public notice of a failed inspection: the shop (a business, named), the product, what
    was found and what followed. It holds no personal data — no consumer, no inspector's name —
    and is readable without signing in."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    task = models.OneToOneField(
        "quality.QualityTask",
        on_delete=models.PROTECT,
        related_name="notice",
        verbose_name=_("task"),
    )
    merchant = models.ForeignKey(
        "catalog.Merchant", on_delete=models.PROTECT, related_name="+", verbose_name=_("merchant")
    )
    merchant_name = models.CharField(_("shop"), max_length=120)
    sku_code = models.CharField(_("SKU code"), max_length=64)
    product_name = models.CharField(_("product"), max_length=200)
    category_code = models.CharField(_("category"), max_length=60)
    method = models.CharField(_("method"), max_length=16, choices=InspectionMethod.choices)
    lab_name = models.CharField(_("laboratory"), max_length=120, blank=True)
    sample_size = models.PositiveIntegerField(_("units sampled"))
    defects_found = models.PositiveIntegerField(_("defective units found"))
    findings = models.TextField(_("findings"), max_length=4000)
    measures = models.TextField(_("measures taken"), max_length=1000)
    penalty = MoneyField(_("penalty"), default=0)
    published_at = models.DateTimeField(_("published at"))
    # Set when a re-inspection passed and the product went back on sale.
    resolved_at = models.DateTimeField(_("rectified at"), null=True, blank=True)

    objects = ScopedManager["QualityNotice"]()
    unscoped = models.Manager["QualityNotice"]()  # the public list (nothing in it is private)
    scope = Scope(merchant="merchant_id")

    class Meta:
        verbose_name = _("quality notice")
        verbose_name_plural = _("quality notices")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.number


class SamplingPlan(TimeStampedModel):
    """Routine random sampling of one category (常态化抽检): every ``frequency``, ``sample_skus``
    listed SKUs of the category are drawn at random and each gets a quality task."""

    name = models.CharField(_("name"), max_length=120)
    category = models.ForeignKey(
        "catalog.Category", on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    frequency = models.CharField(_("frequency"), max_length=12, choices=PlanFrequency.choices)
    sample_skus = models.PositiveSmallIntegerField(_("SKUs per run"), default=3)
    units_per_sku = models.PositiveSmallIntegerField(_("units to sample per SKU"), default=5)
    method = models.CharField(_("method"), max_length=16, choices=InspectionMethod.choices)
    active = models.BooleanField(_("active"), default=True)
    next_run_at = models.DateTimeField(_("next run"))
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    created_by = models.CharField(_("created by"), max_length=64)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inspector in charge"),
    )

    objects = ScopedManager["SamplingPlan"]()
    unscoped = models.Manager["SamplingPlan"]()
    scope = Scope()  # platform staff only

    class Meta:
        verbose_name = _("sampling plan")
        verbose_name_plural = _("sampling plans")
        ordering = ["next_run_at", "pk"]

    def __str__(self) -> str:
        return self.name


class MonthlyReport(models.Model):
    """The quality report a merchant was sent for one month (once per month: the sender is
    idempotent); ``summary`` is what it said."""

    merchant = models.ForeignKey(
        "catalog.Merchant", on_delete=models.PROTECT, related_name="+", verbose_name=_("merchant")
    )
    month = models.DateField(_("month"))  # its first day
    summary = models.JSONField(_("summary"), default=dict)
    sent_at = models.DateTimeField(_("sent at"))

    objects = ScopedManager["MonthlyReport"]()
    unscoped = models.Manager["MonthlyReport"]()
    scope = Scope(merchant="merchant_id")

    class Meta:
        verbose_name = _("monthly quality report")
        verbose_name_plural = _("monthly quality reports")
        ordering = ["-month", "merchant"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "month"], name="quality_report_monthly")
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.month:%Y-%m}"
