"""Who the NPS survey invites: the consumers a closed ticket or a finished case served lately.

Feedback sits below tickets and cases and reads neither (docs/decisions/0013-layers.md), so the
invitation run starts here, in the highest of the three: it gathers the people served and hands
their ids to ``anxin.feedback.services.nps_invite_due``, which keeps the invitation rules.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from anxin.cases.choices import TERMINAL
from anxin.cases.models import CaseEvent
from anxin.core import clock
from anxin.feedback.rules import nps_lookback_days
from anxin.feedback.services import nps_invite_due

from .choices import TicketStatus
from .models import Ticket


def served_since(cutoff: datetime) -> set[int]:
    """Consumers whose ticket closed or whose case finished since ``cutoff``."""
    ticket_users = Ticket.unscoped.filter(
        status=TicketStatus.CLOSED, closed_at__gte=cutoff, requester__isnull=False
    ).values_list("requester_id", flat=True)
    case_users = CaseEvent.objects.filter(
        to_status__in=list(TERMINAL), created_at__gte=cutoff, case__customer__user__isnull=False
    ).values_list("case__customer__user_id", flat=True)
    return {int(u) for u in ticket_users} | {int(u) for u in case_users}


def nps_invite_run(*, now: datetime | None = None, period: str | None = None) -> int:
    """Invite every active consumer served in the last 90 days who has no NPS survey for the
    period yet (idempotent: run it as often as you like). Returns how many were invited."""
    now = now or clock.now()
    served = served_since(now - timedelta(days=nps_lookback_days()))
    return nps_invite_due(served=served, now=now, period=period)
