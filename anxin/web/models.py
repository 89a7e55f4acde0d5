"""Page settings people keep: saved queue filters ("saved views")."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.core import clock


class SavedView(models.Model):
    """A named set of queue filters (the query string) that one user keeps for themselves."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_views",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("query string"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="web_saved_view_user_name")
        ]

    def __str__(self) -> str:
        return self.name
