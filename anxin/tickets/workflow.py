"""The ticket machine (docs/domain.md), as data: one row per transition.

Pausing and resuming SLA clocks and escalation on a rejected resolution are effects of these rows
(``effects.py``, which registers the machine with them); the auto-close of a resolved ticket is a
deadline of its state. Both happen in the same transaction as the status change.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from anxin.core import clock
from anxin.core.actors import Role
from anxin.core.workflow import Start, Workflow, row

from .choices import TicketStatus as S

C = Role.CONSUMER
STAFF = (Role.AGENT, Role.ARBITRATOR, Role.ADMIN)
SYS = Role.SYSTEM
LIVE = (S.NEW, S.OPEN, S.PENDING_CUSTOMER, S.PENDING_INTERNAL)


def reopen_days() -> int:
    return int(getattr(settings, "ANXIN_TICKET_REOPEN_DAYS", 7))


def auto_close_after() -> timedelta:
    return timedelta(days=int(getattr(settings, "ANXIN_TICKET_AUTO_CLOSE_DAYS", 3)))


def _reopen_window(ticket: Any, actor: Any) -> Promise | None:
    if ticket.merged_into_id is not None:
        return _("A merged ticket cannot be reopened; write on the ticket it was merged into.")
    if ticket.closed_at is not None and clock.now() - ticket.closed_at > timedelta(
        days=reopen_days()
    ):
        return _("This ticket was closed too long ago to reopen; please open a new ticket.")
    return None


# fmt: off
TICKET_TRANSITIONS = [
    #   action               from                                            to                    roles
    row("accept",            [S.NEW],                                        S.OPEN,               [*STAFF, SYS]),
    row("wait_customer",     [S.NEW, S.OPEN, S.PENDING_INTERNAL],            S.PENDING_CUSTOMER,   STAFF),
    row("wait_internal",     [S.NEW, S.OPEN, S.PENDING_CUSTOMER],            S.PENDING_INTERNAL,   STAFF),
    row("customer_replied",  [S.PENDING_CUSTOMER],                           S.OPEN,               [C, SYS]),
    row("resume",            [S.PENDING_INTERNAL],                           S.OPEN,               STAFF),
    row("resolve",           LIVE,                                           S.RESOLVED,           STAFF),
    row("accept_resolution", [S.RESOLVED],                                   S.CLOSED,             [C]),
    row("reject_resolution", [S.RESOLVED],                                   S.OPEN,               [C]),
    row("close",             [S.RESOLVED],                                   S.CLOSED,             [*STAFF, SYS]),
    row("reopen",            [S.CLOSED],                                     S.OPEN,               [C, *STAFF, SYS], _reopen_window),
    row("merge",             LIVE,                                           S.CLOSED,             STAFF),
]
# fmt: on


TICKET_DEADLINES: dict[str, tuple[Start, ...]] = {
    # T-1: a resolution nobody answers is accepted after 3 days.
    S.RESOLVED: (Start("auto_close", "close", lambda t: auto_close_after(), rule="T-1"),),
}

TICKET_WORKFLOW = Workflow(
    model_label="tickets.ticket",
    transitions=TICKET_TRANSITIONS,
    tenant_of=lambda ticket: ticket.merchant_id,
    state_deadlines=TICKET_DEADLINES,
)
