"""Playing one story through the services: an order line it fits, the request opened and rejected
(cases services), the dispute opened and every step taken (disputes services), each with the
clock frozen at the moment it happened; a deadline falling due is applied as the sweeper does."""

from __future__ import annotations

import bisect
import random
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max

from anxin.cases.demo.scenarios import window
from anxin.cases.demo.vocab import DESCRIPTIONS
from anxin.cases.inputs import CaseOpenIn
from anxin.cases.models import Case
from anxin.cases.services import case_act, case_open
from anxin.catalog.models import Merchant, OrderLine
from anxin.core import clock
from anxin.core.actors import SYSTEM, Actor
from anxin.core.deadlines import deadlines_open_for
from anxin.core.errors import DomainError
from anxin.core.models import Deadline, DeadlineState
from anxin.core.workflow import GuardFailed, transition

from ..choices import ProposalStatus, Remedy
from ..deposit import required_for
from ..execution import refundable_cap
from ..models import DepositEntry, Dispute, Proposal
from ..services import (
    deposit_top_up_record,
    dispute_act,
    dispute_evidence_add,
    dispute_open,
    jury_vote,
    proposal_answer,
)
from ..workflow import DISPUTE_WORKFLOW
from .cast import OPERATOR, Cast, user_actor
from .photos import demo_photo
from .stories import Step, Story

MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)
REVIEW = timedelta(hours=40)  # the merchant rejects inside its 48 hours (P-2/P-3)
REJECTED_FOR = timedelta(days=13)  # the consumer disputes inside the 15 days of P-7
LOOK_BACK = timedelta(days=75)  # lines signed for since then can carry a story
MIN_PAID = Decimal("30.00")
TRIES = 6  # lines tried per request type
DEPOSIT_PAID = timedelta(days=88)  # the shops paid their deposits before the stories
CENT = Decimal("0.01")
# Deadlines that always act when they fall due (negotiation's only while the merchant is silent;
# the service targets of mediation, arbitration and an appeal never do).
ACTING = frozenset(
    {"negotiation_lapse", "evidence_round", "execution", "appeal_window", "jury", "suspension"}
)


class StoryFailed(Exception):
    """The story could not be played (no line fits, or a step was refused)."""


@dataclass(frozen=True)
class Line:
    id: int
    order_ref: str
    ref: str
    order_id: int
    merchant_id: int
    customer_id: int
    item: str
    root: str  # the root category's code
    signed: datetime


@dataclass
class Pools:
    """Lines a story can be played on, by whose they are, sorted by signing time."""

    lines: dict[str, list[Line]] = field(default_factory=dict)
    keys: dict[str, list[datetime]] = field(default_factory=dict)
    used: set[int] = field(default_factory=set)  # orders

    def between(self, pool: str, start: datetime, end: datetime) -> list[Line]:
        keys = self.keys.get(pool, [])
        found = self.lines.get(pool, [])[
            bisect.bisect_left(keys, start) : bisect.bisect_right(keys, end)
        ]
        return [ln for ln in found if ln.order_id not in self.used]


def pools_load(cast: Cast, now: datetime) -> Pools:
    """Paid, signed-for lines of orders without a request yet: the demo consumer's (less their
    latest order, left for opening a request live), the demo merchant's and everyone else's (not
    people with a login of their own, such as the panel volunteers)."""
    rows = (
        OrderLine.objects.filter(
            is_gift=False,
            paid_amount__gte=MIN_PAID,
            delivery_lines__delivery__signed_at__gte=now - LOOK_BACK,
        )
        .exclude(order_id__in=Case.unscoped.values("order_id"))
        .exclude(delivery_lines__delivery__signed_at__isnull=True)
        .annotate(signed=Max("delivery_lines__delivery__signed_at"))
        .values_list(
            "pk", "order__external_id", "external_id", "order_id", "order__merchant_id",
            "order__customer_id", "sku__name", "sku__category__code", "signed",
            "order__customer__user_id",
        )
        .order_by("signed", "pk")
    )  # fmt: skip
    mine = cast.consumer.customer_ids if cast.consumer is not None else frozenset()
    pools = Pools()
    for pk, order_ref, ref, order_id, merchant_id, customer_id, item, code, signed, user_id in rows:
        root = code.split("-", 1)[0]
        line = Line(pk, order_ref, ref, order_id, merchant_id, customer_id, item, root, signed)
        if customer_id in mine:
            name = "consumer"
        elif user_id is not None:
            continue
        elif merchant_id == cast.demo_merchant_id:
            name = "demo"
        else:
            name = "others"
        pools.lines.setdefault(name, []).append(line)
    consumer_lines = pools.lines.get("consumer", [])
    if consumer_lines:
        latest = consumer_lines[-1].order_id
        pools.lines["consumer"] = [ln for ln in consumer_lines if ln.order_id != latest]
    pools.keys = {name: [ln.signed for ln in lines] for name, lines in pools.lines.items()}
    return pools


@dataclass(frozen=True)
class Made:
    name: str
    number: str
    status: str
    next: str
    stand_in: bool  # played on someone else's order: no order of the demo login's fitted


