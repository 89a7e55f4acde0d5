"""Who works the desk: teams, agents' skills and availability, and the SLA policy rows."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import AssignmentMode, Availability, Channel, Priority, TeamKind, TicketType


class Team(models.Model):
    """A group of agents with one supervisor; tickets are routed to a team, then to an agent."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    kind = models.CharField(_("kind"), max_length=24, choices=TeamKind.choices)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_teams",
        verbose_name=_("supervisor"),
    )
    assignment_mode = models.CharField(
        _("assignment"),
        max_length=16,
        choices=AssignmentMode.choices,
        default=AssignmentMode.ROUND_ROBIN,
    )
    # Tickets of these types land here first (the first-line team takes what no team claims).
    ticket_types = models.JSONField(_("ticket types"), default=list, blank=True)
    first_line = models.BooleanField(_("first line"), default=False)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class AgentProfile(models.Model):
    """An agent's desk settings: teams, skills (categories, languages), capacity and availability.
    ``assigned_turn`` makes round-robin fair: the agent whose last turn is oldest goes next."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="agent_profile",
        verbose_name=_("user"),
    )
    teams = models.ManyToManyField(Team, related_name="agents", verbose_name=_("teams"))
    languages = models.JSONField(_("languages"), default=list, blank=True)
    categories = models.ManyToManyField(
        "catalog.Category", blank=True, related_name="+", verbose_name=_("product categories")
    )
    capacity = models.PositiveSmallIntegerField(_("capacity (open tickets)"), default=20)
    availability = models.CharField(
        _("availability"), max_length=8, choices=Availability.choices, default=Availability.OFF
    )
    last_assigned_at = models.DateTimeField(_("last assigned at"), null=True, blank=True)
    # A platform-wide turn counter (not a time: many tickets can arrive in the same instant).
    assigned_turn = models.PositiveBigIntegerField(_("assignment turn"), default=0)

    class Meta:
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")

    def __str__(self) -> str:
        return f"{self.user_id}"


class SlaPolicy(models.Model):
    """Service targets for tickets of a type × priority × channel (blank = any). The most specific
    active row applies; targets are minutes on the row's calendar."""

    name = models.CharField(_("name"), max_length=80)
    ticket_type = models.CharField(_("type"), max_length=16, choices=TicketType.choices, blank=True)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    first_response_minutes = models.PositiveIntegerField(_("first response (minutes)"))
    next_response_minutes = models.PositiveIntegerField(_("next response (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution (minutes)"))
    calendar = models.CharField(_("calendar"), max_length=16, default="business")
    warn_share = models.DecimalField(
        _("warn at share of target"), max_digits=3, decimal_places=2, default=Decimal("0.75")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(warn_share__gt=0) & Q(warn_share__lt=1), name="tickets_sla_warn_share"
            ),
            models.CheckConstraint(
                condition=Q(first_response_minutes__gt=0)
                & Q(next_response_minutes__gt=0)
                & Q(resolution_minutes__gt=0),
                name="tickets_sla_targets_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def specificity(self) -> int:
        return sum(1 for v in (self.ticket_type, self.priority, self.channel) if v)
