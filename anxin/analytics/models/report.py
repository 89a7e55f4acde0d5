"""The monthly public transparency report (运营数据公示), frozen when published so its URL keeps
showing the same figures."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TransparencyReport(models.Model):
    month = models.DateField(_("month"), unique=True)  # the first day of the month
    data = models.JSONField(_("figures"))
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("transparency report")
        verbose_name_plural = _("transparency reports")
        ordering = ["-month"]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")
