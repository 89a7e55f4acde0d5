"""/api/v1/reviews: write a review (multipart, with photos), its 追评, the shop's reply; read my
reviews, the shop's, one review and its photos; what I may still review. Parse → one service or
selector → render."""

from __future__ import annotations

from typing import Any, BinaryIO, cast

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from anxin.accounts.api.auth import API_AUTH, actor_of
from anxin.cases.selectors import case_get_for

from .. import selectors, services
from ..device import DEVICE_HEADER, device_of
from .schemas import (
    Key,
    ReviewableOut,
    ReviewListQuery,
    ReviewOut,
    ReviewPage,
    ReviewReplyBody,
    ReviewServiceBody,
    ReviewServiceOut,
    review_out,
)

router = Router(tags=["reviews"], auth=API_AUTH)


def _photos(photos: list[UploadedFile] | None) -> list[BinaryIO]:
    return [cast(BinaryIO, photo) for photo in photos or []]


def _fresh(request: HttpRequest, review: Any) -> dict[str, Any]:
    return review_out(selectors.review_get_for(actor=actor_of(request), public_id=review.public_id))


@router.get(
    "/reviews/reviewable",
    response=ReviewableOut,
    summary="What I can still review: delivered items and finished requests",
)
def reviewable(request: HttpRequest) -> Any:
    actor = actor_of(request)
    lines = selectors.reviewable_lines_for(actor=actor)
    cases = selectors.reviewable_cases_for(actor=actor)
    return {
        "lines": [
            {
                "order": line.order.public_id,
                "order_number": line.order.number,
                "line": line.external_id,
                "merchant": line.order.merchant.code,
                "sku": {"code": line.sku.code, "name": line.sku.name},
                "product_name": line.product_name,
            }
            for line in lines
        ],
        "cases": [
            {"number": c.number, "merchant": c.merchant.code, "product_name": c.line.product_name, "status": c.status}
            for c in cases
        ],
    }  # fmt: skip


@router.post(
    "/reviews",
    response={201: ReviewOut},
    summary="Review a delivered item (multipart, up to 9 photos)",
)
def review_create(
    request: HttpRequest,
    order: Form[Key],
    line: Form[Key],
    stars: Form[int],
    text: Form[str] = "",
    description_stars: Form[int | None] = None,
    anonymous: Form[bool] = False,
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[Any]:
    actor = actor_of(request)
    found = selectors.line_get_for_review(actor=actor, order=order, line=line)
    review = services.review_create(
        actor=actor, line=found, stars=stars, text=text, description_stars=description_stars,
        anonymous=anonymous, photos=_photos(photos), device=device_of(request),
    )  # fmt: skip
    return Status(201, _fresh(request, review))


@router.get(
    "/reviews",
    response=ReviewPage,
    summary="My reviews (consumer), the shop's (merchant), all (platform staff)",
)
def review_list(request: HttpRequest, query: Query[ReviewListQuery]) -> Any:
    filters = selectors.ReviewFilters(
        status=query.status, sku_code=query.sku, merchant_code=query.merchant,
        negative=query.negative, unanswered=query.unanswered, with_photos=query.with_photos,
    )  # fmt: skip
    page = selectors.reviews_page_for(
        actor=actor_of(request), filters=filters, cursor=query.cursor, limit=query.limit
    )
    return {"items": [review_out(r) for r in page.items], "next_cursor": page.next_cursor}


@router.get("/reviews/{review_id}", response=ReviewOut, summary="One review")
def review_get(request: HttpRequest, review_id: Key) -> Any:
    return review_out(selectors.review_get_for(actor=actor_of(request), public_id=review_id))


@router.post(
    "/reviews/{review_id}/appended",
    response={201: ReviewOut},
    summary="Append to my review (追评, once, within 180 days)",
)
def review_append(
    request: HttpRequest,
    review_id: Key,
    text: Form[str] = "",
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[Any]:
    actor = actor_of(request)
    review = selectors.review_get_for(actor=actor, public_id=review_id)
    services.review_append(actor=actor, review=review, text=text, photos=_photos(photos))
    return Status(201, _fresh(request, review))


@router.post(
    "/reviews/{review_id}/reply",
    response={200: ReviewOut},
    summary="The shop's public reply (written once, editable)",
)
def review_reply(request: HttpRequest, review_id: Key, payload: ReviewReplyBody) -> Any:
    actor = actor_of(request)
    review = selectors.review_get_for(actor=actor, public_id=review_id)
    services.review_reply(actor=actor, review=review, text=payload.text)
    return _fresh(request, review)


@router.post(
    "/cases/{number}/service-review",
    response={201: ReviewServiceOut},
    summary="Review how the merchant handled a finished request",
)
def service_review_create(
    request: HttpRequest, number: Key, payload: ReviewServiceBody
) -> Status[Any]:
    actor = actor_of(request)
    case = case_get_for(actor=actor, number=number)
    service = services.service_review_create(
        actor=actor,
        case=case,
        fair=payload.fair,
        fast=payload.fast,
        polite=payload.polite,
        comment=payload.comment,
    )
    return Status(201, service)


__all__ = ["DEVICE_HEADER", "device_of", "router"]  # device_of: pages import it from ..device
