"""The customer's own orders, lines and cases, as the dialogue finds them from slots or choices."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from anxin.cases.models import Case, Refund
from anxin.cases.selectors import claimed_quantity
from anxin.catalog.models import Delivery, Order, OrderLine
from anxin.core.actors import Actor

from .context import Context

RECENT = 5


def _orders(actor: Actor) -> QuerySet[Order]:
    return (
        Order.objects.for_actor(actor)
        .select_related("merchant")
        .prefetch_related(
            Prefetch(
                "lines", queryset=OrderLine.objects.select_related("sku__category").order_by("id")
            ),
            Prefetch("deliveries", queryset=Delivery.objects.order_by("shipped_at")),
        )
    )


def recent_orders(actor: Actor) -> list[Order]:
    return list(_orders(actor).order_by("-placed_at", "-id")[:RECENT])


def order_from(ctx: Context) -> Order | None:
    """The order the customer named (full number, last digits or a button), else None."""
    orders = _orders(ctx.actor)
    number = ctx.chose("order") or ctx.heard.slots.get("order_number")
    if number:
        return orders.filter(number=number.upper()).first()
    suffix = ctx.heard.slots.get("order_suffix")
    if suffix:
        matches = list(orders.filter(number__endswith=suffix)[:2])
        return matches[0] if len(matches) == 1 else None
    index = ctx.ordinal()
    offered = ctx.state.get("offered_orders") or []
    if index is not None and index < len(offered):
        return orders.filter(number=offered[index]).first()
    return None


def order_by_number(actor: Actor, number: str | None) -> Order | None:
    return _orders(actor).filter(number=number).first() if number else None


def claimable_lines(order: Order) -> list[OrderLine]:
    return [line for line in order.lines.all() if not line.is_gift]


def line_from(ctx: Context, order: Order) -> OrderLine | None:
    lines = claimable_lines(order)
    if len(lines) == 1:
        return lines[0]
    chosen = ctx.chose("line")
    if chosen:
        return next((line for line in lines if line.external_id == chosen), None)
    index = ctx.ordinal()
    if index is not None and index < len(lines):
        return lines[index]
    text = ctx.heard.normalised
    product = ctx.heard.slots.get("product")
    named = [
        line
        for line in lines
        if line.product_name.lower() in text or (product and product in line.product_name.lower())
    ]
    return named[0] if len(named) == 1 else None


def line_open_quantity(line: OrderLine) -> int:
    return max(line.quantity - claimed_quantity(line_id=line.pk), 0)


def case_from(ctx: Context) -> Case | None:
    number = ctx.heard.slots.get("case_number")
    if not number:
        return None
    return (
        Case.objects.for_actor(ctx.actor)
        .select_related("line", "order")
        .filter(number=number)
        .first()
    )


def recent_cases(actor: Actor, limit: int = 3) -> list[Case]:
    cases = Case.objects.for_actor(actor).select_related("line", "order")
    return list(cases.order_by("-created_at", "-id")[:limit])


def recent_refunds(actor: Actor, limit: int = 3) -> list[Refund]:
    refunds = Refund.objects.for_actor(actor).select_related("case")
    return list(refunds.order_by("-created_at", "-id")[:limit])
