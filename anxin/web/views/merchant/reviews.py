"""The shop's reviews at /shop/reviews/: every review of its products (filters: negative,
unanswered, with photos), the shop's one public reply to each (editable), and the after-sales
service figures consumers gave it (fair, fast, polite).

Reads come from ``anxin.reviews.selectors``; a reply goes to ``reviews.services.review_reply``
(POST/redirect/GET; a refused reply re-renders the page with the field at fault, 422).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anxin.catalog.models import Merchant
from anxin.core.actors import Actor
from anxin.core.errors import DomainError, NotFound
from anxin.reviews.choices import Part, ReviewStatus
from anxin.reviews.models import Review
from anxin.reviews.selectors import (
    ReviewFilters,
    appended_of,
    author_display,
    reply_of,
    review_get_for,
    review_summary,
    reviews_page_for,
    service_figures,
)
from anxin.reviews.services import review_reply

from ..common import MERCHANTS, actor, audience, flash_error

PER_PAGE = 20
MAX_REPLY = 500
FILTERS = {
    "all": gettext_lazy("All"),
    "negative": gettext_lazy("Negative (1–2 stars)"),
    "unanswered": gettext_lazy("Not answered"),
    "with_photos": gettext_lazy("With photos"),
}
# The filter each tab sets on ReviewFilters (the shop's reviews, newest first).
TAB_FILTERS: dict[str, dict[str, Any]] = {
    "all": {},
    "negative": {"negative": True},
    "unanswered": {"unanswered": True},
    "with_photos": {"with_photos": True},
}
STATUS_LABELS = dict(ReviewStatus.choices)


def shops_of(viewer: Actor) -> list[Merchant]:
    """The shops a merchant user works for (the reputation pages show one at a time)."""
    return list(Merchant.objects.for_actor(viewer).order_by("code"))


def shop_for(viewer: Actor, code: str) -> Merchant:
    """The shop asked for (``?shop=``), else the merchant's first shop; NotFound for another's."""
    shops = Merchant.objects.for_actor(viewer).order_by("code")
    shop = shops.filter(code=code[:40]).first() if code else shops.first()
    if shop is None:
        raise NotFound()
    return shop


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your public reply"),
        max_length=MAX_REPLY,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@dataclass(frozen=True)
class ReviewRow:
    review: Review
    stars: str
    author: str
    photos: list[Any]  # the review's own photos
    appended: Any
    appended_photos: list[Any]  # the 追评's (shown with it)
    reply: Any
    status_label: str
    hidden: bool
    failed: bool = False  # the reply form that was refused (shown open, with its error)


def review_row(review: Review, failed: str = "") -> ReviewRow:
    photos = list(review.photos.all())  # prefetched by the list selector
    return ReviewRow(
        review=review,
        stars="★" * review.stars + "☆" * (5 - review.stars),
        author=author_display(review),  # the one mask of every page and the API
        photos=[p for p in photos if p.part != Part.APPENDED],
        appended=appended_of(review),
        appended_photos=[p for p in photos if p.part == Part.APPENDED],
        reply=reply_of(review),
        status_label=str(STATUS_LABELS.get(review.status, review.status)),
        hidden=review.status != ReviewStatus.PUBLISHED,
        failed=str(review.public_id) == failed,
    )


def _show(request: HttpRequest) -> str:
    show = request.GET.get("show", "all")
    return show if show in FILTERS else "all"


def reviews_context(
    request: HttpRequest,
    shop: Merchant,
    *,
    failed: str = "",
    form: ReplyForm | None = None,
) -> dict[str, Any]:
    viewer = actor(request)
    show = _show(request)
    cursor = request.GET.get("cursor", "").strip()[:200] or None
    filters = ReviewFilters(merchant_code=shop.code, **TAB_FILTERS[show])
    page = reviews_page_for(actor=viewer, filters=filters, cursor=cursor, limit=PER_PAGE)
    summary = review_summary(merchant=shop)
    service = service_figures(merchant_ids=[shop.pk]).get(shop.pk)
    base = {"shop": shop.code} if len(shops_of(viewer)) > 1 else {}
    next_url = ""
    if page.next_cursor:
        next_url = "?" + urlencode({**base, "show": show, "cursor": page.next_cursor})
    return {
        "nav": "reviews",
        "shop": shop,
        "shops": shops_of(viewer),
        "show": show,
        "tabs": [
            (key, str(label), "?" + urlencode({**base, "show": key}))
            for key, label in FILTERS.items()
        ],
        "rows": [review_row(r, failed) for r in page.items],
        "next_url": next_url,
        "first_page": cursor is None,
        "summary": summary,
        "histogram": [
            (
                stars,
                summary.histogram.get(stars, 0),
                round(100 * summary.histogram.get(stars, 0) / summary.count)
                if summary.count
                else 0,
            )
            for stars in (5, 4, 3, 2, 1)
        ],
        "service": service,
        "failed": failed,
        "form": form or ReplyForm(),
    }


def _shop(request: HttpRequest) -> Merchant:
    return shop_for(actor(request), request.GET.get("shop", "").strip())


@audience(MERCHANTS)
def review_list(request: HttpRequest) -> HttpResponse:
    shop = _shop(request)
    try:
        context = reviews_context(request, shop)
    except DomainError as error:  # a damaged cursor: the first page, with the message
        flash_error(request, error)
        return redirect(reverse("merchant_reputation:reviews"))
    return render(request, "web/merchant/reviews/list.html", context)


@audience(MERCHANTS)
def reply_post(request: HttpRequest, public_id: str) -> HttpResponse:
    """Write or edit the shop's one public reply to a review."""
    if request.method != "POST":
        return redirect("merchant_reputation:reviews")
    viewer = actor(request)
    review = review_get_for(actor=viewer, public_id=public_id)
    form = ReplyForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            review_reply(actor=viewer, review=review, text=form.cleaned_data["text"].strip())
        except DomainError as error:
            fields = flash_error(request, error)
            for name, text in fields.items():
                form.add_error("text" if name == "text" else None, text)
            if not fields:
                status = error.status
        else:
            messages.success(request, _("Your reply was saved."))
            back = request.POST.get("back", "")
            url = reverse("merchant_reputation:reviews")
            if back.startswith("?") and len(back) < 400:
                url += back
            return redirect(f"{url}#review-{review.public_id}")
    shop = Merchant.objects.for_actor(viewer).get(pk=review.merchant_id)
    context = reviews_context(request, shop, failed=str(review.public_id), form=form)
    # the review replied to is shown even when the current filter (or page) leaves it out
    if not any(str(r.review.public_id) == str(review.public_id) for r in context["rows"]):
        context["rows"].insert(0, review_row(review, str(review.public_id)))
    return render(request, "web/merchant/reviews/list.html", context, status=status)
