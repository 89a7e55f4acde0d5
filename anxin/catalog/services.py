"""Writes on catalog facts: merchants, order intake (upsert) and deliveries."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.audit import audit_record
from anxin.core.crypto import phone_lookup_hash
from anxin.core.errors import Forbidden, ValidationFailed
from anxin.core.money import is_supported_currency, round_money
from anxin.core.sequences import number_next
from anxin.core.workflow import TransitionResult, transition

from .choices import MerchantStatus, ShopOrderStatus, SkuStatus
from .inputs import DeliveryIn, OrderIn
from .models import (
    Category,
    Customer,
    Delivery,
    DeliveryLine,
    Merchant,
    Order,
    OrderLine,
    PaymentTender,
    PurchaseConfirmation,
    Sku,
)
from .permissions import can_manage_merchants, can_manage_sku_sale, can_write_orders
from .workflow import MERCHANT_WORKFLOW

# Shops' clocks drift; a timestamp a little in the future is accepted, more is an error.
CLOCK_SKEW = timedelta(minutes=5)
FieldErrors = dict[str, str | Promise]


# --- merchants ------------------------------------------------------------------------------------


@transaction.atomic
def merchant_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    deposit_amount: Decimal = Decimal("0"),
    status: MerchantStatus = MerchantStatus.APPLYING,
) -> Merchant:
    """Register a merchant (admission starts in ``applying`` unless an admin seeds it active)."""
    if not can_manage_merchants(actor):
        raise Forbidden()
    merchant = Merchant.objects.create(
        code=code, name=name, deposit_amount=round_money(deposit_amount), status=status
    )
    audit_record(
        actor=actor,
        action="catalog.merchant.create",
        merchant_id=merchant.pk,
        subject_type="catalog.merchant",
        subject_id=merchant.pk,
        data={"code": code, "status": status},
    )
    return merchant


# Actions that take something away from a shop need a reason the shop can be shown.
MERCHANT_REASON_REQUIRED = frozenset({"warn", "restrict", "exit"})
MERCHANT_REASON_MAX = 1000


def merchant_transition(
    *, actor: Actor, merchant: Merchant | int, action: str, reason: str = ""
) -> TransitionResult:
    """Move a merchant through admission, warning, restriction and exit (see workflow.py)."""
    reason = reason.strip()
    if action in MERCHANT_REASON_REQUIRED and not reason and not actor.is_system:
        raise ValidationFailed(fields={"reason": _("Give a reason: the shop is shown it.")})
    if len(reason) > MERCHANT_REASON_MAX:
        raise ValidationFailed(
            fields={"reason": _("At most %(n)s characters.") % {"n": MERCHANT_REASON_MAX}}
        )
    return transition(
        MERCHANT_WORKFLOW, subject=merchant, action=action, actor=actor, reason=reason
    )


MAX_DEPOSIT = Decimal("9999999999.99")


@transaction.atomic
def merchant_deposit_set(
    *, actor: Actor, merchant: Merchant, amount: Decimal, note: str
) -> Merchant:
    """Record the merchant's deposit (the money advance compensation is paid from), with why."""
    if not can_manage_merchants(actor):
        raise Forbidden()
    errors: FieldErrors = {}
    note = note.strip()
    if amount < 0 or amount > MAX_DEPOSIT:
        errors["deposit_amount"] = _("Enter an amount from 0 to %(max)s.") % {"max": MAX_DEPOSIT}
    if not note:
        errors["note"] = _("Say why the deposit changes.")
    elif len(note) > 500:
        errors["note"] = _("At most 500 characters.")
    if errors:
        raise ValidationFailed(fields=errors)
    merchant = Merchant.objects.select_for_update(no_key=True).get(pk=merchant.pk)
    old, new = merchant.deposit_amount, round_money(amount, merchant.currency)
    if old != new:
        merchant.deposit_amount = new
        merchant.save(update_fields=["deposit_amount", "updated_at"])
        audit_record(
            actor=actor,
            action="catalog.merchant.deposit",
            merchant_id=merchant.pk,
            subject_type="catalog.merchant",
            subject_id=merchant.pk,
            data={"from": old, "to": new, "note": note},
        )
    return merchant


