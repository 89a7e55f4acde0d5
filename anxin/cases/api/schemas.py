"""Response shapes of the cases API."""

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.utils import translation
from ninja import Schema
from pydantic import Field

from ..choices import TAOBAO_STATUS
from ..models import Case, CaseEvent
from ..permissions import party_of
from ..selectors import case_actions_for


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str
    actor_role: str
    reason: str
    automatic: bool = Field(validation_alias="is_automatic")
    at: datetime = Field(validation_alias="created_at")
    data: dict[str, Any]

    @staticmethod
    def resolve_data(obj: CaseEvent) -> dict[str, Any]:
        return {k: v for k, v in obj.data.items() if k not in {"deadline"}}


class DeadlineOut(Schema):
    kind: str
    action: str
    due_at: datetime
    rule: str


class CaseOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    number: str
    version: int = Field(validation_alias="state_version")
    rma: str
    type: str
    status: str
    taobao_status: str
    merchant: str
    order: UUID
    order_external_id: str
    line: str
    quantity: int
    reason: str
    description: str
    refund_amount: Decimal
    currency: str
    freight_payer: str
    rule: str
    return_address: dict[str, str]
    return_carrier: str
    return_tracking_number: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_taobao_status(obj: Case) -> str:
        return TAOBAO_STATUS.get(obj.status, "")

    @staticmethod
    def resolve_merchant(obj: Case) -> str:
        return obj.merchant.code

    @staticmethod
    def resolve_order(obj: Case) -> UUID:
        return obj.order.public_id

    @staticmethod
    def resolve_order_external_id(obj: Case) -> str:
        return obj.order.external_id

    @staticmethod
    def resolve_line(obj: Case) -> str:
        return obj.line.external_id

    @staticmethod
    def resolve_reason(obj: Case) -> str:
        return obj.reason.code


class CaseDetailOut(CaseOut):
    explanation: dict[str, Any]
    events: list[EventOut]
    deadlines: list[DeadlineOut]
    actions: list[str]
    inspection: dict[str, Any]
    replacement_carrier: str
    replacement_tracking_number: str

    @staticmethod
    def resolve_explanation(obj: Case) -> dict[str, Any]:
        language = "zh-hans" if (translation.get_language() or "").startswith("zh") else "en"
        return obj.explanation.get(language, {})

    @staticmethod
    def resolve_events(obj: Case) -> list[CaseEvent]:
        return list(obj.events.all())

    @staticmethod
    def resolve_deadlines(obj: Case, context: Any) -> list[Any]:
        from ..selectors import case_open_deadlines

        return list(case_open_deadlines(obj))

    @staticmethod
    def resolve_actions(obj: Case, context: Any) -> list[str]:
        actor = getattr(context["request"], "actor", None)
        if actor is None:
            return []
        return case_actions_for(obj, actor)


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: str | None


class RefundOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    case: str | None
    amount: Decimal
    currency: str
    status: str
    provider: str
    provider_reference: str
    attempts: int
    created_at: datetime
    settled_at: datetime | None

    @staticmethod
    def resolve_case(obj: Any) -> str | None:
        return obj.case.number if obj.case else None


class EvidenceOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    content_type: str
    size: int
    width: int
    height: int
    sha256: str


class MessageOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    party: str = Field(description="consumer, merchant or platform: who wrote it")
    author_role: str
    visible_to: str = Field(description="both, consumer or merchant: who reads it")
    mine: bool = Field(default=False, description="Written by the caller's side")
    body: str
    photos: list[EvidenceOut]
    created_at: datetime

    @staticmethod
    def resolve_photos(obj: Any) -> list[Any]:
        return list(obj.photos.all())

    @staticmethod
    def resolve_mine(obj: Any, context: Any) -> bool:
        actor = getattr(context["request"], "actor", None)
        return actor is not None and party_of(actor) == obj.party
