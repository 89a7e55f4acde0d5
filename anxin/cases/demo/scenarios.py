"""Where demo cases stand today and how they got there: the scenarios, as data, and their timing,
planned backwards from today so that a case waiting on a deadline is inside it (some in its last
quarter, "at risk"), a few are overdue, and finished ones are spread over the last months."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from types import SimpleNamespace

from anxin.policies.reference import PLATFORM_DEFAULT

from ..choices import CaseStatus, CaseType
from ..workflow import DEADLINES
from .vocab import CONSUMER_CHOICE

T = CaseType
HOUR = timedelta(hours=1)
DEMO_MERCHANT_SHARE = 0.12  # of the cases go to the demo merchant login's shop (≥ 60 of 600)
CONSUMER_CASES = 6  # at most, for the demo consumer login
AT_RISK_SHARE = 0.25  # of the cases waiting on a deadline are in its last quarter

# Hours between one step and the next: (shortest, longest).
ANSWER = (0.3, 40.0)  # merchant reviews (the clock gives 48 h)
SHIP = (2.0, 72.0)  # consumer sends the parcel (7 days)
TRANSIT = (20.0, 72.0)
CONFIRM = (1.0, 48.0)  # merchant checks the parcel (7 days)
PAY = (0.1, 24.0)  # merchant refunds (7 days)
REACT = (2.0, 96.0)  # consumer answers a rejection (15 days)
REPAIR = (24.0, 120.0)
SHIP_BACK = (4.0, 48.0)
DONE = (24.0, 144.0)  # consumer confirms (10 days)
WITHDRAW = (1.0, 30.0)
# How long a case has been in a state without a deadline, if it stands there today.
RESTING: dict[str, tuple[float, float]] = {
    CaseStatus.RETURN_IN_TRANSIT: (2.0, 60.0),
    CaseStatus.RECEIVED: (1.0, 30.0),
    CaseStatus.IN_REPAIR: (12.0, 120.0),
    CaseStatus.DISPUTED: (4.0, 96.0),
}
TERMINAL_DAYS = (0.1, 75.0)  # how long ago a finished case finished


@dataclass(frozen=True)
class Step:
    """One thing that happens to a case: ``action`` by ``who`` some ``hours`` after the previous
    step. ``who`` is consumer, merchant, agent, carrier (the return parcel's delivery push) or
    system (the case's pending deadline fires, ``hours`` is then when it falls due)."""

    action: str
    who: str
    hours: tuple[float, float] = (0.0, 0.0)


def _s(action: str, who: str, hours: tuple[float, float] = (0.0, 0.0)) -> Step:
    return Step(action, who, hours)


APPROVE = _s("approve", "merchant", ANSWER)
AUTO = _s("sweep", "system")  # the pending deadline of the current state fires
SHIP_RETURN = _s("ship_return", "consumer", SHIP)
DELIVERED = _s("mark_delivered", "carrier", TRANSIT)
RECEIPT = _s("confirm_receipt", "merchant", CONFIRM)
BACK = (APPROVE, SHIP_RETURN, DELIVERED, RECEIPT)  # the goods come back and are checked


@dataclass(frozen=True)
class Scenario:
    """Where a case stands today and the steps that took it there (after ``open``)."""

    name: str
    weight: float
    types: tuple[str, ...]
    steps: tuple[Step, ...]
    final: str
    overdue: bool = False


def _sc(
    name: str, weight: float, types: Sequence[str], steps: Sequence[Step], final: str
) -> Scenario:
    return Scenario(name, weight, tuple(types), tuple(steps), final)


RR, RO, EX, RP = (T.RETURN_REFUND,), (T.REFUND_ONLY,), (T.EXCHANGE,), (T.REPAIR, T.WARRANTY)
RETURNS = (T.RETURN_REFUND, T.EXCHANGE, T.REPAIR)
S = CaseStatus
SCENARIOS: list[Scenario] = [
    _sc("refund_only.review", 3, RO, (), S.MERCHANT_REVIEW),
    _sc("refund_only.pending", 3, RO, (APPROVE,), S.REFUND_PENDING),
    _sc("refund_only.refunded", 9, RO, (APPROVE, _s("refund", "merchant", PAY)), S.REFUNDED),
    _sc("refund_only.auto_approved", 1.5, RO, (AUTO, _s("refund", "merchant", PAY)), S.REFUNDED),
    _sc("refund_only.rejected", 1.5, RO, (_s("reject", "merchant", ANSWER),), S.REJECTED),
    _sc("refund_only.withdrawn", 1.5, RO, (_s("withdraw", "consumer", WITHDRAW),), S.CLOSED),
    _sc("return.review", 8, RR, (), S.MERCHANT_REVIEW),
    _sc("return.awaiting", 7, RR, (APPROVE,), S.AWAITING_RETURN_SHIPMENT),
    _sc("return.in_transit", 6, RR, (APPROVE, SHIP_RETURN), S.RETURN_IN_TRANSIT),
    _sc("return.delivered", 5, RR, (APPROVE, SHIP_RETURN, DELIVERED), S.RETURN_DELIVERED),
    _sc("return.refund_pending", 4, RR, BACK, S.REFUND_PENDING),
    _sc("return.refunded", 14, RR, (*BACK, _s("refund", "merchant", PAY)), S.REFUNDED),
    _sc(
        "return.refunded_automatically",
        2,
        RR,
        (AUTO, SHIP_RETURN, DELIVERED, AUTO, _s("refund", "merchant", PAY)),
        S.REFUNDED,
    ),
    _sc("return.rejected", 4, RR, (_s("reject", "merchant", ANSWER),), S.REJECTED),
    _sc(
        "return.rejected_after_inspection",
        1,
        RR,
        (APPROVE, SHIP_RETURN, DELIVERED, _s("reject", "merchant", CONFIRM)),
        S.REJECTED,
    ),
    # Disputed cases come from the disputes app's demo: a case is disputed only through a dispute.
    _sc(
        "return.revised",
        1,
        RR,
        (_s("reject", "merchant", ANSWER), _s("revise", "consumer", REACT)),
        S.MERCHANT_REVIEW,
    ),
    _sc("return.withdrawn", 3, RR, (_s("withdraw", "consumer", WITHDRAW),), S.CLOSED),
    _sc(
        "return.withdrawn_after_approval",
        1,
        RR,
        (APPROVE, _s("withdraw", "consumer", SHIP)),
        S.CLOSED,
    ),
    _sc("return.not_shipped", 2, RR, (APPROVE, AUTO), S.CLOSED),
    _sc("return.rejection_lapsed", 1.5, RR, (_s("reject", "merchant", ANSWER), AUTO), S.CLOSED),
    _sc("exchange.review", 2, EX, (), S.MERCHANT_REVIEW),
    _sc("exchange.awaiting", 2, EX, (APPROVE,), S.AWAITING_RETURN_SHIPMENT),
    _sc("exchange.received", 1, EX, BACK, S.RECEIVED),
    _sc(
        "exchange.shipped",
        2.5,
        EX,
        (*BACK, _s("ship_replacement", "merchant", SHIP_BACK)),
        S.REPLACEMENT_SHIPPED,
    ),
    _sc(
        "exchange.completed",
        3,
        EX,
        (
            *BACK,
            _s("ship_replacement", "merchant", SHIP_BACK),
            _s("confirm_done", "consumer", DONE),
        ),
        S.COMPLETED,
    ),
    _sc("repair.awaiting", 1.5, RP, (APPROVE,), S.AWAITING_RETURN_SHIPMENT),
    _sc(
        "repair.in_repair",
        2.5,
        RP,
        (*BACK, _s("start_repair", "merchant", CONFIRM)),
        S.IN_REPAIR,
    ),
    _sc(
        "repair.shipped",
        1.5,
        RP,
        (*BACK, _s("start_repair", "merchant", CONFIRM), _s("ship_repaired", "merchant", REPAIR)),
        S.REPAIRED_SHIPPED,
    ),
    _sc(
        "repair.completed",
        2,
        RP,
        (
            *BACK,
            _s("start_repair", "merchant", CONFIRM),
            _s("ship_repaired", "merchant", REPAIR),
            AUTO,
        ),
        S.COMPLETED,
    ),
]
# A few cases whose deadline has passed and not fired yet (made last: see ``demo_cases``).
OVERDUE: list[Scenario] = [
    Scenario("overdue.review", 1, RR + RO, (), S.MERCHANT_REVIEW, overdue=True),
    Scenario("overdue.return", 1, RR, (APPROVE,), S.AWAITING_RETURN_SHIPMENT, overdue=True),
    Scenario("overdue.receipt", 1, RR, (APPROVE, SHIP_RETURN, DELIVERED), S.RETURN_DELIVERED, True),
    Scenario("overdue.refund", 1, RO, (APPROVE,), S.REFUND_PENDING, overdue=True),
]
OVERDUE_SHARE = 0.025
BY_NAME = {s.name: s for s in [*SCENARIOS, *OVERDUE]}
# The demo consumer's requests: one waiting for the return parcel and one rejected at least,
# with the request types widened so that the few orders of one person suffice.
CONSUMER_PLANS: list[tuple[str, tuple[str, ...]]] = [
    ("return.awaiting", RETURNS),
    ("return.rejected", (*RETURNS, T.REFUND_ONLY)),
    ("return.refunded", (T.RETURN_REFUND, T.REFUND_ONLY)),
    ("return.in_transit", RETURNS),
    ("exchange.completed", (T.EXCHANGE, T.REPAIR)),
    ("return.review", (*RETURNS, T.REFUND_ONLY)),
]


Plan = tuple[str, Scenario, tuple[str, ...]]  # pool name, scenario, request types to try


def plans(rng: random.Random, count: int, *, consumer: bool, demo_merchant: bool) -> list[Plan]:
    """What to make, in order: the demo consumer's requests, then the scenarios in proportion to
    their weights (the demo merchant's share among them), then the overdue ones."""
    theirs: list[Plan] = []
    if consumer and count > 0:
        wanted = min(CONSUMER_CASES, max(2, count // 10), count)
        theirs = [("consumer", BY_NAME[name], types) for name, types in CONSUMER_PLANS[:wanted]]
    rest = count - len(theirs)
    overdue_count = min(rest, max(1 if rest >= 20 else 0, round(rest * OVERDUE_SHARE)))
    scenarios = _allocate(rng, SCENARIOS, rest - overdue_count)
    rng.shuffle(scenarios)
    overdue = [OVERDUE[i % len(OVERDUE)] for i in range(overdue_count)]
    demo = round(count * DEMO_MERCHANT_SHARE) if demo_merchant else 0
    # Half the overdue ones (at least one) are the demo merchant's, so its queue shows them.
    demo_overdue = min(len(overdue), max(1, len(overdue) // 2)) if demo else 0
    split = max(0, demo - demo_overdue)
    made: list[Plan] = [("demo", s, _types(rng, s)) for s in scenarios[:split]]
    made += [("others", s, _types(rng, s)) for s in scenarios[split:]]
    # Overdue ones last: until then, a deadline that has fallen due belongs to the case being
    # made, so the sweeper run of an automatic step fires nothing else.
    made += [("demo", s, _types(rng, s)) for s in overdue[:demo_overdue]]
    made += [("others", s, _types(rng, s)) for s in overdue[demo_overdue:]]
    return theirs + made


def _types(rng: random.Random, scenario: Scenario) -> tuple[str, ...]:
    """The scenario's request types, the first to try drawn by chance."""
    return tuple(rng.sample(scenario.types, len(scenario.types)))


def _allocate(rng: random.Random, scenarios: list[Scenario], count: int) -> list[Scenario]:
    """``count`` scenarios in proportion to their weights (largest remainders, ties by chance)."""
    if count <= 0:
        return []
    total = sum(s.weight for s in scenarios)
    shares = [count * s.weight / total for s in scenarios]
    numbers = [int(x) for x in shares]
    order = sorted(range(len(scenarios)), key=lambda i: (numbers[i] - shares[i], rng.random()))
    for i in order[: count - sum(numbers)]:
        numbers[i] += 1
    return [s for s, n in zip(scenarios, numbers, strict=True) for _ in range(n)]


_DEFAULT_POLICY = SimpleNamespace(policy=PLATFORM_DEFAULT)
# The state each action leads to (a return's type decides only after receipt, not needed here),
# and what the deadline of a state does when it fires.
AFTER: dict[str, str] = {
    "approve": S.AWAITING_RETURN_SHIPMENT,
    "reject": S.REJECTED,
    "escalate": S.DISPUTED,
    "revise": S.MERCHANT_REVIEW,
    "ship_return": S.RETURN_IN_TRANSIT,
    "mark_delivered": S.RETURN_DELIVERED,
    "confirm_receipt": S.RECEIVED,
    "start_repair": S.IN_REPAIR,
    "ship_repaired": S.REPAIRED_SHIPPED,
    "ship_replacement": S.REPLACEMENT_SHIPPED,
}
FIRES: dict[str, str] = {state: starts[0].action for state, starts in DEADLINES.items()}
FINISHED = frozenset({S.REFUNDED, S.COMPLETED, S.CLOSED})


def _deadline_of(state: str) -> timedelta | None:
    starts = DEADLINES.get(state)
    return starts[0].delay(_DEFAULT_POLICY) if starts else None


@cache
def _states_before(scenario: Scenario) -> tuple[str, ...]:
    """The state a case is in when each step of the scenario happens (the same for every case)."""
    state, before = str(S.MERCHANT_REVIEW), []
    for step in scenario.steps:
        before.append(state)
        action = FIRES.get(state, "") if step.action == "sweep" else step.action
        state = AFTER.get(action, S.CLOSED)
    return tuple(before)


def _hours(rng: random.Random, bounds: tuple[float, float]) -> timedelta:
    return timedelta(hours=rng.uniform(*bounds))


def timeline(rng: random.Random, now: datetime, scenario: Scenario) -> list[datetime]:
    """When ``open`` and each step happened, planned backwards from where the case stands today:
    a deadline ahead (in its last quarter for some), overdue, or finished some time ago."""
    due = _deadline_of(scenario.final)
    if scenario.final in FINISHED:
        age = timedelta(days=rng.uniform(*TERMINAL_DAYS))
    elif due is None:
        age = _hours(rng, RESTING.get(scenario.final, (1.0, 48.0)))
    elif scenario.overdue:
        age = due + _hours(rng, (1.0, 30.0))
    elif rng.random() < AT_RISK_SHARE:
        age = min(due * rng.uniform(0.76, 0.97), due - 2 * HOUR)
    else:
        age = due * rng.uniform(0.02, 0.7)
    times = [now - age]
    for step, state in zip(
        reversed(scenario.steps), reversed(_states_before(scenario)), strict=True
    ):
        if step.action == "sweep":  # the deadline of the state before falls due, then fires
            gap = (_deadline_of(state) or HOUR) + _hours(rng, (0.02, 0.3))
        else:
            gap = _hours(rng, step.hours)
        times.append(times[-1] - gap)
    return times[::-1]


def window(case_type: str, reason: str) -> timedelta:
    """How long after signing such a request can be opened (platform rules; the engine has the
    last word)."""
    if reason in CONSUMER_CHOICE:
        days = PLATFORM_DEFAULT["no_reason_days"]
    elif case_type in (T.REPAIR, T.WARRANTY):
        days = PLATFORM_DEFAULT["repair_days"]
    elif case_type == T.EXCHANGE:
        days = PLATFORM_DEFAULT["exchange_days"]
    else:
        days = PLATFORM_DEFAULT["quality_return_days"]
    return timedelta(days=days)
