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
# Once the merchant answered, the consumer settles or asks the platform within 7 days of opening,
# or the dispute lapses (Taobao: a refusal not taken to 小二 within 7 days closes the request).
NEGOTIATION_LAPSE = timedelta(days=7)  # P-8
# Service targets of the platform's own steps, shown as the next deadline (nothing fires).
MEDIATION_TARGET = timedelta(hours=48)
ARBITRATION_TARGET = timedelta(days=5)
APPEAL_TARGET = timedelta(days=7)


def _until_due(dispute: Any) -> timedelta | None:
    if dispute.due_at is None:
        return None
    return max(dispute.due_at - clock.now(), timedelta(0))


def _until(kind: str) -> Any:
    """Arm only when the dispute's next deadline is of this kind (a state with two)."""
    return lambda dispute: _until_due(dispute) if dispute.due_kind == kind else None


def _round_defaulted(dispute: Any) -> bool:
    """The merchant's answer round (#9) ran out with nothing given in it: the one round whose
    expiry decides the dispute. A supplementary round (#10) that runs out goes back to the
    person deciding, who decides on the evidence present."""
    found = dispute.rounds.filter(status="open").first()
    return (
        found is not None
        and found.kind == "response"
        and not found.statement
        and not dispute.evidence.filter(round=found).exists()
    )


def _guard_defaulted(dispute: Any, actor: Any) -> Any:
    return None if _round_defaulted(dispute) else _("Evidence was given in this round.")


def _guard_not_defaulted(dispute: Any, actor: Any) -> Any:
    return _("Nothing was given in the answer round.") if _round_defaulted(dispute) else None


def _guard_mediator_level(dispute: Any, actor: Any) -> Any:
    """Agents act while the platform mediates; once in arbitration, the arbitrator does."""
    if actor.role is Role.AGENT and dispute.level != L.MEDIATION:
        return _("The arbitrator handles this dispute now.")
    return None


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


# Decisions carried out by sending the item back through the request: its own steps protect them,
# so they are not appealed afterwards.
SENDS_ITEM = frozenset({"return_refund", "exchange", "repair"})


def _guard_something_to_carry_out(dispute: Any, actor: Any) -> Any:
    """A rejected claim has nothing to carry out (the platform moves it on by itself)."""
    if getattr(dispute, "ruled_remedy", "") == "reject":
        return _("The claim was rejected: there is nothing to carry out.")
    return None


def _guard_appeal_open(dispute: Any, actor: Any) -> Any:
    if getattr(dispute, "ruled_remedy", "") in SENDS_ITEM:
        return _(
            "A decision that sends the item back is carried out through the request and cannot be appealed."
        )
    if dispute.appealed_by:
        return _("A decision can be appealed only once.")
    if dispute.ruled_at is None or clock.now() > dispute.ruled_at + APPEAL_WINDOW:
        return _("The 7-day appeal window has closed.")
    return None


DEADLINES: dict[str, list[Start]] = {
    S.NEGOTIATING: [
        Start("negotiation", "intervene", _until("negotiation"),
              "P-8: the merchant did not answer the dispute within 24 h"),
        Start("negotiation_lapse", "lapse", _until("negotiation_lapse"),
              "P-8: neither settled nor taken to the platform within 7 days"),
    ],
    # both fall due together; the guards let exactly one of them act
    S.AWAITING_EVIDENCE: [
        Start("evidence_round", "round_missed", _until_due,
              "P-9: the merchant gave nothing in its answer round"),
        Start("evidence_round_end", "round_lapsed", _until_due,
              "P-9/P-10: the round ran out; decided on the evidence present"),
    ],
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
    row("open_round",            [S.MEDIATION, S.ARBITRATION], S.AWAITING_EVIDENCE,    [A, ARB],          _guard_mediator_level),
    row("submit",                [S.AWAITING_EVIDENCE],        BACK,                   [C, *M]),
    row("close_round",           [S.AWAITING_EVIDENCE],        BACK,                   [A, ARB],          _guard_mediator_level),
    row("round_missed",          [S.AWAITING_EVIDENCE],        S.RULED,                [SYS],             _guard_defaulted),
    row("round_lapsed",          [S.AWAITING_EVIDENCE],        BACK,                   [SYS],             _guard_not_defaulted),
    row("refer",                 [S.MEDIATION],                S.ARBITRATION,          [A]),
    row("send_to_jury",          [S.ARBITRATION],              S.JURY,                 [ARB]),
    row("close_jury",            [S.JURY],                     S.ARBITRATION,          [ARB, SYS]),
    row("rule",                  [S.ARBITRATION],              S.RULED,                [ARB]),
    row("fast_track",            [S.MEDIATION, S.ARBITRATION], S.EXECUTED,             [A, ARB],          _guard_mediator_level),
    row("suspend",               [S.MEDIATION, S.ARBITRATION], S.SUSPENDED,            [A, ARB],          _guard_mediator_level),
    row("resume",                [S.SUSPENDED],                BACK,                   [A, ARB, SYS],     _guard_mediator_level),
    row("execute",               [S.RULED],                    S.EXECUTED,             [*M],              _guard_something_to_carry_out),
    row("enforce",               [S.RULED],                    S.EXECUTED,             [SYS]),
    row("appeal",                [S.EXECUTED],                 S.APPEALED,             [C, *M],           _guard_appeal_open),
    row("rule_appeal",           [S.APPEALED],                 S.FINAL,                [ARB],             _guard_not_first_arbitrator),
    row("finalize",              [S.EXECUTED],                 S.FINAL,                [SYS]),
    row("withdraw",              WITHDRAWABLE,                 S.WITHDRAWN,            [C]),
    row("lapse",                 [S.NEGOTIATING],              S.WITHDRAWN,            [SYS]),
]  # fmt: skip


DISPUTE_WORKFLOW = Workflow(
    model_label="disputes.dispute",
    transitions=TRANSITIONS,
    tenant_of=lambda dispute: dispute.merchant_id,
    branch=lambda dispute: dispute.level,
    state_deadlines=DEADLINES,
)
