"""The platform console (小二): the overview and the at-risk / overdue board.

Case list, case page and interventions are in ``cases``; the lookup in ``lookup``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from anxin.cases.board import (
    AT_RISK_HOURS,
    LEGAL_REFUND_DAYS,
    CaseOverview,
    case_board_for,
    case_overview_for,
)
from anxin.core import clock
from anxin.core.actors import Role

from ..common import PLATFORM_STAFF, actor, audience, is_htmx
from ..dashboard import Dashboard, Tile, dashboard_for, duration_text

BOARD_REFRESH_SECONDS = 30


def page(
    request: HttpRequest, template: str, context: dict[str, Any], *, nav: str, status: int = 200
) -> HttpResponse:
    """Render a console page with what its layout needs (current nav item, admin link)."""
    context = {"nav": nav, "is_admin": actor(request).role is Role.ADMIN, **context}
    return render(request, template, context, status=status)


def _tiles(overview: CaseOverview, dashboard: Dashboard) -> list[Tile]:
    """The platform's key figures: the shared dashboard's, with the board's buckets instead of
    the merchant's "waiting for you"."""
    numbers = dashboard.numbers
    return [
        Tile(_("Open cases"), str(overview.open_total)),
        Tile(
            _("Overdue"),
            str(overview.overdue),
            _("deadline already due"),
            "danger" if overview.overdue else "",
        ),
        Tile(
            _("At risk"),
            str(overview.at_risk),
            _("deadline close"),
            "warn" if overview.at_risk else "",
        ),
        Tile(
            _("Past the legal line"),
            str(overview.past_legal),
            _("refund requests open over %(n)s days") % {"n": LEGAL_REFUND_DAYS},
            "danger" if overview.past_legal else "",
        ),
        Tile(_("Opened today"), str(numbers.opened_today)),
        Tile(_("Refunded today"), str(numbers.refunded_today)),
        Tile(
            _("Median time to approve"),
            duration_text(numbers.median_hours_to_approve),
            _("last 30 days, %(n)s cases") % {"n": numbers.approvals_counted},
        ),
        Tile(
            _("Median time to refund"),
            duration_text(numbers.median_hours_to_refund),
            _("last 30 days, %(n)s cases") % {"n": numbers.refunds_counted},
        ),
    ]


@audience(PLATFORM_STAFF)
def home(request: HttpRequest) -> HttpResponse:
    """Key figures and charts for every merchant (the shared dashboard teaser), open cases by
    status and the merchants with the most open cases."""
    overview = case_overview_for(actor=actor(request))
    dashboard = dashboard_for(actor=actor(request))
    return page(
        request,
        "web/console/home.html",
        {
            "overview": overview,
            "stats": replace(dashboard, tiles=_tiles(overview, dashboard)),
            "at_risk_hours": AT_RISK_HOURS,
            "legal_days": LEGAL_REFUND_DAYS,
        },
        nav="home",
    )


@audience(PLATFORM_STAFF)
def board(request: HttpRequest) -> HttpResponse:
    """The board; htmx polls the same URL every 30 s and gets just the columns back."""
    context = {
        "board": case_board_for(actor=actor(request)),
        "refreshed_at": clock.now(),
        "refresh_seconds": BOARD_REFRESH_SECONDS,
        "at_risk_hours": AT_RISK_HOURS,
        "legal_days": LEGAL_REFUND_DAYS,
    }
    if is_htmx(request):
        response = render(request, "web/console/_board.html", context)
    else:
        response = page(request, "web/console/board.html", context, nav="board")
    patch_vary_headers(response, ["HX-Request"])
    return response
