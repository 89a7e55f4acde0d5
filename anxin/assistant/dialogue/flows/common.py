"""Helpers the flows share: formatting, and asking which order the customer means."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anxin.catalog.models import Order

from ..context import Context
from ..lookups import recent_orders
from ..replies import Turn

SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "HKD": "HK$"}


def money(amount: Decimal, currency: str = "CNY") -> str:
    return f"{SYMBOLS.get(currency, currency + ' ')}{amount:,.2f}"


def when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def day(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d") if moment else "—"


def order_label(order: Order) -> str:
    lines = [line.product_name for line in order.lines.all() if not line.is_gift]
    first = lines[0] if lines else ""
    more = f" +{len(lines) - 1}" if len(lines) > 1 else ""
    return f"{order.number} · {first[:24]}{more} · {day(order.placed_at)}"


def order_url(order: Order) -> str:
    return reverse("consumer:order", args=[order.public_id])


def ask_order(ctx: Context, turn: Turn, flow: str, **memory: object) -> None:
    """Offer the customer's recent orders as buttons and remember what we are asking for."""
    orders = recent_orders(ctx.actor)
    if not orders:
        turn.say(
            _(
                "I cannot find any order on your account. Orders appear here once the shop has sent them to us."
            )
        )
        ctx.conversation.state = {}
        return
    if ctx.heard.slots.get("order_number") or ctx.heard.slots.get("order_suffix"):
        turn.say(
            _(
                "I could not find that order on your account. Which of your recent orders do you mean?"
            )
        )
    else:
        turn.say(
            _(
                "Which order do you mean? Here are your most recent ones; you can also type the order number."
            )
        )
    reply = turn.replies[-1]
    for order in orders:
        reply.button(order_label(order), f"order:{order.number}")
    ctx.conversation.state = {
        "flow": flow,
        "step": "order",
        "offered_orders": [order.number for order in orders],
        **memory,
    }
