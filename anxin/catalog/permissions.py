"""Who may change catalog facts (who sees orders and customers: their ``scope``)."""

from __future__ import annotations

from anxin.core.actors import Actor, Role

ORDER_WRITERS = frozenset({Role.INTEGRATOR, Role.ADMIN})


def can_write_orders(actor: Actor) -> bool:
    return actor.role in ORDER_WRITERS


def can_manage_merchants(actor: Actor) -> bool:
    return actor.role is Role.ADMIN or actor.is_system


# Taking a product off sale follows a quality inspection: inspectors, administrators, the system.
SKU_SALE_DECIDERS = frozenset({Role.QUALITY_INSPECTOR, Role.ADMIN})


def can_manage_sku_sale(actor: Actor) -> bool:
    return actor.role in SKU_SALE_DECIDERS or actor.is_system
