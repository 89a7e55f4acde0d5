"""The consumer's reviews (评价), phone-first: what is waiting for a review, the reviews I wrote
(with their moderation status), writing a review of a delivered order line (stars, 描述相符 stars,
text, up to 9 photos, anonymity), adding to it later (追评, within 180 days), and rating how the
shop handled a finished request (fair, fast, polite).

Every write goes through the reviews services; their field errors come back on the field at
fault. A review held for moderation is said to be so, kindly: it is not refused."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from anxin.cases.choices import TERMINAL as CASE_FINISHED
from anxin.cases.selectors import case_get_for
from anxin.core.errors import DomainError, ValidationFailed
from anxin.reviews.choices import ReviewStatus
from anxin.reviews.device import device_of
from anxin.reviews.selectors import (
    append_deadline,
    appendable,
    line_get_for_review,
    review_get_for,
    reviewable_cases_for,
    reviewable_lines_for,
    reviews_page_for,
    service_review_get_for,
)
from anxin.reviews.services import (
    delivered_at,
    review_append,
    review_create,
    service_review_create,
)
from anxin.reviews.thresholds import APPEND_WINDOW, PHOTOS_MAX, TEXT_MAX
from anxin.web.views.public.review_display import review_card

from ..common import CONSUMERS, actor, audience, flash_error
from .home import page
from .request import IMAGE_MAGIC, MAX_PHOTO_BYTES

REVIEWS_PER_PAGE = 20
# Short enough for five buttons side by side on a phone; "stars" context: "Good" or "Poor" are
# other words elsewhere (a credit tier).
STAR_WORDS = [
    (1, pgettext_lazy("stars", "Very poor")),
    (2, pgettext_lazy("stars", "Poor")),
    (3, pgettext_lazy("stars", "OK")),
    (4, pgettext_lazy("stars", "Good")),
    (5, pgettext_lazy("stars", "Great")),
]
HELD = gettext_lazy(
    "Thank you! Your review will appear once a moderator has read it, usually within a day: "
    "something in it needs a person's look (for example a phone number or a link)."
)


def _stars_field(label: Any, *, required: bool = True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=STAR_WORDS,
        coerce=int,
        required=required,
        empty_value=None,
        error_messages={
            "required": gettext_lazy("Choose from 1 to 5 stars."),
            "invalid_choice": gettext_lazy("Choose from 1 to 5 stars."),
        },
    )


class ReviewForm(forms.Form):
    stars = _stars_field(gettext_lazy("How do you like the item?"))
    description_stars = _stars_field(
        gettext_lazy("Was it as described? (optional)"), required=False
    )
    text = forms.CharField(
        label=gettext_lazy("Your review (optional)"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea,
    )
    anonymous = forms.BooleanField(
        label=gettext_lazy("Post anonymously (your name is not shown)"), required=False
    )


class AppendForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("What would you like to add?"),
        max_length=TEXT_MAX,
        widget=forms.Textarea,
        error_messages={"required": gettext_lazy("Write what you would like to add.")},
    )


class ServiceForm(forms.Form):
    fair = _stars_field(gettext_lazy("Was the shop fair?"))
    fast = _stars_field(gettext_lazy("Was the shop fast?"))
    polite = _stars_field(gettext_lazy("Was the shop polite?"))
    comment = forms.CharField(
        label=gettext_lazy("Anything to add? (optional)"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea,
    )


def star_rows(form: forms.Form, name: str) -> list[tuple[int, Any, bool]]:
    """What ``_star_input.html`` draws for one field: (value, word, checked)."""
    chosen = str(form[name].value() or "")
    return [(value, word, str(value) == chosen) for value, word in STAR_WORDS]


def photo_files(request: HttpRequest) -> tuple[list[UploadedFile], str]:
    """The uploaded photos and a cheap check (count, size, looks like an image); the service
    decodes and re-encodes each one."""
    files = [f for f in request.FILES.getlist("photos") if f.size]
    if len(files) > PHOTOS_MAX:
        return files, _("At most %(n)s photos.") % {"n": PHOTOS_MAX}
    for upload in files:
        if upload.size and upload.size > MAX_PHOTO_BYTES:
            return files, _("This photo is larger than %(mb)s MB; choose a smaller one.") % {
                "mb": MAX_PHOTO_BYTES // (1024 * 1024)
            }
        head = upload.read(16)
        upload.seek(0)
        if not (head.startswith(IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")):
            return files, _("Only JPEG, PNG or WebP photos.")
    return files, ""


def add_errors(form: forms.Form, fields: dict[str, str]) -> None:
    """Put a service's field errors on the form's fields (others on the form itself)."""
    for name, text in fields.items():
        form.add_error(name if name in form.fields else None, text)


# --- my reviews -----------------------------------------------------------------------------------


@audience(CONSUMERS)
def my_reviews(request: HttpRequest) -> HttpResponse:
    """What waits for my review (delivered items, finished requests), then my reviews."""
    who = actor(request)
    cursor = request.GET.get("after") or None
    try:
        result = reviews_page_for(actor=who, cursor=cursor, limit=REVIEWS_PER_PAGE)
    except ValidationFailed:  # a damaged cursor: start again at the newest
        cursor = None
        result = reviews_page_for(actor=who, cursor=None, limit=REVIEWS_PER_PAGE)
    mine = [(review_card(r, public=False), appendable(r)) for r in result.items]
    return page(
        request,
        "web/consumer/reviews/list.html",
        {
            "lines": reviewable_lines_for(actor=who, limit=50) if not cursor else [],
            "cases": reviewable_cases_for(actor=who, limit=50) if not cursor else [],
            "mine": mine,
            "next_cursor": result.next_cursor,
            "paged": bool(cursor),
        },
        nav="reviews",
    )


# --- write a review -------------------------------------------------------------------------------


def _write_page(
    request: HttpRequest, line: Any, form: ReviewForm, *, status: int = 200, photos_error: str = ""
) -> HttpResponse:
    return page(
        request,
        "web/consumer/reviews/write.html",
        {
            "line": line,
            "order": line.order,
            "form": form,
            "stars": star_rows(form, "stars"),
            "description_stars": star_rows(form, "description_stars"),
            "delivered": delivered_at(line) is not None,
            "photos_error": photos_error,
            "max_photos": PHOTOS_MAX,
            "max_photo_bytes": MAX_PHOTO_BYTES,
            "text_max": TEXT_MAX,
        },
        nav="reviews",
        status=status,
    )


@audience(CONSUMERS)
def review_write(request: HttpRequest, order_id: uuid.UUID, line_ref: str) -> HttpResponse:
    """Review one delivered line of my order (someone else's line: 404, as a missing one)."""
    who = actor(request)
    line = line_get_for_review(actor=who, order=str(order_id), line=line_ref)
    existing = _review_of(line)
    if existing is not None:
        messages.info(request, _("You have already reviewed this item."))
        return redirect(f"{reverse('consumer_reviews:list')}#review-{existing.public_id}")
    if request.method != "POST":
        return _write_page(request, line, ReviewForm())
    form = ReviewForm(request.POST)
    files, photos_error = photo_files(request)
    if not form.is_valid() or photos_error:
        messages.error(request, _("Please correct the fields marked below."))
        return _write_page(request, line, form, status=400, photos_error=photos_error)
    data = form.cleaned_data
    try:
        review = review_create(
            actor=who,
            line=line,
            stars=data["stars"],
            description_stars=data["description_stars"],
            text=data["text"],
            anonymous=data["anonymous"],
            photos=files,  # type: ignore[arg-type]
            device=device_of(request),
        )
    except DomainError as error:
        fields = flash_error(request, error)
        photos_error = fields.pop("photos", "")
        add_errors(form, fields)
        return _write_page(request, line, form, status=400, photos_error=photos_error)
    if review.status == ReviewStatus.PENDING:
        messages.warning(request, str(HELD))
    else:
        messages.success(request, _("Thank you! Your review is published."))
    return redirect(f"{reverse('consumer_reviews:list')}#review-{review.public_id}")


def _review_of(line: Any) -> Any:
    """The line's review, if any (the reverse one-to-one raises when there is none)."""
    try:
        return line.review
    except line._meta.model.review.RelatedObjectDoesNotExist:
        return None


# --- 追评 -------------------------------------------------------------------------------------------


def _append_page(
    request: HttpRequest,
    review: Any,
    form: AppendForm,
    *,
    status: int = 200,
    photos_error: str = "",
) -> HttpResponse:
    return page(
        request,
        "web/consumer/reviews/append.html",
        {
            "review": review,
            "card": review_card(review, public=False),
            "open": appendable(review),
            "until": append_deadline(review),
            "window_days": APPEND_WINDOW.days,
            "form": form,
            "photos_error": photos_error,
            "max_photos": PHOTOS_MAX,
            "max_photo_bytes": MAX_PHOTO_BYTES,
            "text_max": TEXT_MAX,
        },
        nav="reviews",
        status=status,
    )


@audience(CONSUMERS)
def review_append_view(request: HttpRequest, review_id: uuid.UUID) -> HttpResponse:
    who = actor(request)
    review = review_get_for(actor=who, public_id=review_id)
    if request.method != "POST":
        return _append_page(request, review, AppendForm())
    form = AppendForm(request.POST)
    files, photos_error = photo_files(request)
    if not appendable(review):
        messages.error(request, _("This review can no longer be added to."))
        return _append_page(request, review, form, status=409)
    if not form.is_valid() or photos_error:
        messages.error(request, _("Please correct the fields marked below."))
        return _append_page(request, review, form, status=400, photos_error=photos_error)
    try:
        appended = review_append(
            actor=who,
            review=review,
            text=form.cleaned_data["text"],
            photos=files,  # type: ignore[arg-type]
        )
    except DomainError as error:
        fields = flash_error(request, error)
        photos_error = fields.pop("photos", "")
        add_errors(form, fields)
        fresh = review_get_for(actor=who, public_id=review_id)
        return _append_page(request, fresh, form, status=400, photos_error=photos_error)
    if appended.status == ReviewStatus.PENDING:
        messages.warning(request, str(HELD))
    else:
        messages.success(request, _("Thank you! What you added is published under your review."))
    return redirect(f"{reverse('consumer_reviews:list')}#review-{review.public_id}")


# --- rate the service of a finished request -------------------------------------------------------


def _service_page(
    request: HttpRequest, case: Any, form: ServiceForm, *, status: int = 200
) -> HttpResponse:
    return page(
        request,
        "web/consumer/reviews/service.html",
        {
            "case": case,
            "form": form,
            "done": service_review_get_for(actor=actor(request), case=case),
            "finished": case.status in CASE_FINISHED,
            "stars": {name: star_rows(form, name) for name in ("fair", "fast", "polite")},
            "text_max": TEXT_MAX,
        },
        nav="reviews",
        status=status,
    )


@audience(CONSUMERS)
def service_review(request: HttpRequest, number: str) -> HttpResponse:
    """Rate how the shop handled my finished request: fair, fast, polite (1–5) and a comment."""
    who = actor(request)
    case = case_get_for(actor=who, number=number)
    if request.method != "POST":
        return _service_page(request, case, ServiceForm())
    form = ServiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the fields marked below."))
        return _service_page(request, case, form, status=400)
    data = form.cleaned_data
    try:
        done = service_review_create(
            actor=who,
            case=case,
            fair=data["fair"],
            fast=data["fast"],
            polite=data["polite"],
            comment=data["comment"],
        )
    except DomainError as error:
        add_errors(form, flash_error(request, error))
        return _service_page(request, case, form, status=400)
    if done.status == ReviewStatus.PENDING:
        messages.warning(
            request,
            _(
                "Thank you! Your scores count at once; your comment will be shown once a "
                "moderator has read it."
            ),
        )
    else:
        messages.success(request, _("Thank you for rating the shop's service."))
    return redirect("consumer:case", number=number)
