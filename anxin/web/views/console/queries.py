"""The console's case list: every merchant's cases the actor sees, filtered, searched and sorted.

The board and the overview (at-risk hours, the 15-day legal line) are ``anxin.cases.board``.
"""

from __future__ import annotations

import uuid
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from anxin.cases.models import Case
from anxin.cases.selectors import (
    CaseFilters,
    case_conditions,
    cases_with_next_deadline,
    reason_or_children,
)
from anxin.core.actors import Actor

SORTS = ("deadline", "newest", "oldest")


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
        Case.objects.for_actor(actor).select_related("merchant", "reason", "order", "line")
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
