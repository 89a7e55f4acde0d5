"""Who may do what on cases (who sees cases and refunds: their ``scope``)."""

from __future__ import annotations

from anxin.core.actors import Actor, Role

from .choices import MessageParty

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
# Actions where a person must say why (小二介入, recorded). Escalating is not among them: the
# consumer's claim and statement are the dispute's, and the dispute is what escalates a case.
REASON_REQUIRED = frozenset({"reject", "close"})
# Who writes case messages (留言), by the role a workflow knows them by (a merchant's token acts as
# its administrator, a platform token as a platform administrator); inspectors and the system not.
MESSAGE_PARTIES: dict[Role, MessageParty] = {
    Role.CONSUMER: MessageParty.CONSUMER,
    Role.MERCHANT_STAFF: MessageParty.MERCHANT,
    Role.MERCHANT_ADMIN: MessageParty.MERCHANT,
    Role.AGENT: MessageParty.PLATFORM,
    Role.ARBITRATOR: MessageParty.PLATFORM,
    Role.ADMIN: MessageParty.PLATFORM,
}


def can_open_case(actor: Actor) -> bool:
    return actor.role in CASE_OPENERS or (actor.role is Role.INTEGRATOR and actor.platform)


def can_act_without_reason(actor: Actor, action: str) -> bool:
    """The system may (the sweeper, and every move the disputes app drives as the system); agents
    intervening for the platform never; others unless rejecting or closing."""
    if actor.role is Role.SYSTEM:
        return True
    return action not in REASON_REQUIRED and actor.role is not Role.AGENT


def can_add_evidence(actor: Actor) -> bool:
    """The parties to a case and platform staff handling it attach photos."""
    return actor.role in EVIDENCE_ADDERS


def party_of(actor: Actor) -> MessageParty | None:
    """The side an actor speaks for on a case — consumer, merchant or platform — or None for
    someone who takes no part in it (quality inspectors, the system)."""
    return MESSAGE_PARTIES.get(actor.workflow_role)


def can_post_message(actor: Actor) -> bool:
    """The parties to a case and the platform staff handling it write messages on it."""
    return party_of(actor) is not None


def can_keep_return_addresses(actor: Actor) -> bool:
    """Merchant staff and administrators (and their tokens), and platform administrators."""
    return actor.workflow_role in ADDRESS_KEEPERS
