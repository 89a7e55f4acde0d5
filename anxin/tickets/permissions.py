"""Who does what on tickets: the ``can_*`` predicates.

Who sees which ticket is ``Ticket.scope`` (read with ``Ticket.objects.for_actor``): platform staff
see every ticket; a merchant only tickets about its own orders (never internal notes); a consumer
only the tickets they opened. Out of scope is "not found", like missing.
"""

from __future__ import annotations

from anxin.core.actors import Actor, Role

from .models import Team, Ticket

STAFF_ROLES = frozenset({Role.AGENT, Role.ARBITRATOR, Role.ADMIN})


def is_staff(actor: Actor) -> bool:
    return actor.role in STAFF_ROLES or actor.is_system


def can_open_ticket(actor: Actor) -> bool:
    return actor.role in {Role.CONSUMER, *STAFF_ROLES, Role.INTEGRATOR, Role.SYSTEM}


def can_configure_desk(actor: Actor) -> bool:
    """Teams, SLA policies and revisit rules are the platform administrators' settings."""
    return actor.role is Role.ADMIN


def can_plan_revisits(actor: Actor) -> bool:
    """Revisit tasks are the platform's follow-up work: platform staff only."""
    return actor.platform


def can_see_internal(actor: Actor) -> bool:
    return actor.platform


def can_reply(actor: Actor, ticket: Ticket) -> bool:
    """Staff, the requester, and the merchant whose order it is (public replies only)."""
    if is_staff(actor):
        return True
    if actor.role is Role.CONSUMER:
        return ticket.requester_id is not None and ticket.requester_id == actor.user_id
    return ticket.merchant_id is not None and ticket.merchant_id in actor.merchant_ids


def is_supervisor(actor: Actor) -> bool:
    """Team supervisors, arbitrators and admins review quality and take escalations."""
    if actor.role in {Role.ARBITRATOR, Role.ADMIN}:
        return True
    return (
        actor.role is Role.AGENT
        and actor.user_id is not None
        and Team.objects.filter(supervisor_id=actor.user_id).exists()
    )
