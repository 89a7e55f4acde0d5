"""Return, refund and deadline rules as rows (docs/domain.md), and the reason-code tree."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxin.core.fields import MoneyField
from anxin.core.models import TimeStampedModel

from .choices import Fault, PolicyScope

# The tunable numbers of a policy row. Each is (field name, generous direction): "up" means a
# larger value is kinder to the consumer. A merchant row may only move a value that way.
POLICY_FIELDS: dict[str, str] = {
    "no_reason_days": "up",
    "quality_return_days": "up",
    "exchange_days": "up",
    "repair_days": "up",
    "merchant_review_hours": "down",
    "return_ship_days": "up",
    "receipt_confirm_days": "down",
    "refund_hours": "down",
    "rejected_close_days": "up",
    "completion_days": "up",
    "restocking_fee_percent": "down",
}


class Policy(TimeStampedModel):
    """One layer of rules: the platform default, a category's, or a merchant's. Empty fields
    inherit from the layer below (platform < category < merchant); see ``policies.resolve``."""

    scope = models.CharField(_("scope"), max_length=16, choices=PolicyScope.choices)
    category = models.ForeignKey(
        "catalog.Category",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="policies",
        verbose_name=_("category"),
    )
    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="policies",
        verbose_name=_("merchant"),
    )
    code = models.CharField(_("code"), max_length=40, unique=True)
    no_reason_days = models.PositiveSmallIntegerField(
        _("no-reason return window (days)"), null=True, blank=True
    )
    quality_return_days = models.PositiveSmallIntegerField(
        _("quality return window (days)"), null=True, blank=True
    )
    exchange_days = models.PositiveSmallIntegerField(
        _("exchange window (days)"), null=True, blank=True
    )
    repair_days = models.PositiveSmallIntegerField(_("repair window (days)"), null=True, blank=True)
    merchant_review_hours = models.PositiveSmallIntegerField(
        _("merchant review (hours)"), null=True, blank=True
    )
    return_ship_days = models.PositiveSmallIntegerField(
        _("time to ship the return (days)"), null=True, blank=True
    )
    receipt_confirm_days = models.PositiveSmallIntegerField(
        _("time to confirm receipt (days)"), null=True, blank=True
    )
    refund_hours = models.PositiveSmallIntegerField(
        _("time to refund (hours)"), null=True, blank=True
    )
    rejected_close_days = models.PositiveSmallIntegerField(
        _("time to contest a rejection (days)"), null=True, blank=True
    )
    completion_days = models.PositiveSmallIntegerField(
        _("time to confirm a replacement or repair (days)"), null=True, blank=True
    )
    restocking_fee_percent = MoneyField(
        _("restocking fee (%)"), max_digits=5, null=True, blank=True
    )
    intact_conditions_zh = models.TextField(_("intact conditions (Chinese)"), blank=True)
    intact_conditions_en = models.TextField(_("intact conditions (English)"), blank=True)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        constraints = [
            models.UniqueConstraint(
                fields=["scope"], condition=Q(scope="platform"), name="policies_one_platform_row"
            ),
            models.UniqueConstraint(
                fields=["category"], condition=Q(scope="category"), name="policies_one_per_category"
            ),
            models.UniqueConstraint(
                fields=["merchant"], condition=Q(scope="merchant"), name="policies_one_per_merchant"
            ),
            models.CheckConstraint(
                condition=(
                    Q(scope="platform", category__isnull=True, merchant__isnull=True)
                    | Q(scope="category", category__isnull=False, merchant__isnull=True)
                    | Q(scope="merchant", merchant__isnull=False, category__isnull=True)
                ),
                name="policies_scope_matches_target",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Reason(models.Model):
    """A node of the hierarchical reason list (``quality/defect``); ``fault`` decides who pays the
    return freight and whether the no-reason rules apply."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    fault = models.CharField(_("fault"), max_length=16, choices=Fault.choices)
    is_quality = models.BooleanField(_("quality problem"), default=False)
    selectable = models.BooleanField(_("selectable"), default=True)

    class Meta:
        verbose_name = _("reason")
        verbose_name_plural = _("reasons")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class CalendarDay(models.Model):
    """A public holiday or a make-up working day (调休) of the business-hours calendar.
    Seeded for 2025–2027 from ``policies/holidays.py``; administrators add each year's official
    arrangement when the State Council publishes it (2027's seed rows are provisional)."""

    HOLIDAY, WORKDAY = "holiday", "workday"

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(
        _("kind"),
        max_length=8,
        choices=[(HOLIDAY, _("public holiday")), (WORKDAY, _("make-up working day"))],
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=60)
    provisional = models.BooleanField(_("provisional"), default=False)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"
