"""A quality alert: one weekly delivery cohort of a SKU whose return rate broke its control limit."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxin.core.models import PublicModel
from anxin.core.scoping import Scope, ScopedManager

from ..choices import AlertStatus, BaselineSource, Metric


class QualityAlert(PublicModel):
    """Raised by the daily scan (``scan.py``); at most one open alert per SKU, and never two for
    the same cohort and metric. It opens a quality task and closes when that task ends."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    merchant = models.ForeignKey(
        "catalog.Merchant", on_delete=models.PROTECT, related_name="+", verbose_name=_("merchant")
    )
    sku = models.ForeignKey(
        "catalog.Sku", on_delete=models.PROTECT, related_name="+", verbose_name=_("SKU")
    )
    category = models.ForeignKey(
        "catalog.Category", on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    metric = models.CharField(_("what was counted"), max_length=20, choices=Metric.choices)
    # The cohort: units signed for from period_start (a Monday) to period_end (its Sunday).
    period_start = models.DateField(_("cohort from"))
    period_end = models.DateField(_("cohort to"))
    returns = models.PositiveIntegerField(_("units returned"))
    units = models.PositiveIntegerField(_("units delivered"))
    rate = models.FloatField(_("rate"))
    centre = models.FloatField(_("centre line"))
    ucl = models.FloatField(_("upper control limit"))
    tail = models.FloatField(_("chance under the baseline"))
    baseline_source = models.CharField(_("baseline"), max_length=12, choices=BaselineSource.choices)
    baseline_units = models.PositiveIntegerField(_("units behind the baseline"))
    status = models.CharField(
        _("status"), max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    raised_at = models.DateTimeField(_("raised at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.CharField(_("why it closed"), max_length=300, blank=True)

    objects = ScopedManager["QualityAlert"]()
    unscoped = models.Manager["QualityAlert"]()
    scope = Scope(merchant="merchant_id")

    class Meta:
        verbose_name = _("quality alert")
        verbose_name_plural = _("quality alerts")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sku"],
                condition=Q(status="open"),
                name="quality_one_open_alert_per_sku",
            ),
            models.UniqueConstraint(
                fields=["sku", "metric", "period_start"], name="quality_alert_once_per_cohort"
            ),
        ]
        indexes = [models.Index(fields=["merchant", "status", "-raised_at"])]

    def __str__(self) -> str:
        return self.number
