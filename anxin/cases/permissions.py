"""Who sees which cases and refunds: the scoped base querysets."""

from __future__ import annotations

from django.db.models import QuerySet

from anxin.core.actors import Actor, Role

from .models import Case, Refund

CASE_OPENERS = frozenset({Role.CONSUMER, Role.AGENT, Role.ADMIN})


def cases_visible_to(actor: Actor) -> QuerySet[Case]:
    """Platform staff see all cases; merchants their own; consumers theirs; others none."""
    cases = Case.objects.all()
    if actor.platform:
        return cases
    if actor.merchant_ids:
        return cases.filter(merchant_id__in=actor.merchant_ids)
    if actor.role is Role.CONSUMER and actor.customer_ids:
        return cases.filter(customer_id__in=actor.customer_ids)
    return cases.none()


def refunds_visible_to(actor: Actor) -> QuerySet[Refund]:
    refunds = Refund.objects.all()
    if actor.platform:
        return refunds
    if actor.merchant_ids:
        return refunds.filter(merchant_id__in=actor.merchant_ids)
    if actor.role is Role.CONSUMER and actor.customer_ids:
        return refunds.filter(case__customer_id__in=actor.customer_ids)
    return refunds.none()


def can_open_case(actor: Actor) -> bool:
    return actor.role in CASE_OPENERS or (actor.role is Role.INTEGRATOR and actor.platform)


# Actions where a person intervening for the platform must say why (小二介入, recorded).
REASON_REQUIRED = frozenset({"reject", "close", "escalate"})
