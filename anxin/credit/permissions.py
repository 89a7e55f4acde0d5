"""Who may do what with merchant credit (who sees which rows: each model's ``scope``)."""

from __future__ import annotations

from anxin.core.actors import PLATFORM_ROLES, Actor, Role


def can_read_platform_lists(actor: Actor) -> bool:
    """Merchants by tier, every appeal, the thresholds: platform staff and platform tokens."""
    return actor.platform and actor.workflow_role in PLATFORM_ROLES


def can_decide(actor: Actor) -> bool:
    """Appeals, exit proposals and thresholds are decided by the platform's administrators."""
    return actor.platform and actor.workflow_role is Role.ADMIN and not actor.is_system


def can_appeal(actor: Actor, merchant_id: int) -> bool:
    """An appeal speaks for the shop: its administrators and its integration token (which acts
    as the shop's administrator) file it, not every member of staff."""
    return actor.workflow_role is Role.MERCHANT_ADMIN and merchant_id in actor.merchant_ids
