"""/api/v1/assistant/sessions: chat with the assistant from an app or the web widget."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from anxin.accounts.api.auth import API_AUTH, actor_of

from .. import selectors, services
from ..choices import SessionChannel
from ..models import Conversation, Message

router = Router(tags=["assistant"])


class SessionIn(Schema):
    language: str = Field(default="zh-hans", pattern=r"^(zh-hans|en)$", description="zh-hans or en")
    channel: SessionChannel = SessionChannel.API


class MessageIn(Schema):
    text: str = Field(
        default="",
        max_length=20_000,
        description="What the customer typed (cut to 2,000 characters)",
    )
    choice: str = Field(
        default="", max_length=80, description="The `choice` of a button the customer pressed"
    )


class RatingIn(Schema):
    score: int = Field(ge=1, le=5)


class ButtonOut(Schema):
    label: str
    choice: str


class LinkOut(Schema):
    label: str
    url: str


class MessageOut(Schema):
    role: str
    text: str
    buttons: list[ButtonOut] = []
    links: list[LinkOut] = []
    created_at: datetime


class UnderstoodOut(Schema):
    intent: str
    confidence: float
    lang: str
    slots: dict[str, Any]


class SessionOut(Schema):
    id: UUID
    status: str
    language: str
    ticket: str | None = Field(default=None, description="The hand-off ticket's number")
    messages: list[MessageOut]


class ReplyOut(SessionOut):
    understood: UnderstoodOut


def _message(message: Message) -> dict[str, Any]:
    return {
        "role": message.role,
        "text": message.text,
        "buttons": message.payload.get("buttons", []),
        "links": message.payload.get("links", []),
        "created_at": message.created_at,
    }


def _session(conversation: Conversation, messages: list[Message]) -> dict[str, Any]:
    return {
        "id": conversation.public_id,
        "status": conversation.status,
        "language": conversation.language,
        "ticket": conversation.ticket.number
        if conversation.ticket_id and conversation.ticket
        else None,
        "messages": [_message(m) for m in messages],
    }


@router.post(
    "/assistant/sessions", response={201: SessionOut}, auth=API_AUTH, summary="Start a chat"
)
def session_start(request: HttpRequest, payload: SessionIn) -> Status:
    """A new conversation for the signed-in customer; the answer holds the greeting."""
    conversation, messages = services.conversation_start(
        actor=actor_of(request), channel=payload.channel, language=payload.language
    )
    return Status(201, _session(conversation, messages))


@router.get(
    "/assistant/sessions/{session_id}",
    response=SessionOut,
    auth=API_AUTH,
    summary="A chat and its messages",
)
def session_get(request: HttpRequest, session_id: UUID) -> dict[str, Any]:
    conversation = selectors.conversation_get_for_customer(
        actor=actor_of(request), public_id=session_id
    )
    return _session(conversation, list(conversation.messages.order_by("created_at", "id")))


@router.post(
    "/assistant/sessions/{session_id}/messages",
    response=ReplyOut,
    auth=API_AUTH,
    summary="Send a message; get the assistant's answers",
)
def message_post(request: HttpRequest, session_id: UUID, payload: MessageIn) -> dict[str, Any]:
    """``messages`` holds only the new answers. Send ``choice`` (with the button's label as
    ``text``) when the customer pressed a button. 422 for an empty message."""
    actor = actor_of(request)
    conversation = selectors.conversation_get_for_customer(actor=actor, public_id=session_id)
    heard, messages = services.message_post(
        actor=actor, conversation=conversation, text=payload.text, choice=payload.choice
    )
    conversation.refresh_from_db()
    return {
        **_session(conversation, messages),
        "understood": {
            "intent": heard.intent,
            "confidence": heard.confidence,
            "lang": heard.lang,
            "slots": heard.slots,
        },
    }


@router.post(
    "/assistant/sessions/{session_id}/rating",
    response=SessionOut,
    auth=API_AUTH,
    summary="Rate the chat",
)
def session_rate(request: HttpRequest, session_id: UUID, payload: RatingIn) -> dict[str, Any]:
    conversation = selectors.conversation_get_for_customer(
        actor=actor_of(request), public_id=session_id
    )
    services.conversation_rate(conversation=conversation, score=payload.score)
    return _session(conversation, [])


class PhotosOut(Schema):
    waiting: int = Field(description="Photos waiting for the next request this chat opens")


@router.post(
    "/assistant/sessions/{session_id}/photos",
    response={201: PhotosOut},
    auth=API_AUTH,
    summary="Send a photo (for the request the chat opens next)",
)
def photo_add(request: HttpRequest, session_id: UUID, file: File[UploadedFile]) -> Status:
    """JPEG, PNG or WebP up to 10 MB; re-encoded without EXIF. At most 9 per chat (422)."""
    actor = actor_of(request)
    conversation = selectors.conversation_get_for_customer(actor=actor, public_id=session_id)
    waiting = services.photo_add(actor=actor, conversation=conversation, stream=file.read())
    return Status(201, {"waiting": waiting})
