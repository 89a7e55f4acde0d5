"""/api/v1/moderation: the queue of held parts and fraud signals, and a moderator's decision."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from anxin.accounts.api.auth import API_AUTH, actor_of
from anxin.core.errors import Forbidden

from .. import selectors, services
from ..permissions import can_moderate
from .schemas import (
    ReviewDecisionBody,
    ReviewModerationOut,
    ReviewModerationPage,
    ReviewModerationQuery,
    moderation_out,
)

router = Router(tags=["reviews"], auth=API_AUTH)


@router.get(
    "/moderation", response=ReviewModerationPage, summary="The review moderation queue (moderators)"
)
def moderation_list(request: HttpRequest, query: Query[ReviewModerationQuery]) -> Any:
    actor = actor_of(request)
    if not can_moderate(actor):
        raise Forbidden()
    page = selectors.moderation_page(
        actor=actor,
        reason=query.reason,
        part=query.part,
        open_only=query.open,
        cursor=query.cursor,
        limit=query.limit,
    )
    return {"items": [moderation_out(i) for i in page.items], "next_cursor": page.next_cursor}


@router.post(
    "/moderation/{item_id}/decision",
    response=ReviewModerationOut,
    summary="Publish, hide or reject, saying why",
)
def moderation_decision(request: HttpRequest, item_id: int, payload: ReviewDecisionBody) -> Any:
    actor = actor_of(request)
    if not can_moderate(actor):
        raise Forbidden()
    item = selectors.moderation_get_for(actor=actor, pk=item_id)
    decided = services.moderation_decide(
        actor=actor, item=item, action=payload.action, reason=payload.reason
    )
    return moderation_out(selectors.moderation_get_for(actor=actor, pk=decided.pk))
