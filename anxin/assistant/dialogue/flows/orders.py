"""Order status: where the parcel is, from the shop's delivery facts."""

from __future__ import annotations

from django.utils.translation import gettext as _

from anxin.catalog.models import Order

from ..context import Context
from ..lookups import order_from
from ..replies import Turn
from .common import ask_order, money, order_url, when


def describe_order(order: Order) -> str:
    parts = [
        _("Order %(number)s, placed %(placed)s, paid %(paid)s.")
        % {
            "number": order.number,
            "placed": when(order.placed_at),
            "paid": money(order.paid_total, order.currency),
        }
    ]
    deliveries = list(order.deliveries.all())
    if not deliveries:
        parts.append(
            _(
                "It has not been shipped yet; the shop ships after payment and you will see the tracking number here."
            )
        )
    for delivery in deliveries:
        facts = {
            "carrier": delivery.carrier,
            "tracking": delivery.tracking_number,
            "shipped": when(delivery.shipped_at),
            "signed": when(delivery.signed_at),
        }
        if delivery.signed_at:
            parts.append(
                _(
                    "Parcel %(tracking)s (%(carrier)s): shipped %(shipped)s, delivered and signed for %(signed)s."
                )
                % facts
            )
        else:
            parts.append(
                _(
                    "Parcel %(tracking)s (%(carrier)s): shipped %(shipped)s, on its way (not signed for yet)."
                )
                % facts
            )
    return " ".join(str(p) for p in parts)


def order_status(ctx: Context, turn: Turn) -> None:
    order = order_from(ctx)
    if order is None:
        ask_order(ctx, turn, "order_status")
        return
    ctx.conversation.state = {"last_order": order.number}
    turn.say(describe_order(order)).link(_("Open the order"), order_url(order))
    turn.resolved = True
