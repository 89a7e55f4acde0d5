"""The desk's facts and rollups: one row per ticket, a daily rollup of tickets per
(day, channel, type, priority, merchant) and the assistant's conversations per day."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..bins import NBINS

DESK_HISTOGRAMS: tuple[str, ...] = ("response", "resolve")


class TicketFact(models.Model):
    ticket = models.OneToOneField(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("ticket"),
    )
    channel = models.CharField(_("channel"), max_length=16)
    type = models.CharField(_("type"), max_length=16)
    priority = models.CharField(_("priority"), max_length=16)
    merchant_id = models.IntegerField(_("merchant"), default=0)  # 0: about no shop
    opened_at = models.DateTimeField(_("opened at"))
    day = models.DateField(_("day opened"))
    response_hours = models.FloatField(_("hours to first response"), null=True)
    resolve_hours = models.FloatField(_("hours to resolution"), null=True)
    sla_met = models.BooleanField(_("service targets met"), null=True)  # None: no target applied
    reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    csat = models.PositiveSmallIntegerField(_("satisfaction score"), null=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("ticket fact")
        verbose_name_plural = _("ticket facts")
        indexes = [models.Index(fields=["day"]), models.Index(fields=["merchant_id", "day"])]

    def __str__(self) -> str:
        return f"ticket {self.ticket_id}"


class DeskDay(models.Model):
    day = models.DateField()
    channel = models.CharField(max_length=16)
    type = models.CharField(max_length=16)
    priority = models.CharField(max_length=16)
    merchant_id = models.IntegerField(default=0)
    tickets = models.PositiveIntegerField(default=0)
    responded = models.PositiveIntegerField(default=0)
    response_hours = models.FloatField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    resolve_hours = models.FloatField(default=0)
    sla_n = models.PositiveIntegerField(default=0)
    sla_met = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)  # tickets reopened at least once
    csat_n = models.PositiveIntegerField(default=0)
    csat_sum = models.PositiveIntegerField(default=0)
    csat_low = models.PositiveIntegerField(default=0)
    csat_high = models.PositiveIntegerField(default=0)
    for _measure in DESK_HISTOGRAMS:
        for _i in range(NBINS):
            locals()[f"{_measure}_b{_i}"] = models.PositiveIntegerField(default=0)
    del _measure, _i

    class Meta:
        verbose_name = _("desk daily rollup")
        verbose_name_plural = _("desk daily rollups")
        indexes = [models.Index(fields=["day"]), models.Index(fields=["merchant_id", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.channel} {self.type}"


class AssistantDay(models.Model):
    """The assistant's conversations started that day and how many went to a person."""

    day = models.DateField(unique=True)
    conversations = models.PositiveIntegerField(default=0)
    handed_off = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("assistant daily rollup")
        verbose_name_plural = _("assistant daily rollups")

    def __str__(self) -> str:
        return str(self.day)
