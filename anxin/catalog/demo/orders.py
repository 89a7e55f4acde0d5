"""Demo orders: built in memory with exact money, then written with a handful of bulk inserts."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any

from django.utils import timezone

from anxin.core.models import NumberSequence
from anxin.core.money import allocate

from ..choices import ConfirmationKind, ShopOrderStatus, TenderMethod
from ..models import (
    Delivery,
    DeliveryLine,
    Order,
    OrderLine,
    PaymentTender,
    PurchaseConfirmation,
)
from . import vocab
from .world import Item, Person, Store, customers_create

PREFIX = "OD"
DAYS = 90
ZERO = Decimal("0.00")
# Orders per hour of the day (Asia/Shanghai): a lunch bump and the evening peak.
HOURS = list(range(24))
HOUR_WEIGHTS = [6, 3, 2, 1, 1, 1, 2, 4, 6, 8, 10, 10, 10, 10, 9, 9, 9, 8, 8, 10, 14, 16, 14, 10]
LINE_COUNTS, LINE_COUNT_WEIGHTS = [1, 2, 3, 4], [50, 30, 14, 6]
QUANTITIES, QUANTITY_WEIGHTS = [1, 2, 3], [78, 16, 6]
PAY = [
    TenderMethod.ALIPAY,
    TenderMethod.WECHAT_PAY,
    TenderMethod.HUABEI,
    TenderMethod.UNIONPAY,
    TenderMethod.CARD,
    TenderMethod.BALANCE,
]
PAY_WEIGHTS = [45, 35, 7, 5, 5, 3]
# Cumulative weights, so the hot loop does not re-add the weights on every draw.
HOUR_CUM, LINE_COUNT_CUM, QUANTITY_CUM, PAY_CUM = (
    list(accumulate(w)) for w in (HOUR_WEIGHTS, LINE_COUNT_WEIGHTS, QUANTITY_WEIGHTS, PAY_WEIGHTS)
)
SECOND_PAY = [TenderMethod.COUPON, TenderMethod.COUPON, TenderMethod.POINTS, TenderMethod.BALANCE]
# Consumers usually confirm receipt themselves; the shop auto-completes 10 days after signing.
AUTO_COMPLETE = timedelta(days=10)


@dataclass
class Batch:
    """Everything one run inserts, in dependency order, and the last order number per day."""

    orders: list[Order] = field(default_factory=list)
    buyers: list[Person] = field(default_factory=list)  # who placed each order, in step
    lines: list[OrderLine] = field(default_factory=list)
    gifts: list[OrderLine] = field(default_factory=list)
    tenders: list[PaymentTender] = field(default_factory=list)
    confirmations: list[PurchaseConfirmation] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    delivery_lines: list[DeliveryLine] = field(default_factory=list)
    last_number: dict[date, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """What this batch adds (the data of the ``demo_data.load`` audit row)."""
        return {
            "orders": len(self.orders),
            "order_lines": len(self.lines) + len(self.gifts),
            "gift_lines": len(self.gifts),
            "tenders": len(self.tenders),
            "purchase_confirmations": len(self.confirmations),
            "deliveries": len(self.deliveries),
        }


def placed_times(rng: random.Random, count: int, now: datetime) -> list[datetime]:
    """``count`` aware local times in the last 90 days, never in the future, oldest first."""
    tz = timezone.get_default_timezone()
    today = timezone.localtime(now, tz).date()
    day_weights = [
        (1.25 - 0.5 * d / DAYS) * (1.25 if (today - timedelta(days=d)).weekday() >= 5 else 1.0)
        for d in range(DAYS)
    ]
    times = []
    for offset in rng.choices(range(DAYS), weights=day_weights, k=count):
        for attempt in range(30):
            hour = rng.choices(HOURS, cum_weights=HOUR_CUM)[0]
            moment = time(hour, rng.randrange(60), rng.randrange(60))
            day = today - timedelta(days=offset if attempt < 29 else offset + 1)
            at = datetime.combine(day, moment, tzinfo=tz)
            if at <= now:
                break
        times.append(at)
    times.sort()
    return times


def last_numbers(now: datetime) -> dict[date, int]:
    """The OD counters already handed out for the days the demo fills (locked until commit)."""
    since = timezone.localtime(now).date() - timedelta(days=DAYS + 1)
    rows = NumberSequence.objects.select_for_update(no_key=True).filter(
        prefix=PREFIX, day__gte=since
    )
    return {row.day: row.last for row in rows}


def sequences_bump(last_number: dict[date, int]) -> None:
    """Bring the OD counters up to the numbers the demo used, so ``number_next`` goes on from
    there instead of handing out a number that already exists."""
    rows = {s.day: s for s in NumberSequence.objects.filter(prefix=PREFIX, day__in=last_number)}
    changed, new = [], []
    for day, last in last_number.items():
        row = rows.get(day)
        if row is None:
            new.append(NumberSequence(prefix=PREFIX, day=day, last=last))
        elif row.last < last:
            row.last = last
            changed.append(row)
    NumberSequence.objects.bulk_update(changed, ["last"])
    NumberSequence.objects.bulk_create(new)


def _tenders(rng: random.Random, order: Order, total: Decimal) -> list[PaymentTender]:
    """One payment, or a payment plus a coupon / points / balance part (组合支付)."""
    primary = rng.choices(PAY, cum_weights=PAY_CUM)[0]
    if total <= 20 or rng.random() >= 0.3:
        return [PaymentTender(order=order, method=primary, amount=total)]
    method = rng.choice(SECOND_PAY)
    if method == primary:
        method = TenderMethod.COUPON
    if method == TenderMethod.COUPON:
        extra = Decimal(rng.choice([5, 10, 15, 20, 30, 50]))
    elif method == TenderMethod.POINTS:  # 100 points = ¥1
        extra = Decimal(rng.randrange(100, 3000)) / 100
    else:
        extra = total * Decimal(rng.uniform(0.1, 0.6))
    extra = min(extra, total - 1).quantize(Decimal("0.01"))  # the main payment stays > 0
    return [
        PaymentTender(order=order, method=primary, amount=total - extra),
        PaymentTender(order=order, method=method, amount=extra),
    ]


def _confirmations(rng: random.Random, line: OrderLine, item: Item) -> list[PurchaseConfirmation]:
    # Most shops ask at checkout; selling near expiry (临期) is rare, so that kind is too.
    found = []
    for kind in item.category.confirm_kinds:
        chance = 0.05 if kind == ConfirmationKind.NEAR_EXPIRY_OR_DEFECT else 0.7
        if rng.random() < chance:
            found.append(
                PurchaseConfirmation(line=line, kind=kind, confirmed_at=line.order.placed_at)
            )
    return found


def _tracking(rng: random.Random, carrier: str) -> tuple[str, str]:
    name, prefix, digits = vocab.CARRIERS[carrier]
    return name, f"{prefix}{rng.randrange(10 ** (digits - 1), 10**digits)}"


def _ship(
    rng: random.Random,
    batch: Batch,
    store: Store,
    order: Order,
    groups: list[list[OrderLine]],
    now: datetime,
) -> str:
    """Parcels for the order as far as time has got, and the shop status that follows."""
    if store.root == "virtual":  # codes are sent within minutes and count as received
        delay, transit = timedelta(minutes=rng.randint(1, 15)), timedelta(0)
    elif store.root == "custom":  # made to order first
        delay, transit = timedelta(hours=rng.uniform(72, 168)), timedelta(hours=rng.uniform(24, 96))
    else:
        delay = timedelta(hours=rng.uniform(1, 48))
        low = 16 if store.root == "fresh" else 24
        transit = timedelta(hours=rng.uniform(low, low + 72))
    parcels = [[line for group in groups for line in group]]
    if len(groups) >= 2 and store.root != "virtual" and rng.random() < 0.12:
        parcels = [groups[0], [line for group in groups[1:] for line in group]]  # 分包裹发货
    shipped_any, signed_all, last_signed = False, True, None
    for index, parcel in enumerate(parcels):
        shipped_at = order.placed_at + delay + timedelta(hours=index * rng.uniform(12, 48))
        if shipped_at > now:
            signed_all = False
            continue
        signed_at = shipped_at + transit * rng.uniform(0.8, 1.2)
        if signed_at <= now:
            last_signed = max(last_signed or signed_at, signed_at)
        else:
            signed_all = False
        carrier, tracking = _tracking(rng, store.carrier)
        delivery = Delivery(
            order=order,
            carrier=carrier,
            tracking_number=tracking,
            shipped_at=shipped_at,
            signed_at=signed_at if signed_at <= now else None,
        )
        batch.deliveries.append(delivery)
        batch.delivery_lines.extend(
            DeliveryLine(delivery=delivery, line=line, quantity=line.quantity) for line in parcel
        )
        shipped_any = True
    if not shipped_any:
        return ShopOrderStatus.PAID
    if not signed_all or last_signed is None:
        return ShopOrderStatus.SHIPPED
    if now - last_signed > AUTO_COMPLETE or rng.random() < 0.3:
        return ShopOrderStatus.COMPLETED
    return ShopOrderStatus.DELIVERED


def _order(
    rng: random.Random,
    batch: Batch,
    store: Store,
    person: Person,
    placed_at: datetime,
    number: str,
    external_id: str,
    now: datetime,
) -> None:
    order = Order(
        number=number,
        merchant=store.merchant,
        external_id=external_id,
        currency="CNY",
        placed_at=placed_at,
    )
    count = rng.choices(LINE_COUNTS, cum_weights=LINE_COUNT_CUM)[0]
    items = rng.sample(store.items, min(count, len(store.items)))
    lines: list[OrderLine] = []
    for k, item in enumerate(items, 1):
        quantity = 1 if item.price >= 1000 else rng.choices(QUANTITIES, cum_weights=QUANTITY_CUM)[0]
        list_total = item.price * quantity
        lines.append(
            OrderLine(
                order=order,
                external_id=f"{external_id}-{k}",
                sku=item.sku,
                product_name=item.sku.name,
                quantity=quantity,
                unit_price=item.price,
                paid_amount=list_total,
            )
        )
        batch.confirmations.extend(_confirmations(rng, lines[-1], item))
    goods_total = sum((line.paid_amount for line in lines), ZERO)
    promotions: list[dict[str, Any]] = []
    promo = next(((t, r) for t, r in store.promos if goods_total >= t), None)
    if promo is not None and rng.random() < 0.85:
        # 满减: the reduction is spread over the lines in proportion to their list totals, to
        # the cent, so each line's paid amount is what a refund of that line can give back.
        threshold, reduction = promo
        for line, share in zip(
            lines, allocate(reduction, [ln.paid_amount for ln in lines]), strict=True
        ):
            line.paid_amount -= share
        promotions.append(
            {
                "kind": "threshold",
                "threshold": f"{threshold:.2f}",
                "reduction": f"{reduction:.2f}",
                "lines": [line.external_id for line in lines],
            }
        )
    groups = [[line] for line in lines]
    if store.gift is not None and rng.random() < 0.12:
        main = max(range(len(lines)), key=lambda i: lines[i].unit_price * lines[i].quantity)
        gift = OrderLine(
            order=order,
            external_id=f"{external_id}-{len(lines) + 1}",
            sku=store.gift.sku,
            product_name=store.gift.sku.name,
            quantity=1,
            unit_price=ZERO,
            paid_amount=ZERO,
            is_gift=True,
            gift_value=store.gift.price,
            gift_for=lines[main],
        )
        groups[main].append(gift)
        batch.gifts.append(gift)
    paid = sum((line.paid_amount for line in lines), ZERO)
    free = store.free_over is None or paid >= store.free_over
    order.shipping_fee = ZERO if free else store.fee
    order.goods_total, order.discount_total = goods_total, goods_total - paid
    order.paid_total, order.promotions = paid + order.shipping_fee, promotions
    order.shop_status = _ship(rng, batch, store, order, groups, now)
    batch.orders.append(order)
    batch.buyers.append(person)  # its customer record is made in batch_write
    batch.lines.extend(lines)
    batch.tenders.extend(_tenders(rng, order, order.paid_total))


def orders_build(
    *,
    rng: random.Random,
    stores: list[Store],
    people: list[Person],
    weights: list[float],
    count: int,
    now: datetime,
    serial_from: int,
    last_number: dict[date, int],
) -> Batch:
    """``count`` orders over the last 90 days, numbered OD + day + 6 digits after the counters
    in ``last_number``; shops still applying for admission get none."""
    selling = [s for s in stores if s.shop.weight > 0 and s.items]
    batch = Batch(last_number=dict(last_number))
    if count <= 0 or not selling or not people:
        return batch
    picks = rng.choices(selling, weights=[s.shop.weight for s in selling], k=count)
    buyers = rng.choices(people, weights=weights, k=count)
    for i, placed_at in enumerate(placed_times(rng, count, now)):
        day = placed_at.date()
        batch.last_number[day] = batch.last_number.get(day, 0) + 1
        number = f"{PREFIX}{day:%Y%m%d}{batch.last_number[day]:06d}"
        external_id = f"{placed_at:%y%m%d}{serial_from + i:08d}"
        _order(rng, batch, picks[i], buyers[i], placed_at, number, external_id, now)
    return batch


def batch_write(batch: Batch) -> None:
    """Insert parents before children; bulk_create sets the primary keys the children point at.
    Each order's customer is the record its shop keeps of the buyer, made here if it is new."""
    customers = customers_create(zip((o.merchant for o in batch.orders), batch.buyers, strict=True))
    for order, person in zip(batch.orders, batch.buyers, strict=True):
        order.customer = customers[(order.merchant.pk, person.id)]
    Order.objects.bulk_create(batch.orders)
    OrderLine.objects.bulk_create(batch.lines)
    OrderLine.objects.bulk_create(batch.gifts)  # after the lines they are gifts for
    PaymentTender.objects.bulk_create(batch.tenders)
    PurchaseConfirmation.objects.bulk_create(batch.confirmations)
    Delivery.objects.bulk_create(batch.deliveries)
    DeliveryLine.objects.bulk_create(batch.delivery_lines)
