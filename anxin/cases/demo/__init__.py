"""Demo after-sales cases on top of the demo world (``manage.py demo_cases``, run by ``demo_data``).

Unlike the orders, cases are not bulk-inserted: each one is opened with ``case_open`` and moved on
with ``case_act``, the carrier push (``tracking_event_apply``) and the deadline sweeper, with the
clock frozen at the moment each step happened. So the events, deadlines, refunds, ledger rows,
notifications and audit rows are the ones the real code writes, and the history is believable:
the steps of a case are planned backwards from where it stands today (a deadline comfortably ahead,
in its last quarter — "at risk" — or a few already overdue), spread over the last 90 days.

Only lines the eligibility engine accepts at the chosen moment are opened; a line it refuses is
skipped and another is tried. The same seed on the same world gives the same cases.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from anxin.accounts.models import Membership, User
from anxin.accounts.services import actor_for_user
from anxin.catalog.demo.vocab import CARRIERS, COMMON_CARRIERS, PLACES, ROADS
from anxin.catalog.models import Merchant
from anxin.core import clock
from anxin.core.actors import Actor, Role
from anxin.core.errors import DomainError
from anxin.core.sweeper import deadline_sweep
from anxin.notifications.choices import Channel
from anxin.notifications.delivery import outbox_deliver
from anxin.notifications.models import OutboxMessage

from ..choices import CaseChannel, CaseStatus
from ..inputs import CaseOpenIn
from ..models import Case, ReturnAddress
from ..selectors import case_open_deadlines
from ..services import case_act, case_open, return_address_create, tracking_event_apply
from ..tracking import TrackingEvent, TrackingStatus
from .lines import Line, Pool, candidates, line_pools
from .scenarios import DEMO_MERCHANT_SHARE, Scenario, Step, plans, timeline
from .vocab import (
    AGENT_DECISIONS,
    CONTACTS,
    DESCRIPTIONS,
    NOTES_ISSUE,
    NOTES_OK,
    REJECTIONS,
    REJECTIONS_AFTER_INSPECTION,
    REVISIONS,
    WITHDRAWALS,
)

__all__ = ["DEMO_MERCHANT_SHARE", "demo_cases"]

# Seeding is run by an operator from the command line; actors without a login say so.
OPERATOR = Actor(role=Role.ADMIN, platform=True, label="demo_data")
MINUTE = timedelta(minutes=1)
TIMINGS = 4  # timings tried per plan before giving up on it


@dataclass
class Cast:
    """Who acts in the demo: the demo logins (when they exist) and stand-ins for everyone else."""

    demo_merchant_id: int | None
    merchant_users: list[Actor]
    consumer: Actor | None
    agent: Actor

    def consumer_for(self, line: Line) -> Actor:
        if self.consumer is not None and line.customer_id in self.consumer.customer_ids:
            return self.consumer
        return Actor(
            role=Role.CONSUMER, customer_ids=frozenset({line.customer_id}), label="demo_data"
        )

    def merchant_for(self, rng: random.Random, line: Line) -> Actor:
        if line.merchant_id == self.demo_merchant_id and self.merchant_users:
            return rng.choice(self.merchant_users)
        return Actor(
            role=Role.MERCHANT_STAFF, merchant_ids=frozenset({line.merchant_id}), label="demo_data"
        )


class _Skip(Exception):
    """This line or this timing does not work out: roll the case back and try another."""


def demo_cases(*, count: int, seed: int) -> int:
    """Open up to ``count`` demo cases through the services and move them to a realistic mix of
    states; returns how many were made (a plan no eligible line fits is left out). Each case is
    its own transaction."""
    rng = random.Random(seed)
    now = clock.now()
    cast = _cast()
    _addresses(rng, now)
    pools = line_pools(
        consumer_ids=cast.consumer.customer_ids if cast.consumer else frozenset(),
        demo_merchant_id=cast.demo_merchant_id,
    )
    outbox_from = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    used: set[int] = set()  # one case per order
    made = 0
    # Immediate delivery is off while seeding; the demo e-mails are delivered below instead.
    with override_settings(ANXIN_OUTBOX_DELIVER_ON_COMMIT=False):
        for pool_name, scenario, types in plans(
            rng,
            count,
            consumer=cast.consumer is not None,
            demo_merchant=cast.demo_merchant_id is not None,
        ):
            names = [pool_name, "others"] if pool_name == "demo" else [pool_name]
            for name in names:
                if name in pools and _make(rng, now, scenario, types, pools[name], cast, used):
                    made += 1
                    break
    _deliver_emails(outbox_from)
    return made


# --- the cast and the address book ------------------------------------------------------------


def _cast() -> Cast:
    names = ["merchant", "merchant_admin", "consumer", "agent"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    merchant_users = [users[n] for n in ("merchant", "merchant_admin") if n in users]
    demo_merchant = (
        Membership.objects.filter(user__in=merchant_users)
        .order_by("pk")
        .values_list("merchant_id", flat=True)
        .first()
    )
    consumer = actor_for_user(users["consumer"]) if "consumer" in users else None
    agent = users.get("agent")
    return Cast(
        demo_merchant_id=demo_merchant,
        merchant_users=[
            a for a in map(actor_for_user, merchant_users) if demo_merchant in a.merchant_ids
        ],
        consumer=consumer if consumer is not None and consumer.customer_ids else None,
        agent=actor_for_user(agent)
        if agent is not None
        else Actor(role=Role.AGENT, platform=True, label="demo_data"),
    )


def _channel_of(line: Line) -> str:
    """Where the demo consumer opened the request: mostly the website and the app, one in ten
    through the assistant. Derived from the line, so the seeded random sequence is untouched."""
    bucket = zlib.crc32(line.ref.encode()) % 20
    if bucket < 11:
        return CaseChannel.WEB
    return CaseChannel.APP if bucket < 18 else CaseChannel.ASSISTANT


def _addresses(rng: random.Random, now: datetime) -> None:
    """A return warehouse for every merchant that has none (set up long before the cases)."""
    have = ReturnAddress.objects.values("merchant_id")
    with clock.frozen(now - timedelta(days=120)):
        for merchant in Merchant.objects.exclude(pk__in=have).order_by("pk"):
            province, city, districts = rng.choice(PLACES)
            place = city if province == city else f"{province}{city}"
            street = f"{rng.choice(districts)}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
            return_address_create(
                actor=OPERATOR,
                merchant_id=merchant.pk,
                label=f"{city.removesuffix('市')}退货仓",
                contact_name=rng.choice(CONTACTS),
                phone=f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}",
                address=f"{place}{street} {merchant.name}售后部",
            )


def _make(
    rng: random.Random,
    now: datetime,
    scenario: Scenario,
    types: tuple[str, ...],
    pool: Pool,
    cast: Cast,
    used: set[int],
) -> Case | None:
    for _ in range(TIMINGS):
        times = timeline(rng, now, scenario)
        for case_type in types:
            for line, reason in candidates(rng, pool, case_type, times[0], used):
                case = _run(rng, now, scenario, case_type, reason, line, times, cast)
                if case is not None:
                    used.add(line.order_id)
                    return case
    return None


# --- playing one case through the services --------------------------------------------------------


def _run(
    rng: random.Random,
    now: datetime,
    scenario: Scenario,
    case_type: str,
    reason: str,
    line: Line,
    times: list[datetime],
    cast: Cast,
) -> Case | None:
    """Open the case and take its steps, each at its time; all or nothing."""
    quantity = line.quantity if line.quantity > 1 and rng.random() < 0.25 else 1
    data = CaseOpenIn(
        order=line.order_ref,
        line=line.ref,
        type=case_type,  # type: ignore[arg-type]
        reason=reason,
        quantity=quantity,
        description=rng.choice(DESCRIPTIONS.get(reason, [""])),
    )
    try:
        # The outer freeze holds while the transaction commits: what runs after the commit
        # (the refund provider call) happens at the time of the last step.
        with clock.frozen(times[-1]), transaction.atomic():
            with clock.frozen(times[0]):
                case = case_open(
                    actor=cast.consumer_for(line), data=data, channel=_channel_of(line)
                )
            at = times[0]
            for step, planned in zip(scenario.steps, times[1:], strict=True):
                at = max(planned, at + MINUTE)
                case, at = _step(rng, case, step, at, line, cast)
                if at > now:
                    raise _Skip
            if case.status != scenario.final:
                raise _Skip
            # auto_now stamps the real time; the case last changed at its last step.
            Case.objects.filter(pk=case.pk).update(updated_at=at)
    except (DomainError, _Skip):
        return None
    return case


def _step(
    rng: random.Random, case: Case, step: Step, at: datetime, line: Line, cast: Cast
) -> tuple[Case, datetime]:
    if step.action == "sweep":
        pending = case_open_deadlines(case).first()
        if pending is None:
            raise _Skip
        at = max(at, pending.due_at + timedelta(minutes=rng.uniform(1, 15)))
        version = case.state_version
        with clock.frozen(at):
            deadline_sweep(now=at)
        case = Case.objects.get(pk=case.pk)
        if case.state_version == version:
            raise _Skip
        return case, at
    if step.action == "mark_delivered":
        if not case.return_tracking_number:
            raise _Skip
        event = TrackingEvent(
            source="demo_data",
            carrier=case.return_carrier,
            tracking_number=case.return_tracking_number,
            status=TrackingStatus.DELIVERED,
            occurred_at=timezone.localtime(at),
            description="已签收，签收人：退货仓",
            event_key=f"{case.return_tracking_number}:delivered",
        )
        with clock.frozen(at):
            tracking_event_apply(event=event)
        return Case.objects.get(pk=case.pk), at
    actors: dict[str, Callable[[], Actor]] = {
        "consumer": lambda: cast.consumer_for(line),
        "merchant": lambda: cast.merchant_for(rng, line),
        "agent": lambda: cast.agent,
    }
    payload = _payload(rng, case, step)
    with clock.frozen(at):
        result = case_act(actor=actors[step.who](), case=case, action=step.action, payload=payload)
    return result.subject, at


def _tracking(rng: random.Random, code: str) -> tuple[str, str]:
    name, prefix, digits = CARRIERS[code]
    return name, f"{prefix}{rng.randrange(10 ** (digits - 1), 10**digits)}"


def _payload(rng: random.Random, case: Case, step: Step) -> dict[str, Any]:
    action = step.action
    if action == "approve" and step.who == "agent":
        return {"reason": rng.choice(AGENT_DECISIONS)}
    if action == "reject":
        texts = (
            REJECTIONS_AFTER_INSPECTION if case.status != CaseStatus.MERCHANT_REVIEW else REJECTIONS
        )
        return {"reason": rng.choice(texts)}
    if action == "withdraw":
        return {"reason": rng.choice(WITHDRAWALS)}
    if action == "revise":
        return {"description": rng.choice(REVISIONS)}
    if action == "ship_return":
        carrier, number = _tracking(rng, rng.choice(COMMON_CARRIERS))
        return {"carrier": carrier, "tracking_number": number}
    if action == "confirm_receipt":
        if rng.random() < 0.1:
            return {"inspection": "issue", "note": rng.choice(NOTES_ISSUE)}
        return {"inspection": "ok", "note": rng.choice(NOTES_OK)}
    if action in ("ship_replacement", "ship_repaired"):
        carrier, number = _tracking(rng, rng.choice(["sf", "zto", "yto", "jd"]))
        return {"carrier": carrier, "tracking_number": number}
    return {}


def _deliver_emails(after_pk: int) -> None:
    """Deliver the demo's e-mails (to the demo logins' ``.invalid`` addresses) to nowhere, so the
    development server does not print hundreds of past notifications to its console; webhooks,
    if a merchant has any, are left to the deliverer."""
    ids = list(
        OutboxMessage.objects.filter(pk__gt=after_pk, channel=Channel.EMAIL).values_list(
            "pk", flat=True
        )
    )
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            outbox_deliver(batch_size=len(chunk), ids=chunk)
