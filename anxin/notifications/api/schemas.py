"""Response shapes of the notifications and webhooks API."""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Schema
from pydantic import Field

from ..models import Notification, OutboxMessage, WebhookEndpoint

CASE_SUBJECT = "cases.case"  # a label, not an import: notifications depends on no emitting app


class NotificationOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    kind: str
    title: str
    body: str
    case_number: str
    case_id: UUID | None
    created_at: datetime
    read_at: datetime | None

    # The API named the case before notifications had a generic subject; it still does, and
    # leaves both empty for notifications about anything else.
    @staticmethod
    def resolve_case_number(obj: Notification) -> str:
        return obj.subject_number if obj.subject_type == CASE_SUBJECT else ""

    @staticmethod
    def resolve_case_id(obj: Notification) -> UUID | None:
        return obj.subject_public_id if obj.subject_type == CASE_SUBJECT else None


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None


class EndpointOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    merchant: str
    url: str
    events: list[str]
    active: bool
    created_at: datetime

    @staticmethod
    def resolve_merchant(obj: WebhookEndpoint) -> str:
        return obj.merchant.code


class EndpointCreatedOut(EndpointOut):
    secret: str = Field(description="The signing secret; shown only in this response.")


class DeliveryOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    endpoint: UUID | None
    event: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    response_status: int | None
    created_at: datetime
    sent_at: datetime | None
    redelivery_of: UUID | None
    payload: dict[str, Any]

    @staticmethod
    def resolve_endpoint(obj: OutboxMessage) -> UUID | None:
        return obj.endpoint.public_id if obj.endpoint is not None else None

    @staticmethod
    def resolve_redelivery_of(obj: OutboxMessage) -> UUID | None:
        return obj.redelivery_of.public_id if obj.redelivery_of is not None else None

    @staticmethod
    def resolve_next_attempt_at(obj: OutboxMessage) -> datetime | None:
        return obj.next_attempt_at if obj.status == "pending" else None


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None
