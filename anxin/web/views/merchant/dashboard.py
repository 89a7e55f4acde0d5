"""The merchant home: the dashboard teaser of the merchant's own cases."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..common import MERCHANTS, actor, audience
from ..dashboard import dashboard_for
from .dispute_display import dispute_figure_blocks


@audience(MERCHANTS)
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/merchant/home.html",
        {
            "stats": dashboard_for(actor=actor(request)),
            "dispute_figures": dispute_figure_blocks(actor(request)),
            "nav": "home",
        },
    )
