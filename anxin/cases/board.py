"""The platform's watch over every merchant's cases: the at-risk / overdue board and the overview.

Board buckets (a case sits in one bucket, decided by its earliest pending deadline):

* **overdue** — that deadline is already due and still pending: the sweeper is behind, or the
  case is stuck (the automatic action failed).
* **at risk** — not overdue, and due within the next ``AT_RISK_HOURS`` hours *or* in the last
  quarter of its window (``selectors.deadline_urgency``, the rule the merchant's queue
  highlights with, plus the hours). The 6-hour rule catches short windows (48 h review: the last
  12 h would be a quarter), the quarter rule catches long ones (a 15-day rejection window turns
  amber 3¾ days out).
* **past the legal line** — a money case (refund only, return and refund) requested more than
  ``LEGAL_REFUND_DAYS`` days ago that is still not refunded, completed or closed (art. 31: 15 days
  is the legal penalty line), whatever its deadlines say.

Every read is scoped to the actor (``Case.objects.for_actor``); the pages label what these return.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, QuerySet

from anxin.core import clock
from anxin.core.actors import Actor

from .choices import TERMINAL, CaseType
from .models import Case
from .selectors import (
    AT_RISK,
    OVERDUE,
    case_urgency,
    cases_with_next_deadline,
    deadline_urgency,
    pending_case_deadlines,
)

AT_RISK_HOURS = 6
AT_RISK_WITHIN = timedelta(hours=AT_RISK_HOURS)
LEGAL_REFUND_DAYS = 15
MONEY_TYPES = (CaseType.REFUND_ONLY, CaseType.RETURN_REFUND)
BOARD_LIMIT = 60  # cards shown per bucket; the totals count them all


def is_at_risk(*, due_at: datetime, armed_at: datetime, now: datetime) -> bool:
    """Not due yet, and due within AT_RISK_HOURS or in the last quarter of its window."""
    level = deadline_urgency(
        due_at=due_at, armed_at=armed_at, now=now, at_risk_within=AT_RISK_WITHIN
    )
    return level == AT_RISK


def board_urgency(case: Case, *, now: datetime) -> str:
    """ "overdue", "at-risk" or "" under the board's rule, for a case annotated by
    ``cases_with_next_deadline``."""
    return case_urgency(case, now, at_risk_within=AT_RISK_WITHIN)


@dataclass(frozen=True)
class BoardCard:
    """One case on the board with the deadline that put it there (none on the legal line)."""

    case: Case
    kind: str
    due_at: datetime | None
    days_open: int = 0


@dataclass
class CaseBoard:
    """The three buckets, each cut at ``limit`` cards, with their full totals."""

    overdue: list[BoardCard] = field(default_factory=list)
    at_risk: list[BoardCard] = field(default_factory=list)
    past_legal: list[BoardCard] = field(default_factory=list)
    overdue_total: int = 0
    at_risk_total: int = 0
    past_legal_total: int = 0
    limit: int = BOARD_LIMIT


def _bucket_deadlines(actor: Actor, now: datetime) -> tuple[list[Any], list[Any]]:
    """(overdue, at risk) as (case id, kind, due_at) rows, nearest first; one row per case."""
    rows = (
        pending_case_deadlines()
        .filter(subject_id__in=Case.objects.for_actor(actor).values("pk"))
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
        Case.objects.for_actor(actor)
        .filter(type__in=MONEY_TYPES, created_at__lte=now - timedelta(days=LEGAL_REFUND_DAYS))
        .exclude(status__in=TERMINAL)
    )


def case_board_for(*, actor: Actor, limit: int = BOARD_LIMIT) -> CaseBoard:
    """The actor's cases that are overdue, at risk or past the 15-day legal line, worst first."""
    now = clock.now()
    overdue, at_risk = _bucket_deadlines(actor, now)
    shown = [row[0] for row in overdue[:limit] + at_risk[:limit]]
    cases = Case.objects.for_actor(actor).select_related("merchant").in_bulk(shown)

    def cards(rows: list[Any]) -> list[BoardCard]:
        return [
            BoardCard(case=cases[case_id], kind=kind, due_at=due_at)
            for case_id, kind, due_at in rows[:limit]
            if case_id in cases
        ]

    legal = _past_legal(actor, now)
    legal_cards = [
        BoardCard(
            case=case,
            kind=getattr(case, "next_kind", None) or "",
            due_at=getattr(case, "next_due", None),
            days_open=(now - case.created_at).days,
        )
        for case in cases_with_next_deadline(legal.select_related("merchant")).order_by(
            "created_at", "pk"
        )[:limit]
    ]
    return CaseBoard(
        overdue=cards(overdue),
        at_risk=cards(at_risk),
        past_legal=legal_cards,
        overdue_total=len(overdue),
        at_risk_total=len(at_risk),
        past_legal_total=legal.count() if len(legal_cards) >= limit else len(legal_cards),
        limit=limit,
    )


@dataclass(frozen=True)
class CaseOverview:
    """Open cases in total, per board bucket, per status and for the busiest merchants."""

    open_total: int
    overdue: int
    at_risk: int
    past_legal: int
    by_status: list[tuple[str, int]]
    by_merchant: list[tuple[str, str, int]]  # (code, name, open cases)


def case_overview_for(*, actor: Actor, top: int = 10) -> CaseOverview:
    """Counts of the actor's open cases: the board's buckets, by status, the ``top`` merchants."""
    now = clock.now()
    open_cases = Case.objects.for_actor(actor).exclude(status__in=TERMINAL)
    by_status = Counter(dict(open_cases.values_list("status").annotate(n=Count("pk")).order_by()))
    by_merchant = (
        open_cases.values_list("merchant__code", "merchant__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "merchant__code")[:top]
    )
    overdue, at_risk = _bucket_deadlines(actor, now)
    return CaseOverview(
        open_total=sum(by_status.values()),
        overdue=len(overdue),
        at_risk=len(at_risk),
        past_legal=_past_legal(actor, now).count(),
        by_status=sorted(by_status.items(), key=lambda item: (-item[1], item[0])),
        by_merchant=[(code, name, n) for code, name, n in by_merchant],
    )
