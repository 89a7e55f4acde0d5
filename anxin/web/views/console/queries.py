"""Read-only queries of the platform console: every merchant's cases with their nearest deadline,
the at-risk / overdue board and the overview counts.

Board buckets (a case sits in one bucket, decided by its earliest pending deadline):

* **overdue** — that deadline is already due and still pending: the sweeper is behind, or the
  case is stuck (the automatic action failed).
* **at risk** — not overdue, and due within the next ``AT_RISK_HOURS`` hours *or* in the last
  quarter of its window (``cases.selectors.deadline_urgency``, the rule the merchant's queue
  highlights with, plus the hours). The 6-hour rule catches short windows (48 h review: the last 12 h would be a quarter),
  the quarter rule catches long ones (a 15-day rejection window turns amber 3¾ days out).
* **past the legal line** — a money case (refund only, return and refund) requested more than
  ``LEGAL_REFUND_DAYS`` days ago that is still not refunded, completed or closed (art. 31: 15 days
  is the legal penalty line), whatever its deadlines say.
"""

from __future__ import annotations

import uuid
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from anxin.cases.choices import TERMINAL, CaseType
from anxin.cases.models import Case
from anxin.cases.permissions import cases_visible_to
from anxin.cases.selectors import (
    AT_RISK,
    OVERDUE,
    CaseFilters,
    case_conditions,
    case_urgency,
    cases_with_next_deadline,
    deadline_urgency,
    pending_case_deadlines,
    reason_or_children,
)
from anxin.core import clock
from anxin.core.actors import Actor
from anxin.web.case_display import DEADLINE_LABELS

AT_RISK_HOURS = 6
AT_RISK_WITHIN = timedelta(hours=AT_RISK_HOURS)
LEGAL_REFUND_DAYS = 15
MONEY_TYPES = (CaseType.REFUND_ONLY, CaseType.RETURN_REFUND)
BOARD_LIMIT = 60  # cards shown per bucket; the totals count them all

SORTS = ("deadline", "newest", "oldest")


def urgency(case: Case, now: datetime) -> str:
    """ "overdue", "at-risk" or "" for a case annotated by ``cases_with_next_deadline``."""
    return case_urgency(case, now, at_risk_within=AT_RISK_WITHIN)


def deadline_label(kind: str | None) -> str:
    return str(DEADLINE_LABELS.get(kind or "", kind or ""))


@dataclass(frozen=True)
class ConsoleFilters:
    merchant: str = ""
    status: str = ""
    type: str = ""
    reason: str = ""
    created_from: date | None = None
    created_to: date | None = None
    q: str = ""
    sort: str = "deadline"


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def console_cases(*, actor: Actor, filters: ConsoleFilters) -> QuerySet[Case]:
    """All cases the actor sees (platform staff: every merchant's), filtered and sorted."""
    cases = cases_with_next_deadline(
        cases_visible_to(actor).select_related("merchant", "reason", "order", "line")
    )
    conditions = case_conditions(
        CaseFilters(
            merchant=filters.merchant,
            status=filters.status,
            type=filters.type,
            created_from=_day_start(filters.created_from) if filters.created_from else None,
            # inclusive: the whole last day
            created_to=_day_start(filters.created_to + timedelta(days=1))
            if filters.created_to
            else None,
        )
    )
    if filters.reason:
        conditions &= reason_or_children(filters.reason)
    if filters.q:
        text = filters.q.strip()
        found = Q(number__iexact=text) | Q(order__external_id=text) | Q(order__number__iexact=text)
        with suppress(ValueError):
            found |= Q(order__public_id=uuid.UUID(text)) | Q(public_id=uuid.UUID(text))
        conditions &= found
    cases = cases.filter(conditions)
    if filters.sort == "newest":
        return cases.order_by("-created_at", "-pk")
    if filters.sort == "oldest":
        return cases.order_by("created_at", "pk")
    return cases.order_by(F("next_due").asc(nulls_last=True), "-created_at", "-pk")


# --- the board ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardCard:
    case: Case
    kind: str
    label: str
    due_at: datetime | None
    days_open: int = 0


