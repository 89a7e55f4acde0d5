"""Console lookup: find an order or a consumer from one search box."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from anxin.web.lookup import MAX_QUERY, lookup

from ..common import PLATFORM_STAFF, actor, audience
from .forms import LookupForm
from .home import page


@audience(PLATFORM_STAFF)
def lookup_page(request: HttpRequest) -> HttpResponse:
    """``?q=`` an order id (shop's or UUID), order or case number, or phone number."""
    asked = request.GET.get("q", "").strip()
    form = LookupForm({"q": request.GET["q"]} if asked else None)
    result = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            result = lookup(actor=actor(request), query=form.cleaned_data["q"])
        elif len(request.GET.get("q", "")) > MAX_QUERY:
            status = 400
    return page(
        request,
        "web/console/lookup.html",
        {"form": form, "result": result, "max_query": MAX_QUERY},
        nav="lookup",
        status=status,
    )
