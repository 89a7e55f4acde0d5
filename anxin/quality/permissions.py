"""Who may do what in product quality (who sees which rows: each model's ``scope``; who takes
which task step: the table in ``workflow.py``)."""

from __future__ import annotations

from anxin.core.actors import MERCHANT_ROLES, Actor, Role

# Inspections are decided by people: quality inspectors and platform administrators. Agents,
# arbitrators and API tokens read quality data but take no inspection step.
INSPECTORS = frozenset({Role.QUALITY_INSPECTOR, Role.ADMIN})
INSPECTOR_ACTIONS = frozenset({"start", "pass", "fail", "cancel"})


def can_inspect(actor: Actor) -> bool:
    """Take tasks, record inspections, dismiss alerts, manage sampling plans."""
    return actor.role in INSPECTORS


def can_rectify(actor: Actor) -> bool:
    """The shop answers a rectification request (its people, or its API token)."""
    return actor.workflow_role in MERCHANT_ROLES


def can_read_quality(actor: Actor) -> bool:
    """The quality workspace: platform staff (and platform tokens) and merchants (their own)."""
    return actor.platform or bool(actor.merchant_ids)
