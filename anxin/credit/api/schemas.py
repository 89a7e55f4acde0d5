"""Shapes of the credit API. Every component is named ``Credit…`` so that it cannot clash with
another app's schema in the one OpenAPI document."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field, StringConstraints

from ..choices import APPEALABLE
from ..selectors import sanction_reason

NO_NUL = r"^[^\x00]*$"
Code = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[^\x00]+$")]


class CreditFactorOut(Schema):
    key: str
    label: str
    formula: str
    explanation: str
    unit: str
    higher_is_better: bool
    available: bool
    value: float | None
    smoothed: float | None
    norm: float | None
    weight: float = Field(description="Share of the score in % (over the factors with data)")
    sub_score: float | None
    contribution: float | None = Field(description="Points of the 0–100 score it gives")
    lost_vs_norm: float = Field(description="Points lost against being at the category's norm")
    trend: float | None = Field(description="Smoothed value now minus 30 days ago")
    volume: int


class CreditHistoryPointOut(Schema):
    day: date
    score: Decimal
    tier: str


class CreditPublicOut(Schema):
    merchant_code: str
    merchant_name: str
    status: str
    score: Decimal | None
    tier: str | None
    tier_label: str
    day: date | None
    trend: Decimal | None
    category: str
    factors: list[CreditFactorOut]
    history: list[CreditHistoryPointOut]


class CreditImprovementOut(Schema):
    key: str
    label: str
    points: float
    advice: str


class CreditAppealOut(Schema):
    id: UUID = Field(alias="public_id")
    sanction: UUID
    merchant: str
    statement: str
    has_file: bool
    filed_by: str
    filed_at: datetime
    decision: str
    decision_note: str
    decided_at: datetime | None

    @staticmethod
    def resolve_sanction(obj: Any) -> UUID:
        return obj.sanction.public_id

    @staticmethod
    def resolve_merchant(obj: Any) -> str:
        return obj.merchant.code

    @staticmethod
    def resolve_has_file(obj: Any) -> bool:
        return bool(obj.file)

    @staticmethod
    def resolve_filed_at(obj: Any) -> datetime:
        return obj.created_at


class CreditSanctionOut(Schema):
    id: UUID = Field(alias="public_id")
    merchant: str
    step: str
    step_label: str
    status: str
    status_label: str
    day: date
    score: Decimal
    tier: str
    reason: str
    created_at: datetime
    decided_at: datetime | None
    decision_note: str
    appeal: UUID | None
    appealable: bool

    @staticmethod
    def resolve_merchant(obj: Any) -> str:
        return obj.merchant.code

    @staticmethod
    def resolve_step_label(obj: Any) -> str:
        return str(obj.get_step_display())

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_reason(obj: Any) -> str:
        return sanction_reason(obj)

    @staticmethod
    def resolve_appeal(obj: Any) -> UUID | None:
        return getattr(obj, "appeal_public_id", None)

    @staticmethod
    def resolve_appealable(obj: Any) -> bool:
        return obj.status in APPEALABLE and getattr(obj, "appeal_public_id", None) is None


class CreditMerchantOut(CreditPublicOut):
    status_label: str
    improve: list[CreditImprovementOut]
    sanctions: list[CreditSanctionOut]


class CreditMerchantQuery(Schema):
    merchant: str | None = Field(
        default=None,
        max_length=40,
        pattern=NO_NUL,
        description="Merchant code; needed only with platform access or several shops",
    )
    days: int = Field(default=180, ge=1, le=730)


class CreditPublicQuery(Schema):
    days: int = Field(default=180, ge=1, le=730)


class CreditSanctionQuery(Schema):
    merchant: str | None = Field(default=None, max_length=40, pattern=NO_NUL)
    status: str | None = Field(default=None, max_length=16, pattern=NO_NUL)
    step: str | None = Field(default=None, max_length=20, pattern=NO_NUL)


class CreditAppealQuery(Schema):
    open: bool = True


class CreditTierQuery(Schema):
    tier: str | None = Field(default=None, max_length=16, pattern=NO_NUL)


class CreditDecisionBody(Schema):
    decision: Literal["uphold", "overturn"]
    note: str = Field(max_length=1000, pattern=NO_NUL)


class CreditExitBody(Schema):
    confirm: bool
    note: str = Field(max_length=1000, pattern=NO_NUL)


class CreditTierRowOut(Schema):
    code: str
    name: str
    status: str
    score: Decimal
    tier: str
    day: date
    trend: Decimal | None
    open_sanctions: int


class CreditThresholdOut(Schema):
    step: str
    step_label: str
    below: Decimal
    days: int
    deposit_factor: Decimal | None
    grace_days: int
    enabled: bool
    note: str
    updated_at: datetime
    updated_by: str

    @staticmethod
    def resolve_step_label(obj: Any) -> str:
        return str(obj.get_step_display())


class CreditThresholdBody(Schema):
    below: Decimal | None = Field(default=None, ge=0, le=100)
    days: int | None = Field(default=None, ge=1, le=30)
    deposit_factor: Decimal | None = Field(default=None, ge=1, le=10)
    grace_days: int | None = Field(default=None, ge=0, le=365)
    enabled: bool | None = None
    note: str | None = Field(default=None, max_length=300, pattern=NO_NUL)
