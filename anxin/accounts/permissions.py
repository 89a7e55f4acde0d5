"""Who manages people's accounts and roles."""

from __future__ import annotations

from anxin.core.actors import Actor, Role


def can_manage_users(actor: Actor) -> bool:
    """Only platform administrators create users and change roles."""
    return actor.role is Role.ADMIN
