"""Who may read which analytics: the platform's staff read the platform's dashboards, a shop's
people only their own shop's figures, and only administrators set service targets. Consumers,
and API tokens that belong to no shop and are not the platform's, read nothing here (the public
transparency report has no login and needs none of these)."""

from __future__ import annotations

from anxin.core.actors import Actor, Role
from anxin.core.errors import Forbidden

PLATFORM_VIEWERS = frozenset(
    {Role.AGENT, Role.ARBITRATOR, Role.QUALITY_INSPECTOR, Role.ADMIN, Role.SYSTEM}
)
MERCHANT_VIEWERS = frozenset({Role.MERCHANT_STAFF, Role.MERCHANT_ADMIN})
TARGET_MANAGERS = frozenset({Role.ADMIN, Role.SYSTEM})


def can_view_platform(actor: Actor) -> bool:
    """Platform staff (agents, arbitrators, quality inspectors, administrators), the system and
    platform API tokens."""
    if actor.role is Role.INTEGRATOR:
        return actor.platform
    return actor.role in PLATFORM_VIEWERS and actor.platform


def can_view_merchant(actor: Actor, merchant_id: int | None) -> bool:
    """A shop's figures: platform viewers for any shop; a shop's staff, administrators and
    tokens for their own shops only."""
    if can_view_platform(actor):
        return True
    if merchant_id is None:
        return False
    if actor.role in MERCHANT_VIEWERS or actor.role is Role.INTEGRATOR:
        return merchant_id in actor.merchant_ids
    return False


def can_view_any(actor: Actor) -> bool:
    """Whether the actor may read any dashboard at all (the platform's or a shop's)."""
    return can_view_platform(actor) or (
        (actor.role in MERCHANT_VIEWERS or actor.role is Role.INTEGRATOR)
        and bool(actor.merchant_ids)
    )


def can_view_desk(actor: Actor) -> bool:
    """The desk's figures (tickets, the assistant, NPS) are the platform's."""
    return can_view_platform(actor)


def can_manage_targets(actor: Actor) -> bool:
    return actor.role in TARGET_MANAGERS and actor.platform


def require_platform(actor: Actor) -> None:
    if not can_view_platform(actor):
        raise Forbidden()


def require_merchant(actor: Actor, merchant_id: int | None) -> None:
    if not can_view_merchant(actor, merchant_id):
        raise Forbidden()


def require_any(actor: Actor) -> None:
    if not can_view_any(actor):
        raise Forbidden()


def require_targets(actor: Actor) -> None:
    if not can_manage_targets(actor):
        raise Forbidden()
