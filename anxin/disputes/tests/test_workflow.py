"""The dispute machine (anxin/disputes/workflow.py) checked as data against a table written out
here (every state × action × role, no database), its guards and deadline map as data, then every
allowed move run once end to end through the services for every role that may take it (new state,
version, history row, audit row, deadlines, what the step did), and the guards and refusals
through the services (nothing changed)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from anxin.accounts.models import User
from anxin.cases.choices import CaseStatus, CaseType
from anxin.cases.ledger import refund_issue
from anxin.cases.models import Case, LedgerKind, Refund
from anxin.cases.tests.builders import png_bytes
from anxin.cases.tests.helpers import NOW, consumer_of, quick_case
from anxin.core import clock
from anxin.core.actors import SYSTEM, Actor, Role
from anxin.core.errors import Conflict, ValidationFailed
from anxin.core.models import AuditEntry, Deadline, DeadlineState
from anxin.core.tests.shared_rows import rows_for_the_group
from anxin.core.workflow import (
    ActionForbidden,
    GuardFailed,
    TransitionNotAllowed,
    arm_state_deadlines,
)
from anxin.disputes import services as dispute_services
from anxin.disputes.choices import DisputeStatus as S
from anxin.disputes.choices import Level as L
from anxin.disputes.choices import Party, RoundKind
from anxin.disputes.models import DepositEntry, Dispute, DisputeEvent, Ruling
from anxin.disputes.parties import party_of
from anxin.disputes.services import dispute_act, dispute_evidence_add, proposal_answer
from anxin.disputes.workflow import DISPUTE_WORKFLOW

from .builders import (
    dispute_row,
    due_now_set,
    first_ruling_for,
    proposal_by,
    round_for,
    ruling_payload,
    staff,
)

ROLES = [
    Role.CONSUMER,
    Role.MERCHANT_STAFF,
    Role.MERCHANT_ADMIN,
    Role.AGENT,
    Role.ARBITRATOR,
    Role.QUALITY_INSPECTOR,
    Role.ADMIN,
    Role.SYSTEM,
]
C = {Role.CONSUMER}
M = {Role.MERCHANT_STAFF, Role.MERCHANT_ADMIN}
A, ARB, SYS = {Role.AGENT}, {Role.ARBITRATOR}, {Role.SYSTEM}
# Back to the level the step was taken at (evidence round, suspension).
BACK = {L.MEDIATION: S.MEDIATION, L.ARBITRATION: S.ARBITRATION}
OPEN = [S.NEGOTIATING, S.MEDIATION, S.AWAITING_EVIDENCE]

Cell = tuple[set[Role], "str | dict[str, str]"]


def _cells(action: str, states: list[str], target: str | dict[str, str] | None, roles: set[Role]):
    """``target`` None: the move stays in its state."""
    return {(s, action): (roles, s if target is None else target) for s in states}


# The machine as DOMAIN.md §5/§7 and issue 12 describe it, written out independently of
# anxin/disputes/workflow.py: (state, action) → (roles, target or {level: target}).
EXPECTED: dict[tuple[str, str], Cell] = {
    **_cells("propose", [S.NEGOTIATING], None, C | M),
    **_cells("propose", [S.MEDIATION, S.AWAITING_EVIDENCE], None, C | M | A),
    **_cells("decline", OPEN, None, C | M),
    **_cells("agree", [S.MEDIATION, S.AWAITING_EVIDENCE], None, C | M),
    **_cells("accept", OPEN, S.SETTLED, C | M),
    **_cells("request_intervention", [S.NEGOTIATING], S.AWAITING_EVIDENCE, C),
    **_cells("intervene", [S.NEGOTIATING], S.AWAITING_EVIDENCE, A | SYS),
    **_cells("open_round", [S.MEDIATION, S.ARBITRATION], S.AWAITING_EVIDENCE, A | ARB),
    **_cells("submit", [S.AWAITING_EVIDENCE], BACK, C | M),
    **_cells("close_round", [S.AWAITING_EVIDENCE], BACK, A | ARB),
    **_cells("round_missed", [S.AWAITING_EVIDENCE], S.RULED, SYS),
    **_cells("round_lapsed", [S.AWAITING_EVIDENCE], BACK, SYS),
    **_cells("refer", [S.MEDIATION], S.ARBITRATION, A),
    **_cells("send_to_jury", [S.ARBITRATION], S.JURY, ARB),
    **_cells("close_jury", [S.JURY], S.ARBITRATION, ARB | SYS),
    **_cells("rule", [S.ARBITRATION], S.RULED, ARB),
    **_cells("fast_track", [S.MEDIATION, S.ARBITRATION], S.EXECUTED, A | ARB),
    **_cells("suspend", [S.MEDIATION, S.ARBITRATION], S.SUSPENDED, A | ARB),
    **_cells("resume", [S.SUSPENDED], BACK, A | ARB | SYS),
    **_cells("execute", [S.RULED], S.EXECUTED, M),
    **_cells("enforce", [S.RULED], S.EXECUTED, SYS),
    **_cells("appeal", [S.EXECUTED], S.APPEALED, C | M),
    **_cells("rule_appeal", [S.APPEALED], S.FINAL, ARB),
    **_cells("finalize", [S.EXECUTED], S.FINAL, SYS),
    **_cells(
        "withdraw",
        [S.NEGOTIATING, S.MEDIATION, S.AWAITING_EVIDENCE, S.ARBITRATION, S.SUSPENDED, S.JURY],
        S.WITHDRAWN,
        C,
    ),
    **_cells("lapse", [S.NEGOTIATING], S.WITHDRAWN, SYS),
}
ACTIONS = sorted({action for _, action in EXPECTED})
# Deadlines armed on entering a state: (kind, the system's action when it is due).
EXPECTED_DEADLINES = {
    # P-8: the 24 h the merchant has to answer, or the 7 days (from the opening) a dispute the
    # merchant answered waits for a settlement or the platform, before it lapses
    S.NEGOTIATING: [("negotiation", "intervene"), ("negotiation_lapse", "lapse")],
    # both at the round's end; which of the two acts depends on what was given in the round
    S.AWAITING_EVIDENCE: [
        ("evidence_round", "round_missed"),
        ("evidence_round_end", "round_lapsed"),
    ],
    S.JURY: [("jury", "close_jury")],
    S.SUSPENDED: [("suspension", "resume")],
    S.RULED: [("execution", "enforce")],
    S.EXECUTED: [("appeal_window", "finalize")],
}
# A state with two deadlines of different kinds arms only the one its stored due kind names.
ARMED_ONLY_FOR = {"intervene": "negotiation", "lapse": "negotiation_lapse"}
DUE_KINDS = ["negotiation", "negotiation_lapse", "evidence_round", "jury", "suspension",
             "execution", "appeal_window", "mediation_target", "arbitration_target",
             "appeal_target", ""]  # fmt: skip
# Steps an agent takes only while the platform mediates (the arbitrator's once in arbitration).
MEDIATION_ONLY_FOR_AGENTS = {"open_round", "close_round", "fast_track", "suspend", "resume"}
# The two ends of an evidence round: exactly one of them may act on a given round.
ROUND_ENDS = {"round_missed", "round_lapsed"}


class _Rows:
    """A stand-in for a related manager: ``filter(...)`` keeps the rows, ``first``/``exists``."""

    def __init__(self, *rows: Any) -> None:
        self.rows = rows

    def filter(self, **_: Any) -> _Rows:
        return self

    def first(self) -> Any:
        return self.rows[0] if self.rows else None

    def exists(self) -> bool:
        return bool(self.rows)


def _open_round(kind: str = "response", statement: str = "", photos: int = 0) -> SimpleNamespace:
    """The open round of a stand-in dispute, and the photos given in it."""
    return SimpleNamespace(
        rounds=_Rows(SimpleNamespace(kind=kind, statement=statement)),
        evidence=_Rows(*range(photos)),
    )


def _permissive(state: str, level: str = L.MEDIATION, *, defaulted: bool = True) -> SimpleNamespace:
    """A stand-in dispute whose guards all let the move through — but one of the round's two
    ends: with ``defaulted`` nothing was given in its open answer round (``round_missed``),
    else a photo was (``round_lapsed``)."""
    return SimpleNamespace(
        status=state,
        level=level,
        opened_at=clock.now() - timedelta(hours=48),
        merchant_answered_at=None,
        ruled_at=clock.now(),
        appealed_by="",
        arbitrator_id=None,
        due_at=None,
        due_kind="",
        **vars(_open_round(photos=0 if defaulted else 1)),
    )


# --- the table, as data (no database) ----------------------------------------------------------


def test_the_table_knows_every_state_and_action() -> None:
    assert set(DISPUTE_WORKFLOW.states) == set(S.values)
    assert sorted(DISPUTE_WORKFLOW.actions) == ACTIONS


@pytest.mark.parametrize("state", S.values)
def test_every_action_and_role_in_every_state(state: str) -> None:
    clock.freeze(NOW)
    for action in ACTIONS:
        roles, target = EXPECTED.get((state, action), (set(), None))
        rule = DISPUTE_WORKFLOW.find(action, state)
        # a move exactly where the table above has one, for exactly those roles …
        assert (rule is None) == (target is None), action
        if rule is None:
            continue
        assert set(rule.roles) == roles, action
        # … to the expected state, by the level it was taken at where it goes back
        for level in (L.MEDIATION, L.ARBITRATION):
            want = target[level] if isinstance(target, dict) else target
            assert DISPUTE_WORKFLOW.target_of(rule, _permissive(state, level)) == want, action
    # and what each role is offered (guards passing) is exactly its moves, but for one of the two
    # ends of an evidence round: the one that does not fit what was given in it
    for role in ROLES:
        allowed = {a for (s, a), (roles, _) in EXPECTED.items() if s == state and role in roles}
        for defaulted, other_end in ((True, "round_lapsed"), (False, "round_missed")):
            subject = _permissive(state, defaulted=defaulted)
            offered = {t.action for t in DISPUTE_WORKFLOW.available(subject, Actor(role))}
            assert offered == allowed - {other_end}, (role, defaulted)


@pytest.mark.parametrize("state", S.values)
def test_entering_a_state_arms_its_deadline_for_the_stored_due_time(state: str) -> None:
    clock.freeze(NOW)
    starts = DISPUTE_WORKFLOW.state_deadlines.get(state, [])
    assert [(s.kind, s.action) for s in starts] == EXPECTED_DEADLINES.get(state, [])
    for start in starts:
        # the system may take the deadline's action in that state
        assert Role.SYSTEM in EXPECTED[(state, start.action)][0]
        for kind in DUE_KINDS:
            # it fires at the dispute's stored due time (never earlier, at once when past) …
            armed = ARMED_ONLY_FOR.get(start.action, kind) == kind
            ahead = SimpleNamespace(due_at=NOW + timedelta(hours=3), due_kind=kind)
            past = SimpleNamespace(due_at=NOW - timedelta(hours=1), due_kind=kind)
            assert start.delay(ahead) == (timedelta(hours=3) if armed else None), kind
            assert start.delay(past) == (timedelta(0) if armed else None), kind
            # … when the stored due kind is its own, where its state has two kinds
            assert start.delay(SimpleNamespace(due_at=None, due_kind=kind)) is None


def _guard(action: str, subject: Any, actor: Actor) -> bool:
    rule = DISPUTE_WORKFLOW.find(action, subject.status)
    assert rule is not None and rule.guard is not None
    return rule.guard(subject, actor) is None


ARB_ONE = Actor(role=Role.ARBITRATOR, user_id=7, platform=True)
ARB_TWO = Actor(role=Role.ARBITRATOR, user_id=8, platform=True)
AGENT = Actor(role=Role.AGENT, user_id=6, platform=True)
GUARDS = [
    # (action, state, changes to the permissive stand-in, actor, passes)
    # intervention: at once while the merchant has not answered, else after 24 h of negotiation
    ("request_intervention", S.NEGOTIATING, {"opened_at": -1}, Actor(Role.CONSUMER), True),
    ("request_intervention", S.NEGOTIATING, {"opened_at": -23, "merchant_answered_at": -2}, Actor(Role.CONSUMER), False),
    ("request_intervention", S.NEGOTIATING, {"opened_at": -25, "merchant_answered_at": -2}, Actor(Role.CONSUMER), True),
    # the negotiation deadline steps in only when the merchant never answered; an agent any time
    ("intervene", S.NEGOTIATING, {"opened_at": -25}, SYSTEM, True),
    ("intervene", S.NEGOTIATING, {"opened_at": -25, "merchant_answered_at": -2}, SYSTEM, False),
    ("intervene", S.NEGOTIATING, {"opened_at": -1, "merchant_answered_at": -0.5}, AGENT, True),
    # an appeal: once, within 7 days of the decision
    ("appeal", S.EXECUTED, {"ruled_at": -24 * 7 + 1}, Actor(Role.CONSUMER), True),
    ("appeal", S.EXECUTED, {"ruled_at": -24 * 7 - 1}, Actor(Role.MERCHANT_ADMIN), False),
    ("appeal", S.EXECUTED, {"ruled_at": -1, "appealed_by": "merchant"}, Actor(Role.CONSUMER), False),
    ("appeal", S.EXECUTED, {"ruled_at": None}, Actor(Role.CONSUMER), False),
    # decided by a different arbitrator
    ("rule_appeal", S.APPEALED, {"arbitrator_id": 7}, ARB_ONE, False),
    ("rule_appeal", S.APPEALED, {"arbitrator_id": 7}, ARB_TWO, True),
    ("rule_appeal", S.APPEALED, {"arbitrator_id": None}, ARB_ONE, True),
    # a round's end: decided against the party only when its answer round (#9) got nothing …
    ("round_missed", S.AWAITING_EVIDENCE, {"round": _open_round()}, SYSTEM, True),
    ("round_lapsed", S.AWAITING_EVIDENCE, {"round": _open_round()}, SYSTEM, False),
    # … else back to the person deciding: a statement or a photo was given, or it was a
    # supplementary round (#10)
    ("round_missed", S.AWAITING_EVIDENCE, {"round": _open_round(statement="见附件")}, SYSTEM, False),
    ("round_lapsed", S.AWAITING_EVIDENCE, {"round": _open_round(statement="见附件")}, SYSTEM, True),
    ("round_missed", S.AWAITING_EVIDENCE, {"round": _open_round(photos=1)}, SYSTEM, False),
    ("round_lapsed", S.AWAITING_EVIDENCE, {"round": _open_round(photos=1)}, SYSTEM, True),
    ("round_missed", S.AWAITING_EVIDENCE, {"round": _open_round("supplementary")}, SYSTEM, False),
    ("round_lapsed", S.AWAITING_EVIDENCE, {"round": _open_round("supplementary")}, SYSTEM, True),
    # agents act while the platform mediates; in arbitration the arbitrator does
    ("open_round", S.MEDIATION, {"level": L.MEDIATION}, AGENT, True),
    ("open_round", S.ARBITRATION, {"level": L.ARBITRATION}, AGENT, False),
    ("open_round", S.ARBITRATION, {"level": L.ARBITRATION}, ARB_ONE, True),
    ("close_round", S.AWAITING_EVIDENCE, {"level": L.ARBITRATION}, AGENT, False),
    ("close_round", S.AWAITING_EVIDENCE, {"level": L.ARBITRATION}, ARB_ONE, True),
    ("fast_track", S.ARBITRATION, {"level": L.ARBITRATION}, AGENT, False),
    ("suspend", S.ARBITRATION, {"level": L.ARBITRATION}, AGENT, False),
    ("suspend", S.MEDIATION, {"level": L.MEDIATION}, AGENT, True),
    ("resume", S.SUSPENDED, {"level": L.ARBITRATION}, AGENT, False),
    ("resume", S.SUSPENDED, {"level": L.ARBITRATION}, ARB_ONE, True),
    ("resume", S.SUSPENDED, {"level": L.ARBITRATION}, SYSTEM, True),
    ("resume", S.SUSPENDED, {"level": L.MEDIATION}, AGENT, True),
]  # fmt: skip


@pytest.mark.parametrize(("action", "state", "changes", "actor", "passes"), GUARDS)
def test_guards(action: str, state: str, changes: dict, actor: Actor, passes: bool) -> None:
    clock.freeze(NOW)
    subject = _permissive(state)
    for name, value in changes.items():
        if name == "round":
            vars(subject).update(vars(value))
            continue
        if name in {"opened_at", "merchant_answered_at", "ruled_at"}:
            value = None if value is None else NOW + timedelta(hours=value)
        setattr(subject, name, value)
    assert _guard(action, subject, actor) is passes
    offered = {t.action for t in DISPUTE_WORKFLOW.available(subject, actor)}
    assert (action in offered) is passes


# --- every allowed move, end to end through the services ---------------------------------------

ROLE_ORDER = [
    Role.CONSUMER,
    Role.MERCHANT_STAFF,
    Role.MERCHANT_ADMIN,
    Role.AGENT,
    Role.ARBITRATOR,
    Role.SYSTEM,
]
# The level a dispute is at in each state (a move that goes back runs at both).
NATURAL_LEVEL = {
    S.NEGOTIATING: L.NEGOTIATION,
    S.MEDIATION: L.MEDIATION,
    S.AWAITING_EVIDENCE: L.MEDIATION,
    S.SUSPENDED: L.MEDIATION,
    S.ARBITRATION: L.ARBITRATION,
    S.JURY: L.ARBITRATION,
    S.RULED: L.ARBITRATION,
    S.EXECUTED: L.ARBITRATION,
    S.APPEALED: L.APPEAL,
}


def _moves() -> list[Any]:
    moves = []
    for (state, action), (roles, target) in EXPECTED.items():
        levels = list(target) if isinstance(target, dict) else [NATURAL_LEVEL[state]]
        for level in levels:
            to = target[level] if isinstance(target, dict) else target
            for role in (r for r in ROLE_ORDER if r in roles):
                if (
                    role is Role.AGENT
                    and action in MEDIATION_ONLY_FOR_AGENTS
                    and level != L.MEDIATION
                ):
                    continue  # refused by its guard (test_an_agent_hands_over_at_arbitration)
                moves.append(
                    pytest.param(
                        state, level, action, role, to, id=f"{state}-{level}-{action}-{role}"
                    )
                )
    return moves


@pytest.fixture(scope="module")
def _world(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """One shop, order, disputed case, dispute and the platform's staff (rows only) for the
    module; each test puts the dispute in its state and is rolled back after it."""
    with rows_for_the_group(django_db_blocker):
        with django_db_blocker.unblock():
            shop, order, case = quick_case(
                case_type=CaseType.RETURN_REFUND,
                reason_code="no_reason/changed_mind",
                status=CaseStatus.DISPUTED,
            )
            dispute = dispute_row(case, opened_at=NOW - timedelta(hours=2))
            people = SimpleNamespace(
                shop=shop,
                order=order,
                case=case,
                dispute_pk=dispute.pk,
                agent=staff("agent-1", Role.AGENT),
                arbitrator=staff("arb-1", Role.ARBITRATOR),
                second_arbitrator=staff("arb-2", Role.ARBITRATOR),
            )
        yield people


@pytest.fixture
def world(_world: Any, db: Any) -> Any:
    clock.freeze(NOW)
    return _world


def _actor(role: Role, world: Any, action: str = "") -> Actor:
    if role is Role.CONSUMER:
        return consumer_of(world.order)
    if role is Role.SYSTEM:
        return SYSTEM
    if role is Role.AGENT:
        return world.agent
    if role is Role.ARBITRATOR:
        return world.second_arbitrator if action == "rule_appeal" else world.arbitrator
    if role in M:
        return Actor(role=role, user_id=800, merchant_ids=frozenset({world.shop.pk}))
    return Actor(role=role, user_id=1, platform=True)


PAYLOADS: dict[str, dict[str, Any]] = {
    "propose": {"remedy": "partial_refund", "amount": "15.00", "note": "退15元"},
    "open_round": {"party": "consumer", "template": "B-1", "request": "开线处的照片"},
    "submit": {"statement": "照片已上传"},
    "rule": ruling_payload(),
    "rule_appeal": ruling_payload(amount="30.00"),
    "suspend": {"days": 10},
    "appeal": {"statement": "新的质检报告"},
}
ANSWERS = {"accept", "agree", "decline"}


def _dispute_in(world: Any, state: str, level: str, action: str, actor: Actor) -> Dispute:
    """The module's dispute in ``state`` at ``level``, with what the state and the move need
    (an open round, a proposal to answer, a first decision, new evidence), waiting on the state's
    deadline."""
    at = clock.now()
    Dispute.objects.filter(pk=world.dispute_pk).update(status=state, level=level)
    dispute = Dispute.objects.get(pk=world.dispute_pk)
    party = party_of(actor)
    if state == S.AWAITING_EVIDENCE:
        asked = party if action == "submit" else Party.MERCHANT
        # the merchant's answer round (#9) for its two ends, else a supplementary one (#10)
        kind = RoundKind.RESPONSE if action in ROUND_ENDS else RoundKind.SUPPLEMENTARY
        round_for(dispute, asked, at - timedelta(hours=1), due=timedelta(hours=24), kind=kind)
        if action == "round_lapsed":  # the merchant gave a photo in it, and no statement
            merchant = Actor(
                role=Role.MERCHANT_STAFF, user_id=800, merchant_ids=frozenset({world.shop.pk})
            )
            dispute_evidence_add(
                actor=merchant, dispute=dispute, stream=png_bytes(), note="发货视频截图"
            )
    if action == "lapse":  # the merchant answered: the 7 days (P-8) are what is left
        dispute.merchant_answered_at = at - timedelta(hours=1)
    if state in (S.RULED, S.EXECUTED, S.APPEALED):
        first_ruling_for(dispute, at - timedelta(hours=1), by_user=world.arbitrator.user_id)
    if state == S.APPEALED:
        dispute.appealed_by = Party.CONSUMER
    if state == S.JURY:
        dispute.jury_until = at + timedelta(hours=48)
    if state == S.SUSPENDED:
        dispute.suspended_until = at + timedelta(days=30)
    dispute.save()
    if action in ANSWERS:
        other = Party.MERCHANT if party is Party.CONSUMER else Party.CONSUMER
        by = Party.PLATFORM if action == "agree" or state == S.MEDIATION else other
        proposal = proposal_by(dispute, by, at - timedelta(minutes=5))
        if by == Party.PLATFORM and action == "accept":  # the other side agreed first
            setattr(proposal, f"{other.value}_accepted_at", at - timedelta(minutes=1))
            proposal.save()
    if action == "appeal":
        dispute_evidence_add(actor=actor, dispute=dispute, stream=png_bytes(), note="质检报告")
    due_now_set(dispute)
    arm_state_deadlines(DISPUTE_WORKFLOW, dispute, at=at)
    return dispute


def _armed_in(state: str, dispute: Dispute) -> list[tuple[str, str]]:
    """The deadlines a dispute in ``state`` waits on: in negotiation, the merchant's 24 h until it
    answered, the 7-day lapse after."""
    starts = EXPECTED_DEADLINES.get(state, [])
    if state == S.NEGOTIATING:
        kind = "negotiation" if dispute.merchant_answered_at is None else "negotiation_lapse"
        starts = [(k, a) for k, a in starts if k == kind]
    return starts


def _pending(dispute: Dispute) -> list[tuple[str, str, int]]:
    rows = Deadline.objects.filter(
        subject_type="disputes.dispute", subject_id=dispute.pk, state=DeadlineState.PENDING
    ).order_by("pk")
    return [(d.kind, d.action, d.armed_version) for d in rows]


def _act(actor: Actor, dispute: Dispute, action: str) -> Any:
    if action in ANSWERS:
        proposal = dispute.proposals.get(status="open")
        return proposal_answer(
            actor=actor,
            dispute=dispute,
            payload={"proposal": proposal.pk, "reason": "test"},
            accept=action != "decline",
        )
    return dispute_act(
        actor=actor, dispute=dispute, action=action, payload={"reason": "test", **PAYLOADS.get(action, {})}
    )  # fmt: skip


def _refunds(case: Case) -> list[tuple[str, Decimal]]:
    return sorted(Refund.objects.filter(case=case).values_list("kind", "amount"))


def _deductions(dispute: Dispute) -> list[Decimal]:
    return list(DepositEntry.objects.filter(dispute=dispute).values_list("amount", flat=True))


# What each step did besides moving (the one thing that proves it ran), given the dispute, its
# case and the party that acted.
THEN = {
    "propose": lambda d, c, p: d.proposals.get(status="open").by_party == p,
    "decline": lambda d, c, p: d.proposals.get().status == "declined",
    "agree": lambda d, c, p: (
        d.proposals.get().status == "open"
        and getattr(d.proposals.get(), f"{p.value}_accepted_at") == NOW
    ),
    "accept": lambda d, c, p: (
        d.proposals.get().status == "accepted"
        and c.status == CaseStatus.REFUNDED
        and _refunds(c) == [(LedgerKind.REFUND, Decimal("10.00"))]
        and d.outcome == "settled"
    ),
    "request_intervention": lambda d, c, p: (
        d.level == L.MEDIATION and d.rounds.get(status="open").party == Party.MERCHANT
    ),
    "intervene": lambda d, c, p: (
        d.level == L.MEDIATION and d.rounds.get(status="open").template == "B-6"
    ),
    "open_round": lambda d, c, p: d.rounds.get(status="open").party == Party.CONSUMER,
    "submit": lambda d, c, p: d.rounds.get().status == "answered",
    "close_round": lambda d, c, p: d.rounds.get().status == "closed",
    "round_missed": lambda d, c, p: (
        d.rounds.get().status == "missed"
        and d.rulings.get().automatic
        and (d.rulings.get().remedy, d.rulings.get().amount) == ("full_refund", Decimal("90.00"))
    ),
    # a photo was given in the answer round: back to the person deciding, nothing decided
    "round_lapsed": lambda d, c, p: (
        d.rounds.get().status == "answered" and not d.rulings.exists() and d.outcome == ""
    ),
    "refer": lambda d, c, p: d.level == L.ARBITRATION and d.arbitrator_id is not None,
    "send_to_jury": lambda d, c, p: d.jury_until == NOW + timedelta(hours=48),
    "close_jury": lambda d, c, p: d.jury_until is None and d.jury_verdict == "",
    "rule": lambda d, c, p: d.rulings.get().amount == Decimal("40.00") and d.ruled_at == NOW,
    "fast_track": lambda d, c, p: (
        d.fast_track
        and _refunds(c) == [(LedgerKind.COMPENSATION, Decimal("90.00"))]
        and _deductions(d) == [Decimal("90.00")]
    ),
    "suspend": lambda d, c, p: d.suspended_until == NOW + timedelta(days=10),
    "resume": lambda d, c, p: d.suspended_until is None,
    "execute": lambda d, c, p: (
        c.status == CaseStatus.REFUNDED
        and _refunds(c) == [(LedgerKind.REFUND, Decimal("20.00"))]
        and _deductions(d) == []
    ),
    "enforce": lambda d, c, p: (
        c.status == CaseStatus.REFUNDED
        and _refunds(c) == [(LedgerKind.COMPENSATION, Decimal("20.00"))]
        and _deductions(d) == [Decimal("20.00")]
    ),
    "appeal": lambda d, c, p: (
        d.appealed_by == p
        and d.level == L.APPEAL
        and d.appeal_arbitrator_id not in (None, d.arbitrator_id)
        and d.evidence.get().for_appeal
    ),
    "rule_appeal": lambda d, c, p: (
        d.rulings.get(level=L.APPEAL).amount == Decimal("30.00")
        and _refunds(c) == [(LedgerKind.COMPENSATION, Decimal("30.00"))]
    ),
    "finalize": lambda d, c, p: d.resolved_at == NOW,
    "withdraw": lambda d, c, p: c.status == CaseStatus.CLOSED and d.outcome == "withdrawn",
    "lapse": lambda d, c, p: c.status == CaseStatus.CLOSED and d.outcome == "withdrawn",
}


@pytest.mark.parametrize(("state", "level", "action", "role", "target"), _moves())
def test_every_allowed_move_end_to_end(world, state, level, action, role, target):
    # given the dispute in ``state`` at ``level``, waiting on that state's deadline
    actor = _actor(role, world, action)
    dispute = _dispute_in(world, state, level, action, actor)
    armed_before = _pending(dispute)
    assert [k for k, _, _ in armed_before] == [k for k, _ in _armed_in(state, dispute)]
    events = DisputeEvent.objects.count()
    # when the role takes the action through the service
    result = _act(actor, dispute, action)
    # then the dispute moved once, with one history row and one audit row
    dispute.refresh_from_db()
    assert dispute.status == target == result.to_state
    assert dispute.state_version == 1
    assert DisputeEvent.objects.count() == events + 1
    event = dispute.events.get()
    assert (event.action, event.from_status, event.to_status) == (action, state, target)
    assert event.actor_role == role
    assert AuditEntry.objects.filter(action=f"disputes.dispute.{action}").count() == 1
    # and the old state's deadline is cancelled, the new state's armed for the stored due time
    cancelled = Deadline.objects.filter(
        subject_type="disputes.dispute", subject_id=dispute.pk, state=DeadlineState.CANCELLED
    )
    assert cancelled.count() == len(armed_before)
    assert _pending(dispute) == [(k, a, 1) for k, a in _armed_in(target, dispute)]
    pending = Deadline.objects.filter(
        subject_type="disputes.dispute", subject_id=dispute.pk, state=DeadlineState.PENDING
    )
    assert all(deadline.due_at == dispute.due_at for deadline in pending)
    # and the step did what it is for
    case = Case.objects.get(pk=world.case.pk)
    assert THEN[action](dispute, case, party_of(actor)), action


# --- guards and refusals through the services (nothing changes) ---------------------------------


def _unchanged(dispute: Dispute, state: str) -> None:
    dispute.refresh_from_db()
    assert (dispute.status, dispute.state_version) == (state, 0)
    assert not dispute.events.exists()


def test_intervention_waits_24_hours_once_the_merchant_answered(world):
    # given a dispute the merchant answered an hour after it was opened
    consumer = consumer_of(world.order)
    dispute = _dispute_in(world, S.NEGOTIATING, L.NEGOTIATION, "", consumer)
    Dispute.objects.filter(pk=dispute.pk).update(merchant_answered_at=NOW - timedelta(hours=1))
    # when the consumer asks the platform to step in 2 hours after opening: refused
    with pytest.raises(GuardFailed, match="24 hours"):
        dispute_act(actor=consumer, dispute=dispute, action="request_intervention")
    _unchanged(dispute, S.NEGOTIATING)
    # and the negotiation deadline does not step in either (the merchant answered)
    with pytest.raises(GuardFailed):
        dispute_act(actor=SYSTEM, dispute=dispute, action="intervene")
    # then 24 hours after opening, the consumer may
    clock.advance(timedelta(hours=22))
    dispute_act(actor=consumer, dispute=dispute, action="request_intervention")
    assert Dispute.objects.get(pk=dispute.pk).status == S.AWAITING_EVIDENCE


def test_an_appeal_needs_new_evidence_and_the_7_day_window(world):
    consumer = consumer_of(world.order)
    dispute = _dispute_in(world, S.EXECUTED, L.ARBITRATION, "", consumer)
    # without new evidence: refused, field at fault named
    with pytest.raises(ValidationFailed) as refused:
        dispute_act(actor=consumer, dispute=dispute, action="appeal", payload=PAYLOADS["appeal"])
    assert "evidence" in refused.value.fields
    _unchanged(dispute, S.EXECUTED)
    # after 7 days, even with new evidence: refused
    clock.advance(timedelta(days=7, hours=1))
    dispute_evidence_add(actor=consumer, dispute=dispute, stream=png_bytes())
    with pytest.raises(GuardFailed, match="7-day"):
        dispute_act(actor=consumer, dispute=dispute, action="appeal", payload=PAYLOADS["appeal"])
    _unchanged(dispute, S.EXECUTED)


def test_an_appeal_is_taken_once_and_decided_by_another_arbitrator(world):
    consumer = consumer_of(world.order)
    merchant = _actor(Role.MERCHANT_ADMIN, world)
    dispute = _dispute_in(world, S.EXECUTED, L.ARBITRATION, "appeal", consumer)
    dispute_act(actor=consumer, dispute=dispute, action="appeal", payload=PAYLOADS["appeal"])
    # the other side cannot appeal a second time
    dispute_evidence_add(actor=merchant, dispute=dispute, stream=png_bytes())
    with pytest.raises(TransitionNotAllowed):
        dispute_act(actor=merchant, dispute=dispute, action="appeal", payload=PAYLOADS["appeal"])
    # the arbitrator of the first decision cannot decide the appeal
    with pytest.raises(GuardFailed, match="different arbitrator"):
        dispute_act(
            actor=world.arbitrator, dispute=dispute, action="rule_appeal", payload=ruling_payload()
        )
    dispute.refresh_from_db()
    assert (dispute.status, dispute.state_version) == (S.APPEALED, 1)
    assert not Ruling.objects.filter(dispute=dispute, level=L.APPEAL).exists()


HANDED_OVER = [
    # (state, action): what an agent did during mediation, asked of a dispute in arbitration
    (S.ARBITRATION, "open_round"),
    (S.AWAITING_EVIDENCE, "close_round"),
    (S.ARBITRATION, "fast_track"),
    (S.ARBITRATION, "suspend"),
    (S.SUSPENDED, "resume"),
]


@pytest.mark.parametrize(("state", "action"), HANDED_OVER)
def test_an_agent_hands_over_at_arbitration(world, state, action):
    # given a dispute the agent referred to arbitration (an arbitrator handles it now)
    dispute = _dispute_in(world, state, L.ARBITRATION, action, world.agent)
    armed, audits = _pending(dispute), AuditEntry.objects.count()
    # when the agent takes a step of the platform's: refused, saying who handles it
    with pytest.raises(GuardFailed, match=r"The arbitrator handles this dispute now\."):
        _act(world.agent, dispute, action)
    # then nothing changed, and the step is not offered to the agent, only to the arbitrator
    _unchanged(dispute, state)
    assert (AuditEntry.objects.count(), _pending(dispute)) == (audits, armed)
    assert action not in {t.action for t in DISPUTE_WORKFLOW.available(dispute, world.agent)}
    assert action in {t.action for t in DISPUTE_WORKFLOW.available(dispute, world.arbitrator)}


@pytest.mark.parametrize(
    ("why", "code"),
    [("return_refund", "workflow.guard_failed"), ("exchange", "workflow.guard_failed"),
     ("no other arbitrator", "dispute.no_arbitrator")],
)  # fmt: skip
def test_an_appeal_is_refused_for_a_return_decision_or_without_another_arbitrator(world, why, code):
    # given a decision carried out, and the consumer's new evidence for an appeal
    consumer = consumer_of(world.order)
    dispute = _dispute_in(world, S.EXECUTED, L.ARBITRATION, "appeal", consumer)
    if why == "no other arbitrator":  # the one who decided is the only arbitrator left
        User.objects.filter(pk=world.second_arbitrator.user_id).update(is_active=False)
    else:  # the decision sends the item back: carried out through the request (not offered)
        Ruling.objects.filter(dispute=dispute).update(remedy=why, amount=0)
        Dispute.objects.filter(pk=dispute.pk).update(ruled_remedy=why)
        dispute.refresh_from_db()
        assert "appeal" not in {t.action for t in DISPUTE_WORKFLOW.available(dispute, consumer)}
    # when the consumer appeals: a 409 with its own code
    with pytest.raises(Conflict) as refused:
        _act(consumer, dispute, "appeal")
    assert (refused.value.code, refused.value.status) == (code, 409)
    # then nothing changed: no appeal, no level, the evidence not marked for one
    _unchanged(dispute, S.EXECUTED)
    dispute.refresh_from_db()
    assert (dispute.level, dispute.appealed_by, dispute.appealed_at) == (L.ARBITRATION, "", None)
    assert not dispute.evidence.filter(for_appeal=True).exists()


def test_a_return_first_offer_without_an_amount_is_for_everything_still_refundable(world):
    # given a dispute about one of two units (180.00 paid: 90.00 refundable), 30.00 already
    # refunded on the request
    merchant = _actor(Role.MERCHANT_STAFF, world)
    dispute = _dispute_in(world, S.NEGOTIATING, L.NEGOTIATION, "", merchant)
    refund_issue(actor=SYSTEM, line_id=world.case.line_id, amount=Decimal("30.00"),
                 key="earlier", kind=LedgerKind.REFUND, case=world.case, at=NOW)  # fmt: skip
    # when the merchant offers "return first, then refund" without saying how much
    dispute_act(
        actor=merchant, dispute=dispute, action="propose", payload={"remedy": "return_refund"}
    )
    # then the offer is for what the request may still get back
    offer = dispute.proposals.get(status="open")
    assert (offer.remedy, offer.amount) == ("return_refund", Decimal("60.00"))


@pytest.mark.parametrize("accept", [True, False])
def test_a_side_cannot_answer_its_own_proposal(world, accept):
    consumer = consumer_of(world.order)
    dispute = _dispute_in(world, S.NEGOTIATING, L.NEGOTIATION, "", consumer)
    mine = proposal_by(dispute, Party.CONSUMER, NOW)
    with pytest.raises(ValidationFailed) as refused:
        proposal_answer(
            actor=consumer, dispute=dispute, payload={"proposal": mine.pk}, accept=accept
        )
    assert "proposal" in refused.value.fields
    _unchanged(dispute, S.NEGOTIATING)
    mine.refresh_from_db()
    assert mine.status == "open"


REFUSALS = [
    # (state, action, role, error): a role the table does not name / not a move from this state
    (S.NEGOTIATING, "request_intervention", Role.MERCHANT_ADMIN, ActionForbidden),
    (S.MEDIATION, "refer", Role.ARBITRATOR, ActionForbidden),
    (S.ARBITRATION, "rule", Role.AGENT, ActionForbidden),
    (S.ARBITRATION, "rule", Role.ADMIN, ActionForbidden),
    (S.RULED, "execute", Role.CONSUMER, ActionForbidden),
    (S.RULED, "enforce", Role.MERCHANT_ADMIN, ActionForbidden),
    (S.EXECUTED, "finalize", Role.ARBITRATOR, ActionForbidden),
    (S.NEGOTIATING, "rule", Role.ARBITRATOR, TransitionNotAllowed),
    (S.SETTLED, "withdraw", Role.CONSUMER, TransitionNotAllowed),
    (S.FINAL, "appeal", Role.CONSUMER, TransitionNotAllowed),
    (S.RULED, "withdraw", Role.CONSUMER, TransitionNotAllowed),
]


@pytest.mark.parametrize(("state", "action", "role", "error"), REFUSALS)
def test_a_refused_move_changes_nothing(world, state, action, role, error):
    actor = _actor(role, world, action)
    dispute = _dispute_in(world, state, NATURAL_LEVEL.get(state, L.ARBITRATION), "", actor)
    armed, audits = _pending(dispute), AuditEntry.objects.count()
    with pytest.raises(error):
        dispute_act(
            actor=actor, dispute=dispute, action=action, payload={"reason": "test", **PAYLOADS.get(action, {})}
        )  # fmt: skip
    _unchanged(dispute, state)
    assert AuditEntry.objects.count() == audits
    assert _pending(dispute) == armed


def test_the_panel_sees_only_the_photos_the_arbitrator_shared(world):
    # given a dispute in arbitration with one photo from each side
    consumer = consumer_of(world.order)
    dispute = _dispute_in(world, S.ARBITRATION, L.ARBITRATION, "send_to_jury", consumer)
    merchant = Actor(role=Role.MERCHANT_STAFF, user_id=800, merchant_ids=frozenset({world.shop.pk}))
    mine = dispute_evidence_add(actor=consumer, dispute=dispute, stream=png_bytes())
    theirs = dispute_evidence_add(
        actor=merchant, dispute=dispute, stream=png_bytes(color=(1, 1, 1))
    )
    arbitrator = _actor(Role.ARBITRATOR, world)

    def send(photos: list[str]) -> None:
        dispute.refresh_from_db()
        dispute_act(actor=arbitrator, dispute=dispute, action="send_to_jury",
                    payload={"photos": photos})  # fmt: skip

    # when the arbitrator names a photo that is not this dispute's, nothing moves
    with pytest.raises(ValidationFailed) as refused:
        send([str(uuid.uuid4())])
    assert set(refused.value.fields) == {"photos"}
    _unchanged(dispute, S.ARBITRATION)
    # and when it shares the consumer's photo only, the panel opens with that one alone
    send([str(mine.evidence.public_id)])
    dispute.refresh_from_db()
    assert dispute.status == S.JURY
    assert list(dispute.evidence.filter(panel_ok=True)) == [mine]
    assert theirs.pk != mine.pk


def test_each_side_has_its_own_room_for_evidence(world, monkeypatch):
    # given room for one file per side
    monkeypatch.setattr(dispute_services, "EVIDENCE_PER_SIDE", 1)
    consumer = consumer_of(world.order)
    dispute = _dispute_in(world, S.MEDIATION, L.MEDIATION, "", consumer)
    merchant = Actor(role=Role.MERCHANT_STAFF, user_id=800, merchant_ids=frozenset({world.shop.pk}))
    dispute_evidence_add(actor=consumer, dispute=dispute, stream=png_bytes())
    # when the consumer gives a second file, it is refused on the file field
    with pytest.raises(ValidationFailed) as refused:
        dispute_evidence_add(actor=consumer, dispute=dispute, stream=png_bytes(color=(3, 3, 3)))
    assert set(refused.value.fields) == {"file"}
    # and the merchant still has its own room
    dispute_evidence_add(actor=merchant, dispute=dispute, stream=png_bytes(color=(4, 4, 4)))
    assert dispute.evidence.count() == 2
