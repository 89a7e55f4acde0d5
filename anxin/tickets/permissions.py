"""Who sees and does what on tickets: scoped base querysets and ``can_*`` predicates.

Platform staff see every ticket; a merchant only tickets about its own orders (never internal
notes); a consumer only the tickets they opened. Out of scope is "not found", like missing.
"""

from __future__ import annotations

from django.db.models import QuerySet

from anxin.core.actors import Actor, Role

from .models import Team, Ticket

STAFF_ROLES = frozenset({Role.AGENT, Role.ARBITRATOR, Role.ADMIN})


def tickets_visible_to(actor: Actor) -> QuerySet[Ticket]:
    tickets = Ticket.objects.all()
    if actor.platform:
        return tickets
    if actor.merchant_ids:
        return tickets.filter(merchant_id__in=actor.merchant_ids)
    if actor.role is Role.CONSUMER and actor.user_id is not None:
        return tickets.filter(requester_id=actor.user_id)
    return tickets.none()


def is_staff(actor: Actor) -> bool:
    return actor.role in STAFF_ROLES or actor.is_system


def can_open_ticket(actor: Actor) -> bool:
    return actor.role in {Role.CONSUMER, *STAFF_ROLES, Role.INTEGRATOR, Role.SYSTEM}


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
