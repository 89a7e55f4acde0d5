"""The platform's quality notices (质量公示, /notices/, no login): every failed inspection that was
published — shop, product, how it was inspected, what was found, what followed — newest first,
and the notices of one shop on its page. A notice holds no personal data (quality's model)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from anxin.catalog.models import Merchant
from anxin.quality.selectors import notice_get_public, notice_list_public

from .lookup import public_or_404

PER_PAGE = 20
ON_MERCHANT_PAGE = 5


def notices_of(merchant: Merchant) -> list[Any]:
    return list(notice_list_public(merchant=merchant.code)[:ON_MERCHANT_PAGE])


@require_safe
def notice_list(request: HttpRequest) -> HttpResponse:
    page_obj = Paginator(notice_list_public(), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/public/notices.html",
        {"page_obj": page_obj, "notices": page_obj.object_list, "nav": "notices"},
    )


def measures_text(notice: Any) -> str:
    """What followed the failed inspection, in the reader's language. Quality stores the sentence
    in the language of the inspector who recorded it; every notice comes from the same step
    (quality.effects: delisting, the penalty, a rectification request), so the page says it again
    from the notice's own figures, with quality's words."""
    return _(
        "Taken off sale; penalty of %(penalty)s deducted from the deposit; rectification requested."
    ) % {"penalty": f"{notice.penalty:.2f}"}


@require_safe
@public_or_404
def notice_detail(request: HttpRequest, number: str) -> HttpResponse:
    notice = notice_get_public(number=number)
    return render(
        request,
        "web/public/notice.html",
        {"notice": notice, "measures": measures_text(notice), "nav": "notices"},
    )
