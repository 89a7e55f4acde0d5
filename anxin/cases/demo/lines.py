"""The order lines demo cases can be opened on, grouped by whose they are, and the few that suit a
request of some type at some moment (the eligibility engine decides when the case is opened)."""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Min

from anxin.catalog.models import DeliveryLine, OrderLine

from .scenarios import window
from .vocab import CONSUMER_CHOICE, REASONS, T

MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)
TRIES = 8  # candidate lines per request type and timing


@dataclass(frozen=True)
class Line:
    """What the planner needs to know about an order line."""

    id: int
    order_id: int
    order_ref: str
    ref: str
    merchant_id: int
    customer_id: int
    quantity: int
    root: str  # root category code
    no_reason: bool  # not excluded from no-reason returns by its category (art. 6)
    repairable: bool
    shipped: bool
    ready_at: datetime  # the earliest a request makes sense: signed for, shipped or paid


@dataclass
class Pool:
    """Lines to choose from: signed-for ones by signing time, the others by ``ready_at``."""

    signed: list[Line] = field(default_factory=list)
    waiting: list[Line] = field(default_factory=list)  # not shipped or not signed for yet
    _signed_keys: list[datetime] = field(default_factory=list)
    _waiting_keys: list[datetime] = field(default_factory=list)

    def sort(self) -> None:
        self.signed.sort(key=lambda ln: (ln.ready_at, ln.id))
        self.waiting.sort(key=lambda ln: (ln.ready_at, ln.id))
        self._signed_keys = [ln.ready_at for ln in self.signed]
        self._waiting_keys = [ln.ready_at for ln in self.waiting]

    def signed_between(self, start: datetime, end: datetime) -> list[Line]:
        keys = self._signed_keys
        return self.signed[bisect.bisect_left(keys, start) : bisect.bisect_right(keys, end)]

    def waiting_before(self, end: datetime) -> list[Line]:
        return self.waiting[: bisect.bisect_right(self._waiting_keys, end)]


def line_pools(*, consumer_ids: frozenset[int], demo_merchant_id: int | None) -> dict[str, Pool]:
    """Non-gift lines by who may get a case on them: the demo consumer's (less their latest
    signed-for order, left for opening a request live in the demo), the demo merchant's and the
    others' (those two without the demo consumer's)."""
    parcels = {
        row["line_id"]: row
        for row in DeliveryLine.objects.values("line_id").annotate(
            signed=Min("delivery__signed_at"), shipped=Min("delivery__shipped_at")
        )
    }
    unsigned = set(
        DeliveryLine.objects.filter(delivery__signed_at__isnull=True).values_list(
            "line_id", flat=True
        )
    )
    pools = {"consumer": Pool(), "demo": Pool(), "others": Pool()}
    rows = (
        OrderLine.objects.filter(is_gift=False)
        .order_by("pk")
        .values(
            "pk",
            "order_id",
            "external_id",
            "quantity",
            "order__external_id",
            "order__merchant_id",
            "order__customer_id",
            "order__placed_at",
            "sku__category__code",
            "sku__category__is_custom_made",
            "sku__category__is_perishable",
            "sku__category__is_digital",
            "sku__category__is_periodical",
        )
    )
    for row in rows:
        parcel = parcels.get(row["pk"])
        signed = parcel["signed"] if parcel and row["pk"] not in unsigned else None
        if signed is not None:
            ready = signed + HOUR
        else:
            ready = parcel["shipped"] if parcel else row["order__placed_at"] + 10 * MINUTE
        perishable, digital = row["sku__category__is_perishable"], row["sku__category__is_digital"]
        line = Line(
            id=row["pk"],
            order_id=row["order_id"],
            order_ref=row["order__external_id"],
            ref=row["external_id"],
            merchant_id=row["order__merchant_id"],
            customer_id=row["order__customer_id"],
            quantity=row["quantity"],
            root=row["sku__category__code"].split("-", 1)[0],
            no_reason=not (
                perishable
                or digital
                or row["sku__category__is_custom_made"]
                or row["sku__category__is_periodical"]
            ),
            repairable=not (perishable or digital),
            shipped=parcel is not None,
            ready_at=ready,
        )
        if line.customer_id in consumer_ids:
            name = "consumer"
        elif line.merchant_id == demo_merchant_id:
            name = "demo"
        else:
            name = "others"
        pool = pools[name]
        (pool.signed if signed is not None else pool.waiting).append(line)
    mine = pools["consumer"]
    if mine.signed:
        latest = max(mine.signed, key=lambda ln: (ln.ready_at, ln.id)).order_id
        mine.signed = [ln for ln in mine.signed if ln.order_id != latest]
        mine.waiting = []
    for pool in pools.values():
        pool.sort()
    if not consumer_ids:
        del pools["consumer"]
    return pools


def _fits(line: Line, case_type: str, reason: str) -> bool:
    if reason in CONSUMER_CHOICE and not line.no_reason:
        return False
    return line.repairable or case_type not in (T.REPAIR, T.WARRANTY)


def candidates(
    rng: random.Random, pool: Pool, case_type: str, opened: datetime, used: set[int]
) -> list[tuple[Line, str]]:
    """A few (line, reason) a request of this type could be opened on at ``opened``."""
    reasons = REASONS[case_type]
    reason = rng.choices([r for r, _ in reasons], weights=[w for _, w in reasons])[0]
    found: list[tuple[Line, str]] = []
    if case_type == T.REFUND_ONLY and rng.random() < 0.4:
        # Before the parcel arrives (仅退款): a late parcel, or ordered by mistake.
        waiting = [ln for ln in pool.waiting_before(opened) if ln.order_id not in used]
        for line in rng.sample(waiting, min(2, len(waiting))):
            why = "logistics/not_received" if line.shipped else "no_reason/bought_wrong"
            found.append((line, why))
    start = opened - window(case_type, reason) + HOUR
    lines = [
        ln
        for ln in pool.signed_between(start, opened)
        if ln.order_id not in used and _fits(ln, case_type, reason)
    ]
    for line in rng.sample(lines, min(TRIES, len(lines))):
        fit = reason in CONSUMER_CHOICE and line.root == "apparel" and rng.random() < 0.5
        found.append((line, "size_fit" if fit else reason))
    return found
