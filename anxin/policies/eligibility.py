"""The eligibility engine: may this line be returned, exchanged, repaired — and for how much?

``eligibility()`` reads the order facts and the resolved policy and returns a ``Decision``: which
request types are open (with the rule and the window end), the refundable amount for the requested
quantity (paid share, 满减 recomputation, gift deduction, restocking fee), who pays the return
freight, the split over the original tenders, and explanations renderable in zh-Hans or en.
No ``if`` about a category or a merchant lives anywhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from anxin.catalog.choices import ConfirmationKind, TenderMethod
from anxin.core.money import allocate, round_money

from .choices import Fault, FreightPayer
from .models import Reason
from .resolve import ResolvedPolicy, policy_resolve

TYPES = ("refund_only", "return_refund", "exchange", "repair", "warranty")
IN_KIND_TENDERS = frozenset({"coupon", "points"})

MESSAGES: dict[str, Any] = {
    "not_shipped": _(
        "The order has not shipped yet: you can get a refund without returning anything."
    ),
    "not_signed": _("The parcel has not been signed for yet: returns open once you receive it."),
    "no_reason.open": _(
        "No-reason return: %(days)s days counted from the day after you signed for the goods, until the end of %(end)s."
    ),
    "no_reason.closed": _("The %(days)s-day no-reason return window ended at the end of %(end)s."),
    "no_reason.art6": _("%(category)s is excluded from no-reason returns (art. 6: %(kind)s)."),
    "no_reason.art7": _(
        "You confirmed at purchase that “%(kind)s”, so no-reason return does not apply (art. 7)."
    ),
    "no_reason.art7_unconfirmed": _(
        "“%(kind)s” excludes no-reason returns only when confirmed at purchase; you did not confirm it, so the merchant may not refuse on that ground."
    ),
    "quality.open": _(
        "Quality problems: return within %(days)s days of receipt, until the end of %(end)s; after that, exchange or repair."
    ),
    "quality.closed": _(
        "The %(days)s-day quality return window ended at the end of %(end)s: ask for an exchange or a repair."
    ),
    "exchange.open": _("Exchange: until the end of %(end)s."),
    "exchange.closed": _("The exchange window ended at the end of %(end)s."),
    "repair.open": _("Repair: until the end of %(end)s."),
    "repair.closed": _("The repair window ended at the end of %(end)s."),
    "repair.not_offered": _("Repairs are not offered for this category."),
    "type.no_reason_needs_return": _(
        "For a no-reason refund after delivery, the goods must be returned."
    ),
    "type.quality_only": _("This request type is for quality problems."),
    "quantity.none_left": _("Every unit of this line already has an after-sales request."),
    "quantity.too_many": _("Only %(left)s unit(s) of this line can still be claimed."),
    "amount.share": _("Refund of what you paid for %(quantity)s of %(total)s unit(s): %(amount)s."),
    "amount.threshold": _(
        "Returning this breaks the “%(threshold)s minus %(reduction)s” discount, so the discount is recomputed (art. 17): %(amount)s less."
    ),
    "amount.gift": _(
        "Return the gift “%(name)s” too, or its declared value %(value)s is deducted (art. 12)."
    ),
    "amount.gift_kept": _("The gift “%(name)s” is kept: %(value)s is deducted (art. 12)."),
    "amount.restocking": _("Restocking fee of %(percent)s%%: %(amount)s."),
    "amount.in_kind": _("%(amount)s goes back as %(method)s (returned in kind, art. 15)."),
    "freight.consumer": _("You pay the return shipping (no-reason return)."),
    "freight.merchant": _("The merchant pays the return shipping (%(reason)s)."),
    "intact": _("Condition for no-reason returns: %(conditions)s"),
}


@dataclass(frozen=True)
class Both:
    """A name in both languages; shows the one active when the note is rendered."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.zh if (translation.get_language() or "").startswith("zh") else self.en