# --- SKUs -----------------------------------------------------------------------------------------

SKU_REASON_MAX = 1000


def _sku_sale_set(*, actor: Actor, sku: Sku, status: str, reason: str) -> Sku:
    if not can_manage_sku_sale(actor):
        raise Forbidden()
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(fields={"reason": _("Give a reason: the shop is shown it.")})
    if len(reason) > SKU_REASON_MAX:
        raise ValidationFailed(
            fields={"reason": _("At most %(n)s characters.") % {"n": SKU_REASON_MAX}}
        )
    with transaction.atomic():
        sku = Sku.objects.select_for_update(no_key=True).get(pk=sku.pk)
        if sku.status == status:
            return sku  # the same decision twice changes nothing
        delisting = status == SkuStatus.DELISTED
        sku.status = status
        sku.delisted_at = clock.now() if delisting else None
        sku.delist_reason = reason if delisting else ""
        sku.save(update_fields=["status", "delisted_at", "delist_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="catalog.sku.delist" if delisting else "catalog.sku.relist",
            merchant_id=sku.merchant_id,
            subject_type="catalog.sku",
            subject_id=sku.pk,
            data={"code": sku.code, "reason": reason},
        )
    return sku


def sku_delist(*, actor: Actor, sku: Sku, reason: str) -> Sku:
    """Take a SKU off sale (a failed quality inspection): intake refuses new orders naming it."""
    return _sku_sale_set(actor=actor, sku=sku, status=SkuStatus.DELISTED, reason=reason)


def sku_relist(*, actor: Actor, sku: Sku, reason: str) -> Sku:
    """Put a delisted SKU back on sale (it passed re-inspection after rectification)."""
    return _sku_sale_set(actor=actor, sku=sku, status=SkuStatus.LISTED, reason=reason)


# --- orders ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpsertResult:
    order: Order
    created: bool
    changed: bool


def _aware(value: datetime) -> datetime:
    # Shops in China commonly send local wall-clock times; a naive time means Asia/Shanghai.
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _content_hash(data: OrderIn) -> str:
    # The merchant is left out: a merchant token may omit it where a platform token names it.
    body = data.model_dump(mode="json", exclude={"merchant"})
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _resolve_merchant(actor: Actor, code: str | None, errors: FieldErrors) -> Merchant | None:
    if code is None:
        if len(actor.merchant_ids) == 1:
            return Merchant.objects.get(pk=next(iter(actor.merchant_ids)))
        errors["merchant"] = _("Name the merchant (its code) when using a platform token.")
        return None
    merchant = Merchant.objects.for_actor(actor).filter(code=code).first()
    if merchant is None:
        errors["merchant"] = _("Unknown merchant.")
        return None
    if merchant.status == MerchantStatus.EXITED:
        errors["merchant"] = _("This merchant has left the platform.")
        return None
    return merchant


def _check_order(data: OrderIn, errors: FieldErrors) -> dict[str, Category]:
    """Cross-field checks of an order payload; fills ``errors`` keyed by field path."""
    if not is_supported_currency(data.currency):
        errors["currency"] = _("Unknown or unsupported currency.")
    if _aware(data.placed_at) > clock.now() + CLOCK_SKEW:
        errors["placed_at"] = _("The order time is in the future.")
    seen: set[str] = set()
    for i, line in enumerate(data.lines):
        if line.external_id in seen:
            errors[f"lines.{i}.external_id"] = _("Line ids must be unique within the order.")
        seen.add(line.external_id)
        if line.paid_amount > line.unit_price * line.quantity:
            errors[f"lines.{i}.paid_amount"] = _(
                "The paid amount is more than unit price × quantity."
            )
        if line.is_gift and line.paid_amount != 0:
            errors[f"lines.{i}.paid_amount"] = _("A gift line must have a paid amount of 0.")
        if not line.is_gift and line.gift_value:
            errors[f"lines.{i}.gift_value"] = _("Only gift lines have a declared gift value.")
    for i, line in enumerate(data.lines):
        if line.gift_for is not None and (line.gift_for not in seen or not line.is_gift):
            errors[f"lines.{i}.gift_for"] = _("A gift must name a line of the same order.")
    for i, promo in enumerate(data.promotions):
        if any(ext not in seen for ext in promo.lines):
            errors[f"promotions.{i}.lines"] = _("A promotion must name lines of the same order.")
    lines_paid = sum((line.paid_amount for line in data.lines), Decimal(0))
    tendered = sum((t.amount for t in data.tenders), Decimal(0))
    if tendered != lines_paid + data.shipping_fee:
        errors["tenders"] = _(
            "The tenders add up to %(tendered)s, but the lines and shipping add up to %(due)s."
        ) % {"tendered": tendered, "due": lines_paid + data.shipping_fee}
    codes = {line.category for line in data.lines}
    categories = {c.code: c for c in Category.objects.filter(code__in=codes)}
    for i, line in enumerate(data.lines):
        if line.category not in categories:
            errors[f"lines.{i}.category"] = _("Unknown category.")
    return categories


def _check_new_order(merchant: Merchant, data: OrderIn) -> None:
    """A restricted shop takes no new orders, and nobody may sell a SKU the platform took off
    sale (a failed quality inspection); orders placed before either still update as usual."""
    errors: FieldErrors = {}
    if merchant.status == MerchantStatus.RESTRICTED:
        errors["merchant"] = _(
            "This shop is restricted by the platform and cannot take new orders for now."
        )
    delisted = set(
        Sku.objects.filter(
            merchant=merchant,
            code__in={line.sku for line in data.lines},
            status=SkuStatus.DELISTED,
        ).values_list("code", flat=True)
    )
    for i, line in enumerate(data.lines):
        if line.sku in delisted:
            errors[f"lines.{i}.sku"] = _(
                "This product was taken off sale by the platform after a quality inspection."
            )
    if errors:
        raise ValidationFailed(fields=errors)


def _customer_upsert(merchant: Merchant, data: OrderIn) -> Customer:
    incoming = data.customer
    customer, created = Customer.objects.get_or_create(
        merchant=merchant,
        external_id=incoming.external_id,
        defaults={
            "name": incoming.name,
            "phone": incoming.phone,
            "phone_hash": phone_lookup_hash(incoming.phone) if incoming.phone else "",
            "address": incoming.address,
        },
    )
    if not created:
        changed = []
        for name in ("name", "phone", "address"):
            value = getattr(incoming, name)
            if value and value != getattr(customer, name):
                setattr(customer, name, value)
                changed.append(name)
        if "phone" in changed:
            customer.phone_hash = phone_lookup_hash(customer.phone)
            changed.append("phone_hash")
        if changed:
            customer.save(update_fields=[*changed, "updated_at"])
    return customer


def _sku_upsert(merchant: Merchant, code: str, name: str, category: Category) -> Sku:
    sku, created = Sku.objects.get_or_create(
        merchant=merchant, code=code, defaults={"name": name, "category": category}
    )
    if not created and (sku.name != name or sku.category_id != category.pk):
        sku.name, sku.category = name, category
        sku.save(update_fields=["name", "category", "updated_at"])
    return sku


def _write_lines(order: Order, data: OrderIn, categories: dict[str, Category]) -> None:
    existing = {line.external_id: line for line in order.lines.all()}
    missing = set(existing) - {line.external_id for line in data.lines}
    if missing:
        raise ValidationFailed(
            fields={"lines": _("Lines of an existing order cannot be removed.")},
            data={"missing": sorted(missing)},
        )
    by_external: dict[str, OrderLine] = {}
    for incoming in data.lines:
        sku = _sku_upsert(
            order.merchant, incoming.sku, incoming.product_name, categories[incoming.category]
        )
        values = {
            "sku": sku,
            "product_name": incoming.product_name,
            "quantity": incoming.quantity,
            "unit_price": incoming.unit_price,
            "paid_amount": incoming.paid_amount,
            "is_gift": incoming.is_gift,
            "gift_value": incoming.gift_value,
            "gift_for": None,
        }
        line = existing.get(incoming.external_id)
        if line is None:
            line = OrderLine.objects.create(order=order, external_id=incoming.external_id, **values)
        else:
            for name, value in values.items():
                setattr(line, name, value)
            line.save()
        by_external[incoming.external_id] = line
    for incoming in data.lines:
        line = by_external[incoming.external_id]
        if incoming.gift_for:
            line.gift_for = by_external[incoming.gift_for]
            line.save(update_fields=["gift_for"])
        PurchaseConfirmation.objects.filter(line=line).exclude(
            kind__in=incoming.confirmations
        ).delete()
        for kind in incoming.confirmations:
            PurchaseConfirmation.objects.get_or_create(
                line=line, kind=kind, defaults={"confirmed_at": order.placed_at}
            )


@transaction.atomic
def order_upsert(*, actor: Actor, data: OrderIn) -> UpsertResult:
    """Create or update an order by the shop's external id; the same payload twice changes nothing.

    Checks that amounts add up (tenders = Σ paid + shipping, paid ≤ list × quantity), that the
    currency and categories are known, and that no line of an existing order disappears.
    """
    if not can_write_orders(actor):
        raise Forbidden()
    errors: FieldErrors = {}
    merchant = _resolve_merchant(actor, data.merchant, errors)
    categories = _check_order(data, errors)
    if errors or merchant is None:
        raise ValidationFailed(fields=errors)
    digest = _content_hash(data)
    order = (
        Order.objects.select_for_update(no_key=True)
        .filter(merchant=merchant, external_id=data.external_id)
        .first()
    )
    if order is not None and order.content_hash == digest:
        return UpsertResult(order=order, created=False, changed=False)
    if order is None:
        _check_new_order(merchant, data)
    lines_paid = sum((line.paid_amount for line in data.lines), Decimal(0))
    # Gifts are not goods sold: a gift sent with its list price must not inflate the discount.
    goods_total = sum(
        (line.unit_price * line.quantity for line in data.lines if not line.is_gift), Decimal(0)
    )
    values = {
        "customer": _customer_upsert(merchant, data),
        "currency": data.currency,
        "placed_at": _aware(data.placed_at),
        "shop_status": data.status,
        "goods_total": goods_total,
        "discount_total": goods_total - lines_paid,
        "shipping_fee": data.shipping_fee,
        "paid_total": lines_paid + data.shipping_fee,
        "promotions": [p.model_dump(mode="json") for p in data.promotions],
        "content_hash": digest,
    }
    created = order is None
    if order is None:
        order = Order.objects.create(
            merchant=merchant,
            external_id=data.external_id,
            number=number_next(prefix="OD"),
            **values,
        )
    else:
        for name, value in values.items():
            setattr(order, name, value)
        order.save()
        order.tenders.all().delete()
    _write_lines(order, data, categories)
    PaymentTender.objects.bulk_create(
        PaymentTender(order=order, method=t.method, amount=t.amount) for t in data.tenders
    )
    _refresh_shop_status(order)  # a re-pushed "paid" must not undo what the parcels show
    audit_record(
        actor=actor,
        action="catalog.order.create" if created else "catalog.order.update",
        merchant_id=merchant.pk,
        subject_type="catalog.order",
        subject_id=order.pk,
        data={"external_id": order.external_id, "paid_total": order.paid_total},
    )
    return UpsertResult(order=order, created=created, changed=True)


# --- deliveries -----------------------------------------------------------------------------------


def _check_delivery(order: Order, data: DeliveryIn, errors: FieldErrors) -> dict[str, OrderLine]:
    now = clock.now()
    shipped_at = _aware(data.shipped_at)
    if shipped_at > now + CLOCK_SKEW:
        errors["shipped_at"] = _("The shipping time is in the future.")
    elif shipped_at < order.placed_at:
        errors["shipped_at"] = _("The parcel cannot ship before the order was placed.")
    if data.signed_at is not None:
        signed_at = _aware(data.signed_at)
        if signed_at > now + CLOCK_SKEW:
            errors["signed_at"] = _("The signing time is in the future.")
        elif signed_at < shipped_at:
            errors["signed_at"] = _("The parcel cannot be signed for before it shipped.")
    lines = {line.external_id: line for line in order.lines.all()}
    named: set[str] = set()
    for i, item in enumerate(data.lines):
        if item.line in named:
            errors[f"lines.{i}.line"] = _("Each line may appear only once in a parcel.")
        named.add(item.line)
        if item.line not in lines:
            errors[f"lines.{i}.line"] = _("This order has no such line.")
        elif item.quantity > lines[item.line].quantity:
            errors[f"lines.{i}.quantity"] = _("More units than the order line has.")
    return lines


@dataclass(frozen=True)
class DeliveryResult:
    delivery: Delivery
    created: bool
    changed: bool


@transaction.atomic
def delivery_record(*, actor: Actor, order: Order, data: DeliveryIn) -> DeliveryResult:
    """Record or update a parcel of an order (by carrier + tracking number); a later push with
    ``signed_at`` is how the no-reason window starts."""
    if not can_write_orders(actor):
        raise Forbidden()
    order = Order.objects.select_for_update(no_key=True).get(pk=order.pk)
    errors: FieldErrors = {}
    lines = _check_delivery(order, data, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    shipped_at = _aware(data.shipped_at)
    signed_at = _aware(data.signed_at) if data.signed_at else None
    wanted = (
        {lines[item.line].pk: item.quantity for item in data.lines}
        if data.lines
        else {line.pk: line.quantity for line in lines.values()}
    )
    delivery = Delivery.objects.filter(
        order=order, carrier=data.carrier, tracking_number=data.tracking_number
    ).first()
    created = delivery is None
    if delivery is not None:
        stored = dict(delivery.lines.values_list("line_id", "quantity"))
        if (delivery.shipped_at, delivery.signed_at, stored) == (shipped_at, signed_at, wanted):
            return DeliveryResult(delivery=delivery, created=False, changed=False)
        delivery.shipped_at, delivery.signed_at = shipped_at, signed_at
        delivery.save(update_fields=["shipped_at", "signed_at", "updated_at"])
        delivery.lines.all().delete()
    else:
        delivery = Delivery.objects.create(
            order=order,
            carrier=data.carrier,
            tracking_number=data.tracking_number,
            shipped_at=shipped_at,
            signed_at=signed_at,
        )
    DeliveryLine.objects.bulk_create(
        DeliveryLine(delivery=delivery, line_id=line_id, quantity=qty)
        for line_id, qty in wanted.items()
    )
    _refresh_shop_status(order)
    audit_record(
        actor=actor,
        action="catalog.delivery.create" if created else "catalog.delivery.update",
        merchant_id=order.merchant_id,
        subject_type="catalog.delivery",
        subject_id=delivery.pk,
        data={"order": order.pk, "signed": delivery.signed_at is not None},
    )
    return DeliveryResult(delivery=delivery, created=created, changed=True)


def _refresh_shop_status(order: Order) -> None:
    """Shipped once a parcel exists; delivered once every unit is in a signed parcel."""
    if order.shop_status not in (ShopOrderStatus.PAID, ShopOrderStatus.SHIPPED):
        return
    if not Delivery.objects.filter(order=order).exists():
        return
    signed: dict[int, int] = {}
    for item in DeliveryLine.objects.filter(
        delivery__order=order, delivery__signed_at__isnull=False
    ).values("line_id", "quantity"):
        signed[item["line_id"]] = signed.get(item["line_id"], 0) + item["quantity"]
    lines = list(order.lines.values_list("pk", "quantity"))
    all_signed = all(signed.get(pk, 0) >= qty for pk, qty in lines)
    status = ShopOrderStatus.DELIVERED if all_signed else ShopOrderStatus.SHIPPED
    if status != order.shop_status:
        order.shop_status = status
        order.save(update_fields=["shop_status", "updated_at"])
