"""Who an actor is in a dispute, and who handles it (the mediator, the arbitrators)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count

from anxin.accounts.models import User
from anxin.catalog.models import OrderLine
from anxin.core.actors import MERCHANT_ROLES, Actor, Role
from anxin.tickets.assignment import agent_pick

from .choices import TERMINAL, Party
from .models import Dispute

DISPUTES_TEAM = "disputes"


def party_of(actor: Actor) -> Party:
    if actor.role is Role.CONSUMER:
        return Party.CONSUMER
    if actor.workflow_role in MERCHANT_ROLES:
        return Party.MERCHANT
    return Party.PLATFORM


def mediator_pick(dispute: Dispute, at: datetime) -> int | None:
    """An agent of the desk's disputes team, by the team's assignment rules (language, the
    product's category, capacity, round-robin or least-loaded)."""
    category_id = (
        OrderLine.objects.filter(pk=dispute.case.line_id)
        .values_list("sku__category_id", flat=True)
        .first()
    )
    return agent_pick(
        team_code=DISPUTES_TEAM, language=dispute.language, category_id=category_id, at=at
    )


def arbitrator_pick(*, exclude: set[int | None]) -> int | None:
    """The active arbitrator with the fewest open disputes (first instance or appeal)."""
    ids = list(
        User.objects.filter(role=Role.ARBITRATOR, is_active=True)
        .exclude(pk__in=[pk for pk in exclude if pk is not None])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return None
    open_disputes = Dispute.unscoped.exclude(status__in=TERMINAL)
    load: dict[int, int] = dict.fromkeys(ids, 0)
    for field in ("arbitrator", "appeal_arbitrator"):
        rows = open_disputes.filter(**{f"{field}__in": ids}).values(field).annotate(n=Count("pk"))
        for row_ in rows:
            load[row_[field]] += row_["n"]
    return min(ids, key=lambda pk: (load[pk], pk))
