"""Who may do what around disputes (who sees them: each model's ``scope``; who takes which step:
the table in ``workflow.py``)."""

from __future__ import annotations

from anxin.core.actors import MERCHANT_ROLES, Actor, Role

# Steps where platform staff must say why (recorded in the history both sides read).
REASON_REQUIRED = frozenset(
    {"intervene", "close_round", "refer", "suspend", "resume", "fast_track"}
)
EVIDENCE_GIVERS = frozenset(
    {Role.CONSUMER, *MERCHANT_ROLES, Role.AGENT, Role.ARBITRATOR, Role.ADMIN}
)
HANDLERS = frozenset({Role.AGENT, Role.ARBITRATOR, Role.ADMIN})


def can_open_dispute(actor: Actor) -> bool:
    """Only the consumer opens a dispute about their own case."""
    return actor.role is Role.CONSUMER


def needs_reason(actor: Actor, action: str) -> bool:
    return actor.role is not Role.SYSTEM and action in REASON_REQUIRED


def can_give_evidence(actor: Actor) -> bool:
    """The parties (a merchant's integration too) and platform staff handling the dispute."""
    return actor.workflow_role in EVIDENCE_GIVERS


def can_handle_disputes(actor: Actor) -> bool:
    """Mediation and arbitration queues: agents, arbitrators, administrators."""
    return actor.role in HANDLERS


def can_vote_on_panel(actor: Actor) -> bool:
    return actor.role is Role.CONSUMER and actor.user_id is not None


def can_record_top_up(actor: Actor) -> bool:
    """Money paid into a deposit is recorded by the platform's administrators."""
    return actor.workflow_role is Role.ADMIN
