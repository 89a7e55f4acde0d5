"""One row per merchant per day: the score, its tier and every factor that made it."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxin.core.scoping import Scope, ScopedManager

from ..choices import Tier


class CreditSnapshot(models.Model):
    """The day's credit of one merchant. ``factors`` holds, per factor key: ``value`` (the raw
    figure), ``x``/``n`` (what it was counted from), ``norm`` (the category's figure),
    ``smoothed`` (what the score uses), ``weight`` (share of the score in %), ``sub_score``
    (0–100), ``contribution`` (points), ``lost`` (points lost against the norm), ``trend``
    (smoothed now − 30 days ago) and ``available`` (False: left out, weights renormalised).
    Recomputing a day replaces its row (unique per merchant and day); earlier days stay."""

    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.CASCADE,
        related_name="credit_snapshots",
        verbose_name=_("merchant"),
    )
    day = models.DateField(_("day"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    factors = models.JSONField(_("factors"), default=dict)
    volume = models.JSONField(_("volume"), default=dict)
    trend = models.DecimalField(
        _("change in 30 days"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    category = models.CharField(_("peer category"), max_length=60, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    objects = ScopedManager["CreditSnapshot"]()
    unscoped = models.Manager["CreditSnapshot"]()  # the public page and the daily job
    scope = Scope(merchant="merchant_id")

    class Meta:
        verbose_name = _("credit snapshot")
        verbose_name_plural = _("credit snapshots")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "day"], name="credit_snapshot_per_day"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="credit_snapshot_score_0_100"
            ),
        ]
        indexes = [models.Index(fields=["day", "tier"])]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.day} {self.score}"
