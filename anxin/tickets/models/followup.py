"""Revisits (回访): rules that create follow-up tasks, and the tasks themselves."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import RevisitStatus, RevisitTrigger
from .desk import Team
from .ticket import Ticket


class RevisitRule(models.Model):
    """ "``delay_days`` after ``trigger``, call the customer back": e.g. 7 days after a repair."""

    trigger = models.CharField(_("trigger"), max_length=24, choices=RevisitTrigger.choices)
    delay_days = models.PositiveSmallIntegerField(_("after (days)"))
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("team")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("revisit rule")
        verbose_name_plural = _("revisit rules")

    def __str__(self) -> str:
        return f"{self.trigger}+{self.delay_days}d"


class RevisitTask(models.Model):
    """One call-back to make; generated once per rule and subject (ticket or case)."""

    rule = models.ForeignKey(
        RevisitRule, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("rule")
    )
    subject_type = models.CharField(_("subject type"), max_length=32)
    subject_id = models.BigIntegerField(_("subject id"))
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="revisits",
        verbose_name=_("ticket"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
    )
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(
        _("status"), max_length=12, choices=RevisitStatus.choices, default=RevisitStatus.OPEN
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignee"),
    )
    outcome = models.TextField(_("outcome"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("revisit task")
        verbose_name_plural = _("revisit tasks")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_type", "subject_id"], name="tickets_revisit_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id}@{self.due_at:%Y-%m-%d}"
