"""Shapes of case requests and of each action's payload (API and web share them)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from .choices import CaseType, RejectCondition

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
# Case.return_carrier / replacement_carrier hold 40 characters.
Carrier = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CaseOpenIn(_In):
    order: Text = Field(description="Order id (UUID) or the shop's external order id")
    line: Text = Field(description="The line's external id")
    type: CaseType
    reason: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    quantity: Annotated[int, Field(ge=1, le=100_000)] = 1
    description: Annotated[str, StringConstraints(max_length=2000)] = ""
    keep_gifts: bool = False


class ActionIn(_In):
    """Every action accepts a reason; some need more (see the per-action classes)."""

    reason: Reason = ""
    version: int | None = Field(
        default=None,
        ge=0,
        description="The case version the caller saw; if it moved on, the action is refused (409)",
    )


class ApproveIn(ActionIn):
    return_address: UUID | None = Field(
        default=None, description="Return address id (UUID); the default address if empty"
    )


class ShipReturnIn(ActionIn):
    carrier: Carrier | None = None
    tracking_number: Text | None = None
    pickup: bool = Field(default=False, description="Ask the carrier to pick the parcel up instead")


class ConfirmReceiptIn(ActionIn):
    inspection: Annotated[str, StringConstraints(pattern=r"^(ok|issue)$")] = "ok"
    note: Annotated[str, StringConstraints(max_length=1000)] = ""


class ShipIn(ActionIn):
    carrier: Carrier
    tracking_number: Text


def _empty_is_none(value: Any) -> Any:
    return value if value not in ("", None) else None


class RejectIn(ActionIn):
    condition: Annotated[RejectCondition | None, BeforeValidator(_empty_is_none)] = Field(
        default=None,
        description=(
            "The item's condition the rejection rests on (tags_removed, used, damaged, incomplete, "
            "other); for a no-reason return the merchant must have attached a photo first"
        ),
    )


class ReviseIn(ActionIn):
    type: CaseType | None = None
    reason_code: Annotated[str, StringConstraints(min_length=1, max_length=60)] | None = None
    quantity: Annotated[int, Field(ge=1, le=100_000)] | None = None
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None


ACTION_INPUTS: dict[str, type[ActionIn]] = {
    "approve": ApproveIn,
    "reject": RejectIn,
    "ship_return": ShipReturnIn,
    "confirm_receipt": ConfirmReceiptIn,
    "ship_replacement": ShipIn,
    "ship_repaired": ShipIn,
    "revise": ReviseIn,
}


@dataclass(frozen=True)
class DisputeTerms:
    """What the disputes app hands a case move it drives: the dispute's number and, for a
    settlement or a ruling, the amount and the request type to execute. Never read from a request
    body, so nobody names a dispute or sets an amount through the case's own endpoints."""

    dispute: str
    refund_amount: Decimal | None = None
    type: CaseType | None = None

    def data(self) -> dict[str, str]:
        """The terms as they are stored in the move's history row."""
        data = {"dispute": self.dispute}
        if self.refund_amount is not None:
            data["refund_amount"] = str(self.refund_amount)
        if self.type is not None:
            data["type"] = str(self.type)
        return data
