"""Who manages webhooks (who sees notifications, endpoints and deliveries: their ``scope``)."""

from __future__ import annotations

from anxin.core.actors import Actor, Role

# Workflow roles that may register endpoints and redeliver: a merchant's administrators (and its
# merchant-scoped tokens, which act as one), and platform administrators (and platform tokens).
WEBHOOK_MANAGERS = frozenset({Role.MERCHANT_ADMIN, Role.ADMIN})


def can_manage_webhooks(actor: Actor, merchant_id: int) -> bool:
    return actor.workflow_role in WEBHOOK_MANAGERS and actor.can_see_merchant(merchant_id)
