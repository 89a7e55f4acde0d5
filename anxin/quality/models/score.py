"""The daily 描述相符 (description accuracy) score of each merchant, stored so that the public
merchant page reads one row instead of every shop's deliveries of 90 days (the category norms
need them all). Written by the daily scan (``accuracy.accuracy_scores_store``) and the demo."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.core.scoping import Scope, ScopedManager


class AccuracyScore(models.Model):
    """One row per merchant: the figures of ``accuracy.MerchantAccuracy`` without its SKUs, as
    computed on ``day`` over the window ``since``–``until``. Public figures (no personal data)."""

    merchant = models.OneToOneField(
        "catalog.Merchant", on_delete=models.CASCADE, related_name="+", verbose_name=_("merchant")
    )
    day = models.DateField(_("computed for"))
    since = models.DateField(_("window from"))
    until = models.DateField(_("window to"))
    units = models.PositiveIntegerField(_("units delivered"), default=0)
    returns = models.PositiveIntegerField(_("returned as not as described"), default=0)
    rate = models.FloatField(_("rate"), default=0.0)
    interval_low = models.FloatField(_("interval low"), default=0.0)
    interval_high = models.FloatField(_("interval high"), default=0.0)
    expected = models.FloatField(_("category-mix norm"), default=0.0)
    value = models.FloatField(_("score"))
    from_returns = models.FloatField(_("score from returns"))
    stars = models.FloatField(_("average 'as described' stars"), null=True, blank=True)
    stars_count = models.PositiveIntegerField(_("reviews with 'as described' stars"), default=0)
    ratio = models.FloatField(_("ratio to the norm"), default=1.0)
    computed_at = models.DateTimeField(_("computed at"))

    objects = ScopedManager["AccuracyScore"]()
    unscoped = models.Manager["AccuracyScore"]()
    scope = Scope(merchant="merchant_id")

    class Meta:
        verbose_name = _("description accuracy score")
        verbose_name_plural = _("description accuracy scores")

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.day}: {self.value}"
