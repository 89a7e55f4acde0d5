"""The thresholds that act: which step of the ladder a merchant's scores call for today.

The ladder is warn → restrict → deposit increase → exit (proposed). Rules, all documented for
the shop on its credit page:

- a step is taken when the score has been below its threshold on ``days`` days running, today
  included (a day without a snapshot breaks the run);
- one step per merchant per day, and only the lowest step not yet in force: a shop is warned
  before it is restricted (the merchant lifecycle demands it), restricted before its deposit
  rises, and an exit is only ever *proposed* once the shop is restricted;
- a step overturned on appeal, lifted by the platform or (an exit) declined is not taken again
  for the threshold's ``grace_days``;
- nothing here ends a shop: an exit is proposed to the platform's administrators, who review
  the shop and decide (a score alone never decides an exit — PIPL art. 24 and DOMAIN §8).

Warned and restricted come from the merchant's status (an administrator may warn or lift by
hand in the console); a deposit increase and an exit proposal from the sanctions in force.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from anxin.catalog.choices import MerchantStatus

from .choices import ACTIVE_STATUSES, LADDER, SanctionStatus, Step

# Steps the merchant's status says are in force.
BY_STATUS: dict[Step, frozenset[str]] = {
    Step.WARN: frozenset({MerchantStatus.WARNED, MerchantStatus.RESTRICTED}),
    Step.RESTRICT: frozenset({MerchantStatus.RESTRICTED}),
}
# Steps the system cannot skip: the merchant lifecycle goes active → warned → restricted.
LIFECYCLE = frozenset({Step.WARN, Step.RESTRICT})
ENDED = frozenset({SanctionStatus.OVERTURNED, SanctionStatus.LIFTED, SanctionStatus.DISMISSED})


@dataclass(frozen=True)
class Rule:
    step: Step
    below: Decimal
    days: int
    grace_days: int = 30


@dataclass(frozen=True)
class PastSanction:
    step: str
    status: str
    day: date
    decided_at: datetime | None


def below_for(scores: Mapping[date, Decimal], *, day: date, rule: Rule) -> bool:
    """The score was below the rule's threshold on each of its ``days`` days up to ``day``."""
    for back in range(rule.days):
        score = scores.get(day - timedelta(days=back))
        if score is None or score >= rule.below:
            return False
    return True


def _in_force(step: Step, status: str, past: list[PastSanction]) -> bool:
    if step in BY_STATUS:
        return status in BY_STATUS[step]
    return any(p.step == step and p.status in ACTIVE_STATUSES for p in past)


def _in_grace(step: Step, past: list[PastSanction], rule: Rule, now: datetime) -> bool:
    since = now - timedelta(days=rule.grace_days)
    return any(
        p.step == step and p.status in ENDED and p.decided_at is not None and p.decided_at >= since
        for p in past
    )


def next_step(
    *,
    status: str,
    scores: Mapping[date, Decimal],
    past: list[PastSanction],
    rules: Mapping[str, Rule],
    day: date,
    now: datetime,
) -> Step | None:
    """The step to take today, if any (see the module's rules)."""
    if status not in (MerchantStatus.ACTIVE, MerchantStatus.WARNED, MerchantStatus.RESTRICTED):
        return None
    if any(p.day == day for p in past):
        return None  # one step a day
    for step in LADDER:
        rule = rules.get(step)
        if rule is None:  # disabled
            if step in LIFECYCLE:
                return None
            continue
        if _in_force(step, status, past):
            continue
        if below_for(scores, day=day, rule=rule) and not _in_grace(step, past, rule, now):
            return step
        return None
    return None
