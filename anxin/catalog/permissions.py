"""Who may see and change catalog facts; scoped base querysets that cannot be bypassed by accident."""

from __future__ import annotations

from django.db.models import QuerySet

from anxin.core.actors import Actor, Role

from .models import Order

ORDER_WRITERS = frozenset({Role.INTEGRATOR, Role.ADMIN})


def orders_visible_to(actor: Actor) -> QuerySet[Order]:
    """Platform staff see every order; merchants their own; consumers theirs; others none."""
    orders = Order.objects.all()
    if actor.platform:
        return orders
    if actor.merchant_ids:
        return orders.filter(merchant_id__in=actor.merchant_ids)
    if actor.role is Role.CONSUMER and actor.customer_ids:
        return orders.filter(customer_id__in=actor.customer_ids)
    return orders.none()


def can_write_orders(actor: Actor) -> bool:
    return actor.role in ORDER_WRITERS


def can_manage_merchants(actor: Actor) -> bool:
    return actor.role is Role.ADMIN or actor.is_system