def story_play(rng: random.Random, story: Story, cast: Cast, pools: Pools, now: datetime) -> Made:
    """The story in one transaction (all or nothing), committed at the time of its last step."""
    opened_at = now - timedelta(hours=story.opened)
    with ExitStack() as stack, transaction.atomic():
        case, line, pool = _request(rng, story, cast, pools, opened_at)
        player = _Player(rng, story, cast, line, now)
        dispute = player.open(case, opened_at)
        for step in story.steps:
            dispute = player.step(dispute, step)
        if dispute.status != story.status:
            raise StoryFailed(f"ended {dispute.status}, not {story.status}")
        # auto_now stamps the real time; both last changed at the story's last step.
        Case.unscoped.filter(pk=case.pk).update(updated_at=player.at)
        Dispute.unscoped.filter(pk=dispute.pk).update(updated_at=player.at)
        # The commit (refund provider calls, notifications) happens at the last step's time.
        stack.enter_context(clock.frozen(player.at))
    pools.used.add(line.order_id)
    return Made(story.name, dispute.number, dispute.status, story.next, pool != story.pool)


# --- the request the dispute grows out of ---------------------------------------------------------


def _request(
    rng: random.Random, story: Story, cast: Cast, pools: Pools, disputed: datetime
) -> tuple[Case, Line, str]:
    """Open and reject a request that fits the story: on the story's pool (else anyone's), of the
    kinds of goods its texts are about when it names them (else of any)."""
    names = [story.pool] if story.pool == "others" else [story.pool, "others"]
    kinds = [frozenset(story.roots), frozenset()] if story.roots else [frozenset()]
    for pool, roots in ((pool, roots) for pool in names for roots in kinds):
        for case_type, reason in story.requests:
            span = window(case_type, reason)
            lines = [
                ln
                for ln in pools.between(
                    pool, disputed - REJECTED_FOR - REVIEW - span + 12 * HOUR, disputed - 4 * HOUR
                )
                if not roots or ln.root in roots
            ]
            for line in rng.sample(lines, min(TRIES, len(lines))):
                times = _times(rng, line, disputed, span)
                if times is None:
                    continue
                case = _open_and_reject(rng, story, cast, line, case_type, reason, *times)
                if case is not None:
                    return case, line, pool
    raise StoryFailed("no order line fits")


def _times(
    rng: random.Random, line: Line, disputed: datetime, span: timedelta
) -> tuple[datetime, datetime] | None:
    """When the request was opened (inside its window after signing) and rejected (inside the
    merchant's review time, and early enough for the dispute to be inside P-7)."""
    low = max(line.signed + HOUR, disputed - REJECTED_FOR - REVIEW)
    high = min(line.signed + span - 12 * HOUR, disputed - 3 * HOUR)
    if low > high:
        return None
    opened = low + (high - low) * rng.random()
    first = max(opened + 30 * MINUTE, disputed - REJECTED_FOR)
    last = min(opened + REVIEW, disputed - HOUR)
    return opened, first + (last - first) * rng.random() ** 2


def _open_and_reject(
    rng: random.Random, story: Story, cast: Cast, line: Line, case_type: str, reason: str,
    opened: datetime, rejected: datetime,
) -> Case | None:  # fmt: skip
    data = CaseOpenIn(
        order=line.order_ref,
        line=line.ref,
        type=case_type,  # type: ignore[arg-type]
        reason=reason,
        description=rng.choice(DESCRIPTIONS.get(reason, [""])),
    )
    try:
        with transaction.atomic():
            with clock.frozen(opened):
                case = case_open(actor=cast.consumer_for(line.customer_id), data=data)
            _deposit_paid(line.merchant_id, cast, opened)
            with clock.frozen(rejected):
                merchant = cast.merchant_for(rng, line.merchant_id)
                case_act(actor=merchant, case=case, action="reject",
                         payload={"reason": story.rejection})  # fmt: skip
    except DomainError:
        return None
    return Case.unscoped.get(pk=case.pk)


def _deposit_paid(merchant_id: int, cast: Cast, opened: datetime) -> None:
    """The shop's deposit, paid in long before: the amount agreed at admission (the required
    minimum), so an advance compensation leaves the demo merchant short."""
    if DepositEntry.unscoped.filter(merchant_id=merchant_id).exists():
        return
    merchant = Merchant.objects.only("code", "deposit_amount").get(pk=merchant_id)
    amount = required_for(merchant_id)
    at = opened - DEPOSIT_PAID
    with clock.frozen(at):
        deposit_top_up_record(
            actor=OPERATOR,
            merchant_id=merchant_id,
            payload={"amount": str(amount), "reference": f"BZJ{at:%Y%m%d}-{merchant.code}"},
        )


# --- the dispute's steps --------------------------------------------------------------------------


def _share(amount: Decimal, share: float) -> Decimal:
    value = (amount * Decimal(str(share))).quantize(CENT, rounding=ROUND_HALF_UP)
    return max(value, CENT)


