"""Who reviews quality: supervisors (one's own surveys and points: their ``scope``)."""

from __future__ import annotations

from anxin.core.actors import Actor
from anxin.tickets.permissions import is_supervisor


def can_review_quality(actor: Actor) -> bool:
    """Team supervisors, arbitrators and administrators sample and score tickets."""
    return is_supervisor(actor)
