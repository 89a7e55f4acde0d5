"""/api/v1/cases/{number}/messages: the case's messages (留言) between the consumer, the merchant
and the platform, and writing one (multipart: ``body``, up to 9 ``photos``, and for platform
staff ``visible_to``)."""

from typing import Any, BinaryIO, cast

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from anxin.accounts.api.auth import API_AUTH, actor_of

from .. import selectors, services
from ..choices import MessageAudience
from .schemas import MessageOut

router = Router(tags=["cases"], auth=API_AUTH)


@router.get(
    "/cases/{number}/messages", response=list[MessageOut], summary="A case's messages, oldest first"
)
def message_list(request: HttpRequest, number: str) -> Any:
    actor = actor_of(request)
    case = selectors.case_get_for(actor=actor, number=number)
    return list(selectors.case_messages_for(actor=actor, case=case))


@router.post(
    "/cases/{number}/messages",
    response={201: MessageOut},
    summary="Write a message on a case (with up to 9 photos)",
)
def message_post(
    request: HttpRequest,
    number: str,
    body: Form[str] = "",
    visible_to: Form[MessageAudience] = MessageAudience.BOTH,
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[Any]:
    actor = actor_of(request)
    case = selectors.case_get_for(actor=actor, number=number)
    message = services.case_message_post(
        actor=actor,
        case=case,
        body=body,
        photos=[cast(BinaryIO, photo) for photo in photos or []],
        visible_to=visible_to,
    )
    return Status(201, message)
