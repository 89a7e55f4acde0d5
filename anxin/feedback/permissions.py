"""Who sees and does what: one's own surveys and points; quality review for supervisors."""

from __future__ import annotations

from django.db.models import QuerySet

from anxin.core.actors import Actor
from anxin.tickets.permissions import is_supervisor

from .models import NpsSurvey, PointsEntry, Survey


def surveys_visible_to(actor: Actor) -> QuerySet[Survey]:
    """A person's own surveys only (staff read answers through the selectors for reports)."""
    if actor.user_id is None:
        return Survey.objects.none()
    return Survey.objects.filter(recipient_id=actor.user_id)


def nps_visible_to(actor: Actor) -> QuerySet[NpsSurvey]:
    if actor.user_id is None:
        return NpsSurvey.objects.none()
    return NpsSurvey.objects.filter(recipient_id=actor.user_id)


def points_visible_to(actor: Actor) -> QuerySet[PointsEntry]:
    if actor.user_id is None:
        return PointsEntry.objects.none()
    return PointsEntry.objects.filter(user_id=actor.user_id)


def can_review_quality(actor: Actor) -> bool:
    """Team supervisors, arbitrators and administrators sample and score tickets."""
    return is_supervisor(actor)
