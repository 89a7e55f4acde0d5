"""The dispute machine (docs/domain.md, deadlines #8–#13, P-8…P-13) as data.

negotiation (consumer ↔ merchant) → platform mediation → arbitration → appeal; evidence rounds and
a suspension return to the level they were opened at (the dispute's ``level`` is the branch).
Every deadline counts to the dispute's stored ``due_at`` (set when a state is entered), so a
proposal or a message in the middle of a round never moves the round's clock. What each move does
besides changing the status is in ``effects.py``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from anxin.core import clock
from anxin.core.actors import Role
from anxin.core.workflow import Start, Workflow, row

from .choices import DisputeStatus as S
from .choices import Level as L

C = Role.CONSUMER
M = (Role.MERCHANT_STAFF, Role.MERCHANT_ADMIN)
A = Role.AGENT  # the mediator (小二)
ARB = Role.ARBITRATOR
SYS = Role.SYSTEM

# Default durations (DOMAIN.md §5); the dispute stores each due time when it enters a state.
NEGOTIATION = timedelta(hours=24)  # P-8, #8
MERCHANT_RESPONSE = timedelta(hours=24)  # P-9, #9
SUPPLEMENTARY = timedelta(hours=4)  # P-10, #10, business hours
EXECUTION = timedelta(hours=24)  # P-11, #11
APPEAL_WINDOW = timedelta(days=7)  # P-12, #12
SUSPENSION = timedelta(days=30)  # P-13, #13
JURY_WINDOW = timedelta(hours=48)  # J-1


def _until_due(dispute: Any) -> timedelta | None:
    if dispute.due_at is None:
        return None
    return max(dispute.due_at - clock.now(), timedelta(0))


def _guard_merchant_silent(dispute: Any, actor: Any) -> Any:
    if actor.role is Role.SYSTEM and dispute.merchant_answered_at is not None:
        return _("The merchant answered; the consumer may ask the platform to step in.")
    return None


def _guard_negotiated_long_enough(dispute: Any, actor: Any) -> Any:
    if clock.now() < dispute.opened_at + NEGOTIATION and dispute.merchant_answered_at is not None:
        return _("You can ask the platform to step in 24 hours after opening the dispute.")
    return None


def _guard_not_first_arbitrator(dispute: Any, actor: Any) -> Any:
    if dispute.arbitrator_id is not None and actor.user_id == dispute.arbitrator_id:
        return _("An appeal is decided by a different arbitrator.")
    return None


def _guard_appeal_open(dispute: Any, actor: Any) -> Any:
    if dispute.appealed_by:
        return _("A decision can be appealed only once.")
    if dispute.ruled_at is None or clock.now() > dispute.ruled_at + APPEAL_WINDOW:
        return _("The 7-day appeal window has closed.")
    return None


DEADLINES: dict[str, list[Start]] = {
    S.NEGOTIATING: [Start("negotiation", "intervene", _until_due,
                          "P-8: the merchant did not answer the dispute within 24 h")],
    S.AWAITING_EVIDENCE: [Start("evidence_round", "round_missed", _until_due,
                                "P-9/P-10: evidence not given by the deadline")],
    S.JURY: [Start("jury", "close_jury", _until_due, "J-1: the panel's voting time is over")],
    S.SUSPENDED: [Start("suspension", "resume", _until_due, "P-13: suspension over (30 d)")],
    S.RULED: [Start("execution", "enforce", _until_due,
                    "P-11: the decision was not carried out within 24 h")],
    S.EXECUTED: [Start("appeal_window", "finalize", _until_due,
                       "P-12: no appeal within 7 days")],
}  # fmt: skip

BACK: dict[str, str] = {L.MEDIATION: S.MEDIATION, L.ARBITRATION: S.ARBITRATION}
OPEN = [S.NEGOTIATING, S.MEDIATION, S.AWAITING_EVIDENCE]
WITHDRAWABLE = [S.NEGOTIATING, S.MEDIATION, S.AWAITING_EVIDENCE, S.ARBITRATION, S.SUSPENDED, S.JURY]

TRANSITIONS = [
    #    action                   from                          to                      roles              guard
    row("propose",               [S.NEGOTIATING],              S.NEGOTIATING,          [C, *M]),
    row("propose",               [S.MEDIATION],                S.MEDIATION,            [C, *M, A]),
    row("propose",               [S.AWAITING_EVIDENCE],        S.AWAITING_EVIDENCE,    [C, *M, A]),
    row("decline",               [S.NEGOTIATING],              S.NEGOTIATING,          [C, *M]),
    row("decline",               [S.MEDIATION],                S.MEDIATION,            [C, *M]),
    row("decline",               [S.AWAITING_EVIDENCE],        S.AWAITING_EVIDENCE,    [C, *M]),
    # a mediator's proposal needs both sides: the first "agree" waits for the second
    row("agree",                 [S.MEDIATION],                S.MEDIATION,            [C, *M]),
    row("agree",                 [S.AWAITING_EVIDENCE],        S.AWAITING_EVIDENCE,    [C, *M]),
    row("accept",                OPEN,                         S.SETTLED,              [C, *M]),
    row("request_intervention",  [S.NEGOTIATING],              S.AWAITING_EVIDENCE,    [C],               _guard_negotiated_long_enough),
    row("intervene",             [S.NEGOTIATING],              S.AWAITING_EVIDENCE,    [A, SYS],          _guard_merchant_silent),
    row("open_round",            [S.MEDIATION, S.ARBITRATION], S.AWAITING_EVIDENCE,    [A, ARB]),
    row("submit",                [S.AWAITING_EVIDENCE],        BACK,                   [C, *M]),
    row("close_round",           [S.AWAITING_EVIDENCE],        BACK,                   [A, ARB]),
    row("round_missed",          [S.AWAITING_EVIDENCE],        S.RULED,                [SYS]),
    row("refer",                 [S.MEDIATION],                S.ARBITRATION,          [A]),
    row("send_to_jury",          [S.ARBITRATION],              S.JURY,                 [ARB]),
    row("close_jury",            [S.JURY],                     S.ARBITRATION,          [ARB, SYS]),
    row("rule",                  [S.ARBITRATION],              S.RULED,                [ARB]),
    row("fast_track",            [S.MEDIATION, S.ARBITRATION], S.EXECUTED,             [A, ARB]),
    row("suspend",               [S.MEDIATION, S.ARBITRATION], S.SUSPENDED,            [A, ARB]),
    row("resume",                [S.SUSPENDED],                BACK,                   [A, ARB, SYS]),
    row("execute",               [S.RULED],                    S.EXECUTED,             [*M]),
    row("enforce",               [S.RULED],                    S.EXECUTED,             [SYS]),
    row("appeal",                [S.EXECUTED],                 S.APPEALED,             [C, *M],           _guard_appeal_open),
    row("rule_appeal",           [S.APPEALED],                 S.FINAL,                [ARB],             _guard_not_first_arbitrator),
    row("finalize",              [S.EXECUTED],                 S.FINAL,                [SYS]),
    row("withdraw",              WITHDRAWABLE,                 S.WITHDRAWN,            [C]),
]  # fmt: skip


DISPUTE_WORKFLOW = Workflow(
    model_label="disputes.dispute",
    transitions=TRANSITIONS,
    tenant_of=lambda dispute: dispute.merchant_id,
    branch=lambda dispute: dispute.level,
    state_deadlines=DEADLINES,
)
