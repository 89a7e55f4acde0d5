"""Server-rendered pages (the full UI arrives with the web UI issue)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from anxin.accounts.services import actor_for_user
from anxin.catalog.permissions import orders_visible_to


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_for_user(request.user)  # type: ignore[arg-type]
    orders = orders_visible_to(actor)
    context = {
        "actor": actor,
        "order_count": orders.count(),
        "recent_orders": orders.select_related("merchant").order_by("-placed_at")[:10],
    }
    return render(request, "web/home.html", context)
