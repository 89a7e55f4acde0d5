"""Shapes of ticket requests (API, web forms and channel adapters share them)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from .choices import Channel, Priority, TicketType

Subject = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10000)]
Ref = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)]
Lang = Annotated[str, StringConstraints(pattern=r"^(zh-hans|en)$")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TicketOpenIn(_In):
    type: TicketType
    priority: Priority = Priority.NORMAL
    subject: Subject
    body: Body
    order: Ref = Field(default="", description="Order id (UUID) or the shop's order id")
    case: Ref = Field(default="", description="Case number, e.g. AS20261105000001")
    language: Lang | None = None
    contact_name: Name = ""
    contact_email: EmailStr | None = None
    contact_phone: Phone = ""


class ChannelTicketIn(TicketOpenIn):
    """App and social-media intake through the API keep their origin channel."""

    channel: Channel = Channel.API


class ReplyIn(_In):
    body: Body
    internal: bool = False
    canned_reply: Ref = ""


class ActIn(_In):
    reason: Annotated[str, StringConstraints(max_length=1000)] = ""
    version: int | None = Field(default=None, ge=0)
    into: Ref = Field(default="", description="For merge: the ticket number that stays open")


class TransferIn(_In):
    team: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class AssignIn(_In):
    assignee: int | None = None
    reason: Annotated[str, StringConstraints(max_length=1000)] = ""


class TagsIn(_In):
    tags: list[Annotated[str, StringConstraints(min_length=1, max_length=40)]] = Field(
        default_factory=list, max_length=20
    )


class VerifyIn(_In):
    verified: bool
    note: Annotated[str, StringConstraints(max_length=1000)] = ""
