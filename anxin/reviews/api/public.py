"""Public (no login) review lists: a product's reviews with their tabs (有图, 追评, 差评) and summary,
a shop's reviews and figures, and the photos of published reviews."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from anxin.accounts.api.auth import API_AUTH
from anxin.catalog.models import Sku
from anxin.catalog.selectors import merchant_public_get, sku_public_get
from anxin.core.responses import photo_response

from .. import selectors
from .schemas import (
    Key,
    ReviewFiguresOut,
    ReviewPage,
    ReviewPublicQuery,
    ReviewSummaryOut,
    review_out,
    service_figures_out,
    summary_out,
)

router = Router(tags=["reviews"], auth=None)


def _page(page: Any) -> dict[str, Any]:
    return {"items": [review_out(r) for r in page.items], "next_cursor": page.next_cursor}


def _sku(code: str, sku: str) -> Sku:
    return sku_public_get(merchant_code=code, code=sku)


@router.get(
    "/merchants/{code}/skus/{sku}/reviews",
    response=ReviewPage,
    summary="A product's published reviews (no login)",
)
def sku_reviews(request: HttpRequest, code: Key, sku: Key, query: Query[ReviewPublicQuery]) -> Any:
    found = _sku(code, sku)
    return _page(
        selectors.public_reviews_page(
            sku=found, filter=query.filter, cursor=query.cursor, limit=query.limit
        )
    )


@router.get(
    "/merchants/{code}/skus/{sku}/reviews/summary",
    response=ReviewSummaryOut,
    summary="A product's rating summary (no login)",
)
def sku_summary(request: HttpRequest, code: Key, sku: Key) -> Any:
    return summary_out(selectors.review_summary(sku=_sku(code, sku)))


@router.get(
    "/merchants/{code}/reviews",
    response=ReviewPage,
    summary="A shop's published reviews (no login)",
)
def merchant_reviews(request: HttpRequest, code: Key, query: Query[ReviewPublicQuery]) -> Any:
    merchant = merchant_public_get(code=code)
    return _page(
        selectors.public_reviews_page(
            merchant=merchant, filter=query.filter, cursor=query.cursor, limit=query.limit
        )
    )


@router.get(
    "/merchants/{code}/review-figures",
    response=ReviewFiguresOut,
    summary="A shop's rating, 描述相符 and service scores (no login)",
)
def merchant_figures(request: HttpRequest, code: Key) -> Any:
    merchant = merchant_public_get(code=code)
    service = selectors.service_figures(merchant_ids=[merchant.pk]).get(merchant.pk)
    return {
        "merchant": merchant.code,
        "rating": summary_out(selectors.review_summary(merchant=merchant)),
        "service": service_figures_out(service),
    }


def _optional_actor(request: HttpRequest) -> Any:
    """The signed-in caller, if any (a photo of a review not public is theirs to see only)."""
    for auth in API_AUTH:
        if auth(request):
            return getattr(request, "actor", None)
    return None


@router.get(
    "/reviews/{review_id}/photos/{photo_id}", url_name="review_photo", summary="A review's photo"
)
def review_photo(request: HttpRequest, review_id: Key, photo_id: Key) -> HttpResponse:
    photo = selectors.review_photo_get(
        actor=_optional_actor(request), review_id=review_id, photo_id=photo_id
    )
    public = photo.review.status == "published"
    return photo_response(
        photo, cache="public, max-age=3600" if public else "private, max-age=3600"
    )
