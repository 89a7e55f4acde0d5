"""The words of merchant credit: tiers, the steps thresholds take, and what became of them."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Tier(models.TextChoices):
    """Where a 0–100 score falls. A merchant at its category's norm on every factor scores 75
    (``good``); each tier's lower bound is in ``TIER_FLOORS``."""

    EXCELLENT = "excellent", pgettext_lazy("credit tier", "Excellent")
    GOOD = "good", pgettext_lazy("credit tier", "Good")
    FAIR = "fair", pgettext_lazy("credit tier", "Fair")
    WARNING = "warning", pgettext_lazy("credit tier", "Warning")
    POOR = "poor", pgettext_lazy("credit tier", "Poor")

    @classmethod
    def for_score(cls, score: Decimal | float) -> Tier:
        for tier, floor in TIER_FLOORS:
            if Decimal(str(score)) >= floor:
                return tier
        return cls.POOR


# Highest first; a score at a floor belongs to that tier. The warn threshold (60) is the floor of
# ``fair``: every merchant the ladder warns is in ``warning`` or ``poor``.
TIER_FLOORS: tuple[tuple[Tier, Decimal], ...] = (
    (Tier.EXCELLENT, Decimal(85)),
    (Tier.GOOD, Decimal(70)),
    (Tier.FAIR, Decimal(60)),
    (Tier.WARNING, Decimal(40)),
    (Tier.POOR, Decimal(0)),
)


class Step(models.TextChoices):
    """The rungs of the ladder, in order. ``exit`` is only ever proposed by the system."""

    WARN = "warn", pgettext_lazy("credit step", "Warning")
    RESTRICT = "restrict", pgettext_lazy("credit step", "Restriction")
    DEPOSIT_INCREASE = "deposit_increase", pgettext_lazy("credit step", "Deposit increase")
    EXIT = "exit", pgettext_lazy("credit step", "Exit")


LADDER: tuple[Step, ...] = (Step.WARN, Step.RESTRICT, Step.DEPOSIT_INCREASE, Step.EXIT)


class SanctionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed to the platform")
    IN_FORCE = "in_force", _("In force")
    APPEALED = "appealed", _("Appealed")
    UPHELD = "upheld", _("Upheld on appeal")
    OVERTURNED = "overturned", _("Overturned on appeal")
    LIFTED = "lifted", _("Lifted by the platform")
    DISMISSED = "dismissed", _("Exit proposal declined")
    CONFIRMED = "confirmed", _("Confirmed by the platform")


# A sanction in one of these still weighs on the merchant.
ACTIVE_STATUSES = frozenset(
    {
        SanctionStatus.PROPOSED,
        SanctionStatus.IN_FORCE,
        SanctionStatus.APPEALED,
        SanctionStatus.UPHELD,
        SanctionStatus.CONFIRMED,
    }
)
APPEALABLE = frozenset({SanctionStatus.IN_FORCE, SanctionStatus.PROPOSED})


class AppealDecision(models.TextChoices):
    UPHOLD = "uphold", _("Upheld")
    OVERTURN = "overturn", _("Overturned")
