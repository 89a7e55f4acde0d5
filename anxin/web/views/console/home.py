"""The platform console (小二): the overview and the at-risk / overdue board.

Case list, case page and interventions are in ``cases``; the lookup in ``lookup``; disputes in
``disputes`` and ``arbitration``. A disputed case waits on its dispute's next deadline
(``Dispute.due_at``), not on a case deadline: the board and the overview count it by that one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anxin.cases.board import (
    AT_RISK_HOURS,
    AT_RISK_WITHIN,
    LEGAL_REFUND_DAYS,
    BoardCard,
    CaseBoard,
    CaseOverview,
    case_board_for,
    case_overview_for,
)
from anxin.cases.selectors import AT_RISK, OVERDUE, deadline_urgency
from anxin.core import clock
from anxin.core.actors import Actor, Role
from anxin.core.models import Deadline, DeadlineState
from anxin.disputes.choices import TERMINAL as DISPUTE_TERMINAL
from anxin.disputes.models import Dispute
from anxin.disputes.permissions import can_handle_disputes
from anxin.disputes.selectors import DisputeFilters, disputes_for
from anxin.disputes.workflow import DISPUTE_WORKFLOW, SENDS_ITEM
from anxin.tickets.quality import can_review_quality

from ..common import PLATFORM_STAFF, actor, audience, is_htmx
from ..dashboard import Dashboard, Tile, dashboard_for, duration_text

BOARD_REFRESH_SECONDS = 30

# The deadlines a dispute waits on (``Dispute.due_kind``), in the reader's words. The three
# ``*_target`` kinds are the platform's own service targets: nothing happens when they pass.
DUE_LABELS: dict[str, Any] = {
    "negotiation": gettext_lazy("Negotiation ends; the platform may step in"),
    "negotiation_lapse": gettext_lazy("Closes unless the consumer asks the platform to step in"),
    "mediation_target": gettext_lazy("The platform aims to finish mediation"),
    "arbitration_target": gettext_lazy("The arbitrator aims to decide"),
    "appeal_target": gettext_lazy("The appeal aims to be decided"),
    "evidence_round": gettext_lazy("Evidence is due"),
    "jury": gettext_lazy("Panel voting ends"),
    "suspension": gettext_lazy("Suspension ends"),
    "execution": gettext_lazy("The decision must be carried out"),
    "appeal_window": gettext_lazy("The appeal window closes"),
}
SERVICE_TARGETS = frozenset({"mediation_target", "arbitration_target", "appeal_target"})


def page(
    request: HttpRequest, template: str, context: dict[str, Any], *, nav: str, status: int = 200
) -> HttpResponse:
    """Render a console page with what its layout needs (current nav item, admin link)."""
    viewer = actor(request)
    context = {
        "nav": nav,
        "is_admin": viewer.role is Role.ADMIN,
        # the nav offers only what answers: quality review is for supervisors
        "can_review_quality": can_review_quality(viewer),
        **context,
    }
    return render(request, template, context, status=status)


def due_label(kind: str, dispute: Dispute | None = None) -> str:
    """A dispute's deadline kind in the reader's words ("" for a kind without words: a code is
    never shown). Given the dispute, a decision with nothing to carry out (a rejected claim) and
    one that cannot be appealed (it sends the item back) say so."""
    ruled = getattr(dispute, "ruled_remedy", "")
    if kind == "execution" and ruled == "reject":
        return _("The decision takes effect; nothing to carry out")
    if kind == "appeal_window" and ruled in SENDS_ITEM:
        return _("The decision becomes final")
    return str(DUE_LABELS.get(kind or "", ""))


def with_armed_at(rows: QuerySet[Dispute]) -> QuerySet[Dispute]:
    """Each dispute with the time its pending deadline was armed (``next_armed``), so that a long
    window turns amber in its last quarter as a case's does."""
    armed = Deadline.objects.filter(
        subject_type=DISPUTE_WORKFLOW.model_label,
        subject_id=OuterRef("pk"),
        state=DeadlineState.PENDING,
    ).order_by("due_at", "pk")
    return rows.annotate(next_armed=Subquery(armed.values("created_at")[:1]))


def dispute_urgency(dispute: Dispute, now: datetime) -> str:
    """The board's rule for a dispute's next deadline: overdue, at risk (within the board's hours
    or in the last quarter of its window) or neither; a closed dispute is neither."""
    if dispute.status in DISPUTE_TERMINAL:
        return ""
    return deadline_urgency(
        due_at=dispute.due_at,
        armed_at=getattr(dispute, "next_armed", None),
        now=now,
        at_risk_within=AT_RISK_WITHIN,
    )


@dataclass(frozen=True)
class DisputeCard(BoardCard):
    """A disputed case on the board, by its dispute's next deadline."""

    dispute: Dispute | None = None
    label: str = ""


def _dispute_buckets(viewer: Actor) -> tuple[list[DisputeCard], list[DisputeCard]]:
    """(overdue, at risk) cards of the open disputes the viewer may handle, nearest first."""
    if not can_handle_disputes(viewer):
        return [], []
    now = clock.now()
    rows = with_armed_at(
        disputes_for(actor=viewer, filters=DisputeFilters(open_only=True))
        .filter(due_at__isnull=False)
        .select_related("case__merchant")
    )
    overdue: list[DisputeCard] = []
    at_risk: list[DisputeCard] = []
    for dispute in rows:
        level = dispute_urgency(dispute, now)
        if level not in (OVERDUE, AT_RISK):
            continue
        card = DisputeCard(
            case=dispute.case,
            kind=dispute.due_kind,
            due_at=dispute.due_at,
            dispute=dispute,
            label=due_label(dispute.due_kind, dispute),
        )
        (overdue if level == OVERDUE else at_risk).append(card)
    return overdue, at_risk


def _merged(cards: list[BoardCard], extra: list[DisputeCard], limit: int) -> list[BoardCard]:
    shown = {card.case.pk for card in cards}
    merged = cards + [card for card in extra if card.case.pk not in shown]
    return sorted(merged, key=lambda card: (card.due_at is None, card.due_at))[:limit]


def board_with_disputes(viewer: Actor) -> CaseBoard:
    """The case board with the disputed cases whose dispute deadline is due or near."""
    board = case_board_for(actor=viewer)
    overdue, at_risk = _dispute_buckets(viewer)
    return replace(
        board,
        overdue=_merged(board.overdue, overdue, board.limit),
        at_risk=_merged(board.at_risk, at_risk, board.limit),
        overdue_total=board.overdue_total + len(overdue),
        at_risk_total=board.at_risk_total + len(at_risk),
    )


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
    overdue, at_risk = _dispute_buckets(actor(request))
    overview = replace(
        overview, overdue=overview.overdue + len(overdue), at_risk=overview.at_risk + len(at_risk)
    )
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
        "board": board_with_disputes(actor(request)),
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
