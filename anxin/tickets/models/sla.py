"""SLA clocks: one per ticket and metric, driven by its own small workflow (warn, breach, pause)."""

from datetime import timedelta
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import SlaMetric, SlaStatus
from .ticket import Ticket


class SlaClock(models.Model):
    """A running target for a ticket. ``consumed`` is the calendar time used before the current
    run began at ``running_since``; ``due_at``/``warn_at`` are recomputed when a run starts, so a
    pause (waiting on the customer) moves them by exactly the paused time. Warning and breach
    are deadline rows: each fires once."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="sla_clocks", verbose_name=_("ticket")
    )
    metric = models.CharField(_("metric"), max_length=16, choices=SlaMetric.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=SlaStatus.choices, default=SlaStatus.RUNNING
    )
    state_version = models.PositiveIntegerField(_("state version"), default=0)
    target = models.DurationField(_("target"))
    calendar = models.CharField(_("calendar"), max_length=16, default="business")
    warn_share = models.DecimalField(
        _("warn at share"), max_digits=3, decimal_places=2, default=Decimal("0.75")
    )
    consumed = models.DurationField(_("time used before this run"), default=timedelta(0))
    started_at = models.DateTimeField(_("started at"))
    running_since = models.DateTimeField(_("running since"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warning due at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("met at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        ordering = ["started_at", "pk"]
        indexes = [
            models.Index(fields=["ticket", "metric", "status"]),
            # Analytics reads the clocks decided since its watermark (anxin/analytics).
            models.Index(fields=["stopped_at"], name="tickets_sla_stopped"),
            models.Index(fields=["breached_at"], name="tickets_sla_breached"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.metric}:{self.status}"

    @property
    def is_live(self) -> bool:
        return self.status in {SlaStatus.RUNNING, SlaStatus.WARNED, SlaStatus.PAUSED}
