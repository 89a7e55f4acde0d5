"""Who may write the knowledge base and use canned replies."""

from __future__ import annotations

from anxin.core.actors import Actor, Role
from anxin.tickets.permissions import is_supervisor

# Platform staff who write articles and canned replies (reviewing is the workflow's business).
WRITER_ROLES = frozenset({Role.AGENT, Role.ARBITRATOR, Role.ADMIN})


def can_write(actor: Actor) -> bool:
    return actor.workflow_role in WRITER_ROLES


def can_read_drafts(actor: Actor) -> bool:
    """Unpublished articles are for platform staff (not tokens acting as the system)."""
    return actor.platform and not actor.is_system


def can_manage_canned(actor: Actor) -> bool:
    """Canned replies change what every agent sends: supervisors and administrators only."""
    return can_write(actor) and is_supervisor(actor)
