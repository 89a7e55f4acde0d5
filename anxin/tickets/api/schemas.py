"""What the tickets API returns."""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Schema


class SlaClockOut(Schema):
    metric: str
    status: str
    target_minutes: int
    due_at: datetime | None
    warned_at: datetime | None
    breached_at: datetime | None
    stopped_at: datetime | None

    @staticmethod
    def resolve_target_minutes(obj: Any) -> int:
        return int(obj.target.total_seconds() // 60)


class TicketOut(Schema):
    id: UUID
    number: str
    type: str
    priority: str
    channel: str
    status: str
    subject: str
    language: str
    verification: str
    team: str | None
    assignee: str | None
    order: str | None
    case: str | None
    escalation_level: int
    sla: str
    sla_due: datetime | None
    created_at: datetime
    updated_at: datetime


class MessageOut(Schema):
    visibility: str
    author_kind: str
    author: str
    channel: str
    body: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return obj.author_label or (obj.author.get_username() if obj.author_id else "")


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str
    actor_role: str
    reason: str
    created_at: datetime


class TicketDetailOut(TicketOut):
    stage: str
    tags: list[str]
    clocks: list[SlaClockOut]
    messages: list[MessageOut]
    events: list[EventOut]


class TicketPage(Schema):
    items: list[TicketOut]
    next_cursor: str | None