@dataclass(frozen=True)
class Note:
    """One line of explanation: a message code and its parameters, rendered on demand."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self) -> str:
        params = {k: str(v) for k, v in self.params.items()}
        return str(MESSAGES[self.code]) % params if params else str(MESSAGES[self.code])


@dataclass(frozen=True)
class TypeOption:
    type: str
    allowed: bool
    rule: str
    until: datetime | None
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class TenderShare:
    method: str
    amount: Decimal
    in_kind: bool


@dataclass(frozen=True)
class Decision:
    """Everything the consumer sees before submitting, and what a case stores when opened."""

    options: dict[str, TypeOption]
    request_type: str | None
    allowed: bool
    rule: str
    quantity: int
    claimable_quantity: int
    refundable_amount: Decimal
    currency: str
    freight_payer: str
    tenders: tuple[TenderShare, ...]
    windows: dict[str, datetime | None]
    notes: tuple[Note, ...]
    policy: ResolvedPolicy

    def explain(self, language: str | None = None) -> list[str]:
        with translation.override(language or translation.get_language()):
            return [note.render() for note in self.notes]

    def as_dict(self, language: str | None = None) -> dict[str, Any]:
        with translation.override(language or translation.get_language()):
            return {
                "request_type": self.request_type,
                "allowed": self.allowed,
                "rule": self.rule,
                "quantity": self.quantity,
                "claimable_quantity": self.claimable_quantity,
                "refundable_amount": str(self.refundable_amount),
                "currency": self.currency,
                "freight_payer": self.freight_payer,
                "tenders": [
                    {"method": t.method, "amount": str(t.amount), "in_kind": t.in_kind}
                    for t in self.tenders
                ],
                "windows": {k: v.isoformat() if v else None for k, v in self.windows.items()},
                "options": [
                    {
                        "type": o.type,
                        "allowed": o.allowed,
                        "rule": o.rule,
                        "until": o.until.isoformat() if o.until else None,
                        "explanation": [n.render() for n in o.notes],
                    }
                    for o in self.options.values()
                ],
                "explanation": [n.render() for n in self.notes],
            }


def _window_end(signed_at: datetime, days: int) -> datetime:
    """End (exclusive) of an N-day window counted from the day after signing, local time:
    signed on the 31st → days 1…7 are the 1st…7th → ends at 00:00 on the 8th."""
    signed_day = timezone.localtime(signed_at).date()
    last_day = signed_day + timedelta(days=days)
    return timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))


def _day(moment: datetime) -> str:
    return date_format(timezone.localtime(moment - timedelta(microseconds=1)).date(), "Y-m-d")


def _signed_and_shipped(line: Any) -> tuple[datetime | None, bool]:
    deliveries = [dl.delivery for dl in line.delivery_lines.all()]
    signed = [d.signed_at for d in deliveries if d.signed_at is not None]
    return (min(signed) if signed else None), bool(deliveries)


def _no_reason_exclusion(line: Any) -> tuple[bool, list[Note]]:
    category = line.sku.category
    kinds = [
        (category.is_custom_made, _("custom-made")),
        (category.is_perishable, _("fresh or perishable")),
        (category.is_digital, _("digital goods")),
        (category.is_periodical, _("newspapers and periodicals")),
    ]
    for flag, kind in kinds:
        if flag:
            name = Both(category.name_zh, category.name_en)
            return True, [Note("no_reason.art6", {"category": name, "kind": kind})]
    confirmed = {c.kind for c in line.confirmations.all()}
    labels = dict(ConfirmationKind.choices)
    for kind in category.confirm_kinds or []:
        if kind in confirmed:
            return True, [Note("no_reason.art7", {"kind": labels.get(kind, kind)})]
    notes = [
        Note("no_reason.art7_unconfirmed", {"kind": labels.get(k, k)})
        for k in category.confirm_kinds or []
    ]
    return False, notes


def _options(
    line: Any, reason: Reason, policy: ResolvedPolicy, at: datetime
) -> tuple[dict[str, TypeOption], dict[str, datetime | None]]:
    signed_at, shipped = _signed_and_shipped(line)
    consumer_choice = reason.fault == Fault.CONSUMER
    windows: dict[str, datetime | None] = dict.fromkeys(
        ("no_reason", "quality", "exchange", "repair")
    )
    options: dict[str, TypeOption] = {}

    def put(kind: str, allowed: bool, rule: str, until: datetime | None, *notes: Note) -> None:
        options[kind] = TypeOption(kind, allowed, rule, until, tuple(notes))

    if not shipped:
        put("refund_only", True, "R-1 unshipped", None, Note("not_shipped"))
        for kind in TYPES[1:]:
            put(kind, False, "R-1 unshipped", None, Note("not_shipped"))
        return options, windows
    if signed_at is None:
        put("refund_only", True, "R-2 in transit", None, Note("not_signed"))
        for kind in TYPES[1:]:
            put(kind, False, "R-2 in transit", None, Note("not_signed"))
        return options, windows

    for key, days in (
        ("no_reason", policy["no_reason_days"]),
        ("quality", policy["quality_return_days"]),
        ("exchange", policy["exchange_days"]),
        ("repair", policy["repair_days"]),
    ):
        windows[key] = _window_end(signed_at, days) if days else None

    def window(key: str) -> tuple[bool, Note]:
        end = windows[key]
        days = policy[f"{key}_days" if key != "quality" else "quality_return_days"]
        if end is None:
            return False, Note("repair.not_offered")
        code = "no_reason" if key == "no_reason" else key
        state = "open" if at < end else "closed"
        return at < end, Note(f"{code}.{state}", {"days": days, "end": _day(end)})

    if consumer_choice:
        excluded, exclusion_notes = _no_reason_exclusion(line)
        is_open, note = window("no_reason")
        ok = is_open and not excluded
        notes = (note, *exclusion_notes)
        put("return_refund", ok, "R-3 art. 10 no-reason", windows["no_reason"], *notes)
        put("exchange", ok, "R-3 art. 10 no-reason", windows["no_reason"], *notes)
        put(
            "refund_only", False, "R-3 art. 10 no-reason", None, Note("type.no_reason_needs_return")
        )
        for kind in ("repair", "warranty"):
            put(kind, False, "R-6 quality only", None, Note("type.quality_only"))
        return options, windows

    quality_open, quality_note = window("quality")
    put("return_refund", quality_open, "R-4 CPL 24 quality", windows["quality"], quality_note)
    put("refund_only", quality_open, "R-4 CPL 24 quality", windows["quality"], quality_note)
    exchange_open, exchange_note = window("exchange")
    put("exchange", exchange_open, "R-5 三包 exchange", windows["exchange"], exchange_note)
    category = line.sku.category
    repairable = not (category.is_perishable or category.is_digital) and reason.is_quality
    repair_open, repair_note = window("repair")
    for kind in ("repair", "warranty"):
        if repairable:
            put(kind, repair_open, "R-6 三包 repair", windows["repair"], repair_note)
        else:
            put(kind, False, "R-6 quality only", None, Note("type.quality_only"))
    return options, windows


def _unit_shares(line: Any, currency: str) -> list[Decimal]:
    return allocate(line.paid_amount, [1] * line.quantity, currency)


Claims = Mapping[int, tuple[int, Decimal]]


def _promotion_adjustment(line: Any, quantity: int, claims: Claims) -> tuple[Decimal, Note | None]:
    """多退少补 (art. 17): if what the consumer keeps no longer reaches a 满减 threshold (or no
    longer completes a bundle), they pay list price for what they keep. The refund of this request
    is then what is due in total for the promotion's returned goods, less what earlier requests of
    the same promotion already got back; the difference to the plain paid share is returned here
    as a deduction."""
    for promo in line.order.promotions or []:
        if promo.get("kind") not in ("threshold", "bundle"):
            continue
        if line.external_id not in promo.get("lines", []):
            continue
        members = [ln for ln in line.order.lines.all() if ln.external_id in promo["lines"]]
        list_total = sum((ln.unit_price * ln.quantity for ln in members), Decimal(0))
        paid_total = sum((ln.paid_amount for ln in members), Decimal(0))
        reduction = Decimal(promo["reduction"])
        threshold = list_total if promo["kind"] == "bundle" else Decimal(promo["threshold"])
        returned_list = line.unit_price * quantity
        earlier = Decimal(0)
        for member in members:
            claimed_units, claimed_amount = claims.get(member.pk, (0, Decimal(0)))
            returned_list += member.unit_price * claimed_units
            earlier += claimed_amount
        kept = list_total - returned_list
        if not list_total >= threshold > kept:
            continue
        shares = _unit_shares(line, line.order.currency)
        claimed_here = claims.get(line.pk, (0, Decimal(0)))[0]
        plain = sum(shares[claimed_here : claimed_here + quantity], Decimal(0))
        due = max(paid_total - kept - earlier, Decimal(0))
        deduction = max(plain - due, Decimal(0))
        if deduction:
            params = {"threshold": threshold, "reduction": reduction, "amount": deduction}
            return deduction, Note("amount.threshold", params)
    return Decimal(0), None


def eligibility(
    *,
    line: Any,
    quantity: int,
    request_type: str | None,
    reason: Reason,
    at: datetime,
    claimed_quantity: int = 0,
    keep_gifts: bool = False,
    claims: Claims | None = None,
) -> Decision:
    """Decide what ``quantity`` units of ``line`` may get for ``reason`` at time ``at``.

    ``claimed_quantity`` is how many units of this line already have an active or completed
    request; ``claims`` maps every line of the order to (units claimed, amount claimed), for
    promotions that span lines.
    """
    claims = dict(claims or {})
    claims.setdefault(line.pk, (claimed_quantity, Decimal(0)))
    order = line.order
    currency = order.currency
    policy = policy_resolve(merchant_id=order.merchant_id, category=line.sku.category)
    options, windows = _options(line, reason, policy, at)
    claimable = max(line.quantity - claimed_quantity, 0)
    notes: list[Note] = []
    option = options.get(request_type) if request_type else None
    allowed = bool(option and option.allowed)
    if option is not None:
        notes.extend(option.notes)
    if claimable == 0:
        allowed = False
        notes.append(Note("quantity.none_left"))
    elif quantity > claimable:
        allowed = False
        notes.append(Note("quantity.too_many", {"left": claimable}))
    quantity_for_amount = min(quantity, claimable)
    amount = Decimal(0)
    consumer_choice = reason.fault == Fault.CONSUMER
    if request_type in ("refund_only", "return_refund") and quantity_for_amount:
        shares = _unit_shares(line, currency)
        amount = sum(shares[claimed_quantity : claimed_quantity + quantity_for_amount], Decimal(0))
        notes.append(
            Note(
                "amount.share",
                {"quantity": quantity_for_amount, "total": line.quantity, "amount": amount},
            )
        )
        adjustment, threshold_note = _promotion_adjustment(line, quantity_for_amount, claims)
        if threshold_note is not None:
            amount -= adjustment
            notes.append(threshold_note)
        for gift in line.gifts.all():
            # per-unit shares of the declared value, so partial returns add up exactly
            gift_shares = allocate(gift.gift_value, [1] * line.quantity, currency)
            value = sum(
                gift_shares[claimed_quantity : claimed_quantity + quantity_for_amount], Decimal(0)
            )
            if keep_gifts:
                amount -= value
                notes.append(Note("amount.gift_kept", {"name": gift.product_name, "value": value}))
            else:
                notes.append(Note("amount.gift", {"name": gift.product_name, "value": value}))
        fee_percent = Decimal(policy["restocking_fee_percent"] or 0)
        if consumer_choice and fee_percent > 0 and request_type == "return_refund":
            fee = round_money(amount * fee_percent / 100, currency)
            amount -= fee
            notes.append(Note("amount.restocking", {"percent": fee_percent, "amount": fee}))
        amount = max(amount, Decimal(0))
    tenders = _tender_split(order, amount, currency)
    for share in tenders:
        if share.in_kind and share.amount:
            method = dict(TenderMethod.choices).get(share.method, share.method)
            notes.append(Note("amount.in_kind", {"amount": share.amount, "method": method}))
    freight = _freight_payer(request_type, reason)
    if freight == FreightPayer.CONSUMER:
        notes.append(Note("freight.consumer"))
    elif freight == FreightPayer.MERCHANT:
        notes.append(Note("freight.merchant", {"reason": Both(reason.name_zh, reason.name_en)}))
    if consumer_choice and (policy.intact_conditions_zh or policy.intact_conditions_en):
        conditions = Both(policy.intact_conditions_zh, policy.intact_conditions_en)
        notes.append(Note("intact", {"conditions": conditions}))
    return Decision(
        options=options,
        request_type=request_type,
        allowed=allowed,
        rule=option.rule if option else "",
        quantity=quantity,
        claimable_quantity=claimable,
        refundable_amount=amount,
        currency=currency,
        freight_payer=freight,
        tenders=tenders,
        windows=windows,
        notes=tuple(notes),
        policy=policy,
    )


def _tender_split(order: Any, amount: Decimal, currency: str) -> tuple[TenderShare, ...]:
    """Refunds go back to the original tenders in proportion (art. 14)."""
    tenders = list(order.tenders.all())
    if not tenders or amount <= 0:
        return ()
    parts = allocate(amount, [t.amount for t in tenders], currency)
    return tuple(
        TenderShare(t.method, part, t.method in IN_KIND_TENDERS)
        for t, part in zip(tenders, parts, strict=True)
    )


def _freight_payer(request_type: str | None, reason: Reason) -> str:
    if request_type in (None, "refund_only"):
        return FreightPayer.NONE
    return FreightPayer.CONSUMER if reason.fault == Fault.CONSUMER else FreightPayer.MERCHANT
