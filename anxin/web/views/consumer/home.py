"""Consumer portal: the overview, my orders, and one order with what each line may still get.

What a line may still get is the eligibility engine's answer (one decision per line), computed
with a no-reason default; the engine's windows for quality problems are shown beside it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from anxin.cases.choices import TERMINAL, CaseStatus
from anxin.cases.models import Case
from anxin.cases.selectors import decision_for
from anxin.catalog.models import Order, OrderLine
from anxin.catalog.selectors import OrderFilters, order_get_for, order_list_for
from anxin.core import clock
from anxin.core.errors import ValidationFailed
from anxin.core.models import Deadline
from anxin.disputes.selectors import consumer_turns
from anxin.notifications.models import Notification
from anxin.policies.choices import FreightPayer
from anxin.policies.eligibility import Decision, TypeOption
from anxin.policies.models import Reason
from anxin.web.case_display import actions_for

from ..common import CONSUMERS, actor, audience

# The reason an order page computes options with: a plain change of mind (no-reason return).
DEFAULT_REASON = "no_reason/changed_mind"
ORDERS_PER_PAGE = 20
# Who pays the return parcel, as the consumer reads it.
FREIGHT: dict[str, Any] = {
    FreightPayer.CONSUMER: _("You"),
    FreightPayer.MERCHANT: _("The shop"),
    FreightPayer.NONE: _("No return shipment"),
}
# Actions that mean "the case waits for me" (withdrawing is always possible, it waits for nobody).
WAITING_FOR_ME = frozenset({"ship_return", "revise", "escalate", "confirm_done"})


def page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    nav: str = "",
    status: int = 200,
) -> HttpResponse:
    """Render a consumer page with what the layout's navigation needs."""
    who = actor(request)
    context = {
        "nav": nav,
        "unread_count": Notification.objects.for_actor(who).filter(read_at__isnull=True).count(),
        **context,
    }
    return render(request, template, context, status=status)


def in_language(zh: str, en: str) -> str:
    return zh if (get_language() or "").startswith("zh") else en


def reason_name(reason: Reason) -> str:
    return in_language(reason.name_zh, reason.name_en)


def nearest_deadlines(cases: list[Case]) -> dict[int, Deadline]:
    """The earliest open deadline of each case, in one query."""
    due: dict[int, Deadline] = {}
    rows = Deadline.objects.filter(
        subject_type="cases.case", subject_id__in=[c.pk for c in cases], state="pending"
    ).order_by("due_at")
    for row in rows:
        due.setdefault(row.subject_id, row)
    return due


@dataclass(frozen=True)
class CaseRow:
    case: Case
    due: Any  # a Deadline, or the case's dispute (ConsumerTurn): whatever has ``due_at``
    waiting_for_me: bool


def case_rows(request: HttpRequest, cases: list[Case]) -> list[CaseRow]:
    """A disputed case shows its dispute's next deadline, and waits for me when the dispute
    asks me for evidence or an answer to a proposal."""
    who = actor(request)
    due: dict[int, Any] = dict(nearest_deadlines(cases))
    disputed = [c.pk for c in cases if c.status == CaseStatus.DISPUTED]
    turns = consumer_turns(actor=who, case_ids=disputed) if disputed else {}
    for case_id, turn in turns.items():
        due[case_id] = turn if turn.due_at else None
    return [
        CaseRow(
            case=case,
            due=due.get(case.pk),
            waiting_for_me=(
                turns[case.pk].waiting_for_me
                if case.pk in turns
                else bool(WAITING_FOR_ME & set(actions_for(case, who)))
            ),
        )
        for case in cases
    ]


