"""Who may do what with reviews (who reads which rows: each model's ``scope``)."""

from __future__ import annotations

from anxin.core.actors import MERCHANT_ROLES, Actor, Role

# Moderation is content work of the platform's service staff: agents (the people on the desk),
# quality inspectors (product quality reads reviews all day) and administrators — and a platform
# API token, which acts as an administrator. Arbitrators decide disputes, not reviews.
MODERATORS = frozenset({Role.AGENT, Role.QUALITY_INSPECTOR, Role.ADMIN})


def can_write_review(actor: Actor) -> bool:
    """Only a consumer reviews (their own lines and cases: checked against ``customer_ids``)."""
    return actor.role is Role.CONSUMER


def can_reply(actor: Actor) -> bool:
    """The shop's people and its integration answer a review of the shop publicly."""
    return actor.workflow_role in MERCHANT_ROLES and bool(actor.merchant_ids)


def can_moderate(actor: Actor) -> bool:
    return actor.platform and (
        actor.role in MODERATORS
        or (actor.role is Role.INTEGRATOR and actor.workflow_role is Role.ADMIN)
    )
