"""Service targets (服务目标): a value a metric should reach, for the platform, a category or a
shop, and the alerts raised when a period missed it."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxin.core.models import TimeStampedModel

from ..choices import TargetScope


class Target(TimeStampedModel):
    metric = models.CharField(_("metric"), max_length=40)  # a key of analytics.metrics.METRICS
    scope = models.CharField(_("applies to"), max_length=12, choices=TargetScope.choices)
    category = models.ForeignKey(
        "catalog.Category",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shop"),
    )
    # In the metric's own unit: a share 0–1 for rates, hours for durations, 1–5 for stars.
    value = models.DecimalField(_("target"), max_digits=12, decimal_places=4)
    window_days = models.PositiveSmallIntegerField(_("measured over (days)"), default=30)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    active = models.BooleanField(_("active"), default=True)
    set_by = models.CharField(_("set by"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("service target")
        verbose_name_plural = _("service targets")
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "scope", "category", "merchant"],
                name="analytics_target_one_per_scope",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(scope="platform", category__isnull=True, merchant__isnull=True)
                | Q(scope="category", category__isnull=False, merchant__isnull=True)
                | Q(scope="merchant", merchant__isnull=False),
                name="analytics_target_scope_matches",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.scope} {self.value}"


class TargetAlert(models.Model):
    """A target missed over the window ending on ``period_end``: raised once per target and day."""

    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("target")
    )
    period_end = models.DateField(_("period end"))
    actual = models.DecimalField(_("actual"), max_digits=14, decimal_places=4)
    expected = models.DecimalField(_("target"), max_digits=12, decimal_places=4, default=Decimal(0))
    raised_at = models.DateTimeField(_("raised at"))

    class Meta:
        verbose_name = _("missed-target alert")
        verbose_name_plural = _("missed-target alerts")
        constraints = [
            models.UniqueConstraint(fields=["target", "period_end"], name="analytics_alert_once")
        ]

    def __str__(self) -> str:
        return f"{self.target_id} missed on {self.period_end}"