@audience(CONSUMERS)
def home(request: HttpRequest) -> HttpResponse:
    """Phone-first overview: requests waiting for me first, then my other open requests."""
    who = actor(request)
    open_cases = list(
        Case.objects.for_actor(who)
        .exclude(status__in=TERMINAL)
        .select_related("merchant", "line")
        .order_by("-created_at", "-pk")[:30]
    )
    rows = case_rows(request, open_cases)
    # Waiting for me first; within each group, the nearest deadline first.
    rows.sort(key=lambda r: (not r.waiting_for_me, r.due is None, r.due.due_at if r.due else 0))
    recent = order_list_for(actor=who, filters=OrderFilters(), cursor=None, limit=3).items
    return page(
        request,
        "web/consumer/home.html",
        {
            "waiting": [r for r in rows if r.waiting_for_me],
            "others": [r for r in rows if not r.waiting_for_me],
            "recent_orders": recent,
        },
        nav="home",
    )


@audience(CONSUMERS)
def orders(request: HttpRequest) -> HttpResponse:
    """My orders, newest first, 20 a page (keyset: "older orders" follows the cursor)."""
    who = actor(request)
    cursor = request.GET.get("after") or None
    try:
        result = order_list_for(
            actor=who, filters=OrderFilters(), cursor=cursor, limit=ORDERS_PER_PAGE
        )
    except ValidationFailed:  # a damaged cursor: start again at the newest
        cursor = None
        result = order_list_for(
            actor=who, filters=OrderFilters(), cursor=None, limit=ORDERS_PER_PAGE
        )
    return page(
        request,
        "web/consumer/orders.html",
        {"orders": result.items, "next_cursor": result.next_cursor, "paged": bool(cursor)},
        nav="orders",
    )


@dataclass(frozen=True)
class LineOffer:
    """What one order line may still get, as the engine decided it."""

    line: OrderLine
    decision: Decision
    allowed: list[tuple[TypeOption, datetime | None]]  # with the last day it is possible
    denied: list[tuple[TypeOption, list[str]]]
    quality_windows: list[tuple[str, datetime]]
    quality_open: bool
    cases: list[Case]

    @property
    def quality_longer(self) -> bool:
        """A quality problem gives longer than the no-reason return."""
        return bool(self.quality_windows)

    @property
    def can_request(self) -> bool:
        """Something can still be claimed: an option open now, or a quality window (which the
        default no-reason decision does not open) still running."""
        return self.decision.claimable_quantity > 0 and (bool(self.allowed) or self.quality_open)


def window_end_day(moment: datetime) -> datetime:
    """Windows end at 00:00 of the next day; show the last day that still counts."""
    return moment - timedelta(microseconds=1)


def line_offer(line: OrderLine, reason: Reason, cases: list[Case]) -> LineOffer:
    _line, decision = decision_for(line_id=line.pk, quantity=1, request_type=None, reason=reason)
    allowed, denied = [], []
    for option in decision.options.values():
        if option.allowed:
            allowed.append((option, window_end_day(option.until) if option.until else None))
        else:
            denied.append((option, [note.render() for note in option.notes]))
    # The engine's windows for a quality problem that outlast the no-reason one.
    windows = decision.windows
    no_reason_end = windows.get("no_reason")
    quality = [
        (key, window_end_day(end))
        for key, end in windows.items()
        if key != "no_reason" and end is not None and (no_reason_end is None or end > no_reason_end)
    ]
    return LineOffer(
        line=line,
        decision=decision,
        allowed=allowed,
        denied=denied,
        quality_windows=quality,
        quality_open=any(
            end > clock.now() for key, end in windows.items() if key != "no_reason" and end
        ),
        cases=cases,
    )


@audience(CONSUMERS)
def order(request: HttpRequest, order_id: uuid.UUID) -> HttpResponse:
    who = actor(request)
    found: Order = order_get_for(actor=who, ref=str(order_id))
    reason = Reason.objects.get(code=DEFAULT_REASON)
    cases_by_line: dict[int, list[Case]] = {}
    for case in Case.objects.for_actor(who).filter(order=found).order_by("-created_at"):
        cases_by_line.setdefault(case.line_id, []).append(case)
    offers = [
        line_offer(line, reason, cases_by_line.get(line.pk, [])) for line in found.lines.all()
    ]
    return page(
        request,
        "web/consumer/order.html",
        {
            "order": found,
            "offers": offers,
            "default_reason": reason_name(reason),
            "deliveries": list(found.deliveries.all()),
        },
        nav="orders",
    )
