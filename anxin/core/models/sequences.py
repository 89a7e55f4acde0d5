from django.db import models
from django.utils.translation import gettext_lazy as _


class NumberSequence(models.Model):
    """The last number handed out for a prefix on a day (AS20261122000123 = AS, day, 123)."""

    prefix = models.CharField(_("prefix"), max_length=8)
    day = models.DateField(_("day"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "day"], name="core_sequence_prefix_day_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.day:%Y%m%d} → {self.last}"
