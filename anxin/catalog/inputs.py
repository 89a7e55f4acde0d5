"""The shapes of order intake (API, CSV and JSONL share them); business checks are in services."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from .choices import ConfirmationKind, ShopOrderStatus, TenderMethod

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
PositiveMoney = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CustomerIn(_In):
    external_id: Text
    name: Annotated[str, StringConstraints(max_length=100)] = ""
    phone: Annotated[str, StringConstraints(max_length=32, pattern=r"^[0-9+\-\s()]*$")] = ""
    address: Annotated[str, StringConstraints(max_length=300)] = ""


class LineIn(_In):
    """One order line. ``unit_price`` is the list price charged per unit and ``paid_amount`` what
    was paid for the whole quantity after the order's discounts. A gift line has paid amount 0,
    its declared value in ``gift_value`` (deducted if it is kept, art. 12) and the line it came with
    in ``gift_for``; its unit price is informational and not counted in the goods total."""

    external_id: Text
    sku: Text
    product_name: Name
    category: Text
    quantity: Annotated[int, Field(ge=1, le=100_000)]
    unit_price: Money
    paid_amount: Money
    is_gift: bool = False
    gift_value: Money = Decimal("0")
    gift_for: Text | None = None
    confirmations: list[ConfirmationKind] = Field(default_factory=list, max_length=3)


class TenderIn(_In):
    method: TenderMethod
    amount: PositiveMoney


class PromotionIn(_In):
    """A threshold discount (满减) or bundle, kept for refund recomputation (多退少补)."""

    kind: Annotated[str, StringConstraints(pattern=r"^(threshold|bundle|coupon)$")]
    threshold: Money = Decimal("0")
    reduction: Money
    lines: list[Text] = Field(default_factory=list, max_length=200)


class OrderIn(_In):
    external_id: Text
    merchant: Text | None = Field(
        default=None, description="Merchant code; required with a platform token."
    )
    customer: CustomerIn
    currency: Annotated[str, StringConstraints(min_length=3, max_length=3)] = "CNY"
    placed_at: datetime
    status: ShopOrderStatus = ShopOrderStatus.PAID
    shipping_fee: Money = Decimal("0")
    lines: list[LineIn] = Field(min_length=1, max_length=200)
    tenders: list[TenderIn] = Field(min_length=1, max_length=10)
    promotions: list[PromotionIn] = Field(default_factory=list, max_length=20)

    @field_validator("currency")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class DeliveryLineIn(_In):
    line: Text
    quantity: Annotated[int, Field(ge=1, le=100_000)]


class DeliveryIn(_In):
    carrier: Text
    tracking_number: Text
    shipped_at: datetime
    signed_at: datetime | None = None
    lines: list[DeliveryLineIn] = Field(
        default_factory=list,
        max_length=200,
        description="Lines in this parcel; empty means every line in full.",
    )
