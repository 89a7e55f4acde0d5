"""The ticket machine (DOMAIN.md §6), as data: one row per transition.

Pausing and resuming SLA clocks, escalation on a rejected resolution and the auto-close of a
resolved ticket are effects and deadlines of these rows, so they happen in the same transaction
as the status change.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from anxin.core.actors import Role
from anxin.core.workflow import Start, Workflow, register, row

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
    from anxin.core import clock

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


def _record(step: Any) -> Any:
    from .services import ticket_event_record

    return ticket_event_record(step)


def _effect(name: str) -> Any:
    def effect(step: Any) -> None:
        from . import effects

        getattr(effects, name)(step)

    return effect


TICKET_WORKFLOW = register(
    Workflow(
        model_label="tickets.ticket",
        transitions=TICKET_TRANSITIONS,
        record=_record,
        tenant_of=lambda ticket: ticket.merchant_id,
        state_deadlines={
            # T-1: a resolution nobody answers is accepted after 3 days.
            S.RESOLVED: (Start("auto_close", "close", lambda t: auto_close_after(), rule="T-1"),),
        },
        effects={
            action: _effect(f"effect_{action}")
            for action in (
                "wait_customer",
                "customer_replied",
                "resolve",
                "accept_resolution",
                "reject_resolution",
                "close",
                "reopen",
                "merge",
            )
        },
    )
)
