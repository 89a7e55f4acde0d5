"""Who writes the return, refund and warranty rules."""

from __future__ import annotations

from anxin.core.actors import Actor, Role

# The platform's rules (platform and category rows) are written by administrators and the system.
RULE_WRITERS = frozenset({Role.ADMIN, Role.SYSTEM})


def can_write_rules(actor: Actor) -> bool:
    """Platform administrators and the system write every policy row and the calendars."""
    return actor.role in RULE_WRITERS


def can_edit_shop_policy(actor: Actor) -> bool:
    """A shop's own policy row is its administrators' (and its token's, which acts as one)."""
    return actor.workflow_role is Role.MERCHANT_ADMIN