@dataclass
class Board:
    overdue: list[BoardCard] = field(default_factory=list)
    at_risk: list[BoardCard] = field(default_factory=list)
    past_legal: list[BoardCard] = field(default_factory=list)
    overdue_total: int = 0
    at_risk_total: int = 0
    past_legal_total: int = 0
    limit: int = BOARD_LIMIT


def is_at_risk(*, due_at: datetime, armed_at: datetime, now: datetime) -> bool:
    """Not due yet, and due within AT_RISK_HOURS or in the last quarter of its window."""
    level = deadline_urgency(
        due_at=due_at, armed_at=armed_at, now=now, at_risk_within=AT_RISK_WITHIN
    )
    return level == AT_RISK


def _bucket_deadlines(actor: Actor, now: datetime) -> tuple[list[Any], list[Any]]:
    """(overdue, at risk) as (case id, kind, due_at) rows, nearest first; one row per case."""
    rows = (
        pending_case_deadlines()
        .filter(subject_id__in=cases_visible_to(actor).values("pk"))
        .order_by("due_at", "pk")
        .values_list("subject_id", "kind", "due_at", "created_at")
    )
    seen: set[int] = set()
    overdue: list[Any] = []
    at_risk: list[Any] = []
    for case_id, kind, due_at, armed_at in rows.iterator(chunk_size=2000):
        if case_id in seen:
            continue
        seen.add(case_id)
        level = deadline_urgency(
            due_at=due_at, armed_at=armed_at, now=now, at_risk_within=AT_RISK_WITHIN
        )
        if level == OVERDUE:
            overdue.append((case_id, kind, due_at))
        elif level == AT_RISK:
            at_risk.append((case_id, kind, due_at))
    return overdue, at_risk


def _past_legal(actor: Actor, now: datetime) -> QuerySet[Case]:
    return (
        cases_visible_to(actor)
        .filter(type__in=MONEY_TYPES, created_at__lte=now - timedelta(days=LEGAL_REFUND_DAYS))
        .exclude(status__in=TERMINAL)
    )


def board_for(*, actor: Actor, limit: int = BOARD_LIMIT) -> Board:
    now = clock.now()
    overdue, at_risk = _bucket_deadlines(actor, now)
    shown = [row[0] for row in overdue[:limit] + at_risk[:limit]]
    cases = cases_visible_to(actor).select_related("merchant").in_bulk(shown)

    def cards(rows: list[Any]) -> list[BoardCard]:
        return [
            BoardCard(case=cases[case_id], kind=kind, label=deadline_label(kind), due_at=due_at)
            for case_id, kind, due_at in rows[:limit]
            if case_id in cases
        ]

    legal = _past_legal(actor, now)
    legal_cards = [
        BoardCard(
            case=case,
            kind=getattr(case, "next_kind", None) or "",
            label=deadline_label(getattr(case, "next_kind", None)),
            due_at=getattr(case, "next_due", None),
            days_open=(now - case.created_at).days,
        )
        for case in cases_with_next_deadline(legal.select_related("merchant")).order_by(
            "created_at", "pk"
        )[:limit]
    ]
    return Board(
        overdue=cards(overdue),
        at_risk=cards(at_risk),
        past_legal=legal_cards,
        overdue_total=len(overdue),
        at_risk_total=len(at_risk),
        past_legal_total=legal.count() if len(legal_cards) >= limit else len(legal_cards),
        limit=limit,
    )


# --- the overview ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    open_total: int
    overdue: int
    at_risk: int
    past_legal: int
    by_status: list[tuple[str, int]]
    by_merchant: list[tuple[str, str, int]]  # (code, name, open cases)


def overview_for(*, actor: Actor, top: int = 10) -> Overview:
    now = clock.now()
    open_cases = cases_visible_to(actor).exclude(status__in=TERMINAL)
    by_status = Counter(dict(open_cases.values_list("status").annotate(n=Count("pk")).order_by()))
    by_merchant = (
        open_cases.values_list("merchant__code", "merchant__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "merchant__code")[:top]
    )
    overdue, at_risk = _bucket_deadlines(actor, now)
    return Overview(
        open_total=sum(by_status.values()),
        overdue=len(overdue),
        at_risk=len(at_risk),
        past_legal=_past_legal(actor, now).count(),
        by_status=sorted(by_status.items(), key=lambda item: (-item[1], item[0])),
        by_merchant=[(code, name, n) for code, name, n in by_merchant],
    )
