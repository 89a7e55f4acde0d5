"""The SLA clock machine: running → warned → breached, paused while waiting on the customer.

Warning and breach are deadlines armed on entering a state, so each fires exactly once through the
sweeper; their due times are computed on the clock's calendar when a run starts (``sla.py``).
What each move does to the clock, and the ticket history rows of warnings and breaches, are in
``effects.py``, which registers the machine with them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from anxin.core import clock as core_clock
from anxin.core.actors import Role
from anxin.core.workflow import ANY, Start, Workflow, row

from .choices import SlaStatus as S

SYS = Role.SYSTEM
ALL = (SYS,)  # clocks move only as a consequence of a ticket action, as the system


def _until(field: str) -> Any:
    def after(sla: Any) -> timedelta | None:
        at = getattr(sla, field)
        if at is None:
            return None
        return max(at - core_clock.now(), timedelta(0))

    return after


def _branch(sla: Any) -> str:
    if sla.breached_at is not None:
        return "breached"
    # met after its due time, before the sweeper got to it: still a breach, not a success
    if (
        sla.due_at is not None
        and sla.status in (S.RUNNING, S.WARNED)
        and core_clock.now() > sla.due_at
    ):
        return "breached"
    if sla.warned_at is not None:
        return "warned"
    return ANY


WARN = Start("sla_warn", "warn", _until("warn_at"), rule=lambda s: f"SLA-{s.metric}")
BREACH = Start("sla_breach", "breach", _until("due_at"), rule=lambda s: f"SLA-{s.metric}")

# fmt: off
SLA_TRANSITIONS = [
    #   action    from                               to                                          roles
    row("warn",   [S.RUNNING],                       S.WARNED,                                   [SYS]),
    row("breach", [S.RUNNING, S.WARNED],             S.BREACHED,                                 [SYS]),
    row("pause",  [S.RUNNING, S.WARNED],             S.PAUSED,                                   ALL),
    row("resume", [S.PAUSED],                        {"warned": S.WARNED, ANY: S.RUNNING},       ALL),
    row("meet",   [S.RUNNING, S.WARNED, S.PAUSED, S.BREACHED],
                                                     {"breached": S.BREACHED, ANY: S.MET},       ALL),
    row("cancel", [S.RUNNING, S.WARNED, S.PAUSED],   S.CANCELLED,                                ALL),
]
# fmt: on


SLA_DEADLINES: dict[str, tuple[Start, ...]] = {S.RUNNING: (WARN, BREACH), S.WARNED: (BREACH,)}

SLA_WORKFLOW = Workflow(
    model_label="tickets.slaclock",
    transitions=SLA_TRANSITIONS,
    branch=_branch,
    state_deadlines=SLA_DEADLINES,
)
