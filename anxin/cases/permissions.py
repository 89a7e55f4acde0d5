"""Who may do what on cases (who sees cases and refunds: their ``scope``)."""

from __future__ import annotations

from anxin.core.actors import Actor, Role

CASE_OPENERS = frozenset({Role.CONSUMER, Role.AGENT, Role.ADMIN})
# Everyone a case concerns may add photos; quality inspectors and the system do not.
EVIDENCE_ADDERS = frozenset(
    {
        Role.CONSUMER,
        Role.MERCHANT_STAFF,
        Role.MERCHANT_ADMIN,
        Role.AGENT,
        Role.ARBITRATOR,
        Role.ADMIN,
        Role.INTEGRATOR,
    }
)
# Workflow roles that keep a merchant's return address book (integrators act as one of them).
ADDRESS_KEEPERS = frozenset({Role.MERCHANT_STAFF, Role.MERCHANT_ADMIN, Role.ADMIN})
# Actions where a person intervening for the platform must say why (小二介入, recorded).
REASON_REQUIRED = frozenset({"reject", "close", "escalate"})


def can_open_case(actor: Actor) -> bool:
    return actor.role in CASE_OPENERS or (actor.role is Role.INTEGRATOR and actor.platform)


def can_act_without_reason(actor: Actor, action: str) -> bool:
    """The system may; agents intervening for the platform never; others unless rejecting,
    closing or escalating."""
    if actor.role is Role.SYSTEM:
        return True
    return action not in REASON_REQUIRED and actor.role is not Role.AGENT


def can_add_evidence(actor: Actor) -> bool:
    """The parties to a case and platform staff handling it attach photos."""
    return actor.role in EVIDENCE_ADDERS


def can_keep_return_addresses(actor: Actor) -> bool:
    """Merchant staff and administrators (and their tokens), and platform administrators."""
    return actor.workflow_role in ADDRESS_KEEPERS
