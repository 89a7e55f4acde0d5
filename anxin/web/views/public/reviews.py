"""A product's public review list (/merchants/<code>/products/<sku>/reviews/, no login): the tabs
全部 / 有图 / 追评 / 差评 with their counts, newest first, "more" follows a cursor; and the photos
of published reviews (anyone), or of one's own review waiting for moderation (its author)."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from anxin.accounts.services import actor_for_user
from anxin.core.errors import ValidationFailed
from anxin.core.responses import photo_response
from anxin.reviews.choices import ReviewFilter, ReviewStatus
from anxin.reviews.selectors import public_reviews_page, review_photo_get

from .lookup import public_or_404, public_sku
from .review_display import review_card, summary_view

PER_PAGE = 20


@require_safe
@public_or_404
def product_reviews(request: HttpRequest, code: str, sku_code: str) -> HttpResponse:
    sku = public_sku(code, sku_code)
    tab = request.GET.get("filter", ReviewFilter.ALL)
    if tab not in ReviewFilter.values:
        tab = ReviewFilter.ALL
    cursor = request.GET.get("after") or None
    try:
        page = public_reviews_page(sku=sku, filter=tab, cursor=cursor, limit=PER_PAGE)
    except ValidationFailed:  # a damaged cursor: start again at the newest
        cursor = None
        page = public_reviews_page(sku=sku, filter=tab, cursor=None, limit=PER_PAGE)
    summary = summary_view(sku=sku)
    counts: dict[str, int] = {
        ReviewFilter.ALL: summary.count,
        ReviewFilter.WITH_PHOTOS: summary.with_photos,
        ReviewFilter.APPENDED: summary.appended,
        ReviewFilter.NEGATIVE: summary.negative,
    }
    return render(
        request,
        "web/public/product_reviews.html",
        {
            "sku": sku,
            "merchant": sku.merchant,
            "summary": summary,
            "tabs": [(value, label, counts[value]) for value, label in ReviewFilter.choices],
            "tab": tab,
            "cards": [review_card(r) for r in page.items],
            "next_cursor": page.next_cursor,
            "paged": bool(cursor),
        },
    )


@require_safe
@public_or_404
def review_photo(request: HttpRequest, review_id: uuid.UUID, photo_id: uuid.UUID) -> HttpResponse:
    who = actor_for_user(request.user) if request.user.is_authenticated else None
    photo = review_photo_get(actor=who, review_id=review_id, photo_id=photo_id)
    public = photo.review.status == ReviewStatus.PUBLISHED
    return photo_response(
        photo, cache="public, max-age=3600" if public else "private, max-age=3600"
    )