class _Player:
    def __init__(self, rng: random.Random, story: Story, cast: Cast, line: Line, now: datetime):
        self.rng, self.story, self.cast, self.line, self.now = rng, story, cast, line, now
        self.consumer = cast.consumer_for(line.customer_id)
        self.merchant = cast.merchant_for(rng, line.merchant_id)
        self.at = now

    def open(self, case: Case, at: datetime) -> Dispute:
        story = self.story
        payload: dict[str, Any] = {
            "claim": story.claim,
            "statement": story.statement.format(item=self.line.item),
        }
        if story.claim != Remedy.FULL_REFUND:
            cap = refundable_cap(Case.unscoped.select_related("line").get(pk=case.pk))
            amount = _share(cap, story.claim_share)
            if story.claim_max is not None:
                amount = min(amount, story.claim_max)
            payload["amount"] = str(amount)
        self.at = at
        with clock.frozen(at):
            return dispute_open(actor=self.consumer, case=case, payload=payload)

    def step(self, dispute: Dispute, step: Step) -> Dispute:
        if step.action == "fire":
            return self._fire(dispute)
        at = self.now - timedelta(hours=step.ago or 0)
        self.at = max(at, self.at + MINUTE)
        self._inside_deadlines(dispute)
        with clock.frozen(self.at):
            self._act(dispute, step)
        return Dispute.unscoped.get(pk=dispute.pk)

    def _inside_deadlines(self, dispute: Dispute) -> None:
        """A story never has anyone act after a deadline that would have acted first."""
        due, kind = dispute.due_at, dispute.due_kind
        acting = kind in ACTING or (kind == "negotiation" and dispute.merchant_answered_at is None)
        if due is not None and acting and self.at >= due:
            raise StoryFailed(f"a step at {self.at:%m-%d %H:%M} comes after the {kind} deadline")

    def _who(self, dispute: Dispute, who: str) -> Actor:
        cast = self.cast
        if who == "consumer":
            return self.consumer
        if who == "merchant":
            return self.merchant
        if who == "agent":
            return cast.agent
        if who == "arbitrator":
            user_id = dispute.appeal_arbitrator_id if dispute.appealed_by else dispute.arbitrator_id
            return user_actor(user_id, cast.arbitrator)
        if who.startswith("juror"):
            index = int(who.removeprefix("juror")) - 1
            if index >= len(cast.jurors):
                raise StoryFailed("no panel volunteers")
            return cast.jurors[index]
        raise ValueError(who)

    def _act(self, dispute: Dispute, step: Step) -> None:
        actor = self._who(dispute, step.who)
        data = dict(step.data)
        if "share" in data:
            data["amount"] = str(_share(dispute.claim_amount, data.pop("share")))
        action = step.action
        if action == "photo":
            stream = demo_photo(self.rng)
            dispute_evidence_add(actor=actor, dispute=dispute, stream=stream, note=data["note"])
        elif action in ("accept", "decline"):
            proposal = (
                Proposal.objects.filter(dispute=dispute, status=ProposalStatus.OPEN)
                .exclude(by_party=step.who)
                .order_by("-pk")
                .first()
            )
            if proposal is None:
                raise StoryFailed("no proposal to answer")
            proposal_answer(
                actor=actor, dispute=dispute, accept=action == "accept",
                payload={"proposal": proposal.pk, "reason": data.get("reason", "")},
            )  # fmt: skip
        elif action == "vote":
            jury_vote(actor=actor, dispute=dispute, payload=data)
        else:
            dispute_act(actor=actor, dispute=dispute, action=action, payload=data)

    def _fire(self, dispute: Dispute) -> Dispute:
        """The dispute's pending deadline falls due and is applied as the sweeper applies it: of
        two due together (an evidence round's two ends), the one whose guard refuses is a
        recorded no-op and the other acts."""
        pending = list(
            deadlines_open_for(subject_type=DISPUTE_WORKFLOW.model_label, subject_id=dispute.pk)
        )
        if not pending:
            raise StoryFailed(f"no deadline pending in {dispute.status}")
        self.at = max(pending[0].due_at + 2 * MINUTE, self.at + MINUTE)
        if self.at >= self.now:
            raise StoryFailed(f"the {pending[0].kind} deadline is not due yet")
        for deadline in (d for d in pending if d.due_at == pending[0].due_at):
            try:
                with clock.frozen(self.at), transaction.atomic():
                    transition(
                        DISPUTE_WORKFLOW,
                        subject=dispute.pk,
                        action=deadline.action,
                        actor=SYSTEM,
                        reason=deadline.rule or deadline.kind,
                        data={"deadline": deadline.pk, "kind": deadline.kind, "auto": True},
                        expected_version=deadline.armed_version
                        if deadline.cancel_on_transition
                        else None,
                    )
            except GuardFailed as exc:
                Deadline.objects.filter(pk=deadline.pk).update(
                    state=DeadlineState.NOOP, fired_at=self.at, outcome=f"{exc.code}: {exc}"[:300]
                )
                continue
            Deadline.objects.filter(pk=deadline.pk).update(
                state=DeadlineState.FIRED, fired_at=self.at, outcome="applied"
            )
            return Dispute.unscoped.get(pk=dispute.pk)
        raise StoryFailed(f"no {pending[0].kind} deadline could act in {dispute.status}")
