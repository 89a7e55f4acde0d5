"""The case lists people work through: the merchant's queue and the platform console's list.

Both are the actor's cases (``Case.objects.for_actor``), filtered, searched and annotated with
their nearest pending deadline (``selectors.cases_with_next_deadline``); the pages page and label
them. The merchant's queue shows open cases unless asked for a status (``ALL_STATUSES``: every
case) and always sorts by the nearest deadline; the console can sort by age too.
"""

from __future__ import annotations

import uuid
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from anxin.core.actors import Actor

from .choices import TERMINAL
from .models import Case
from .selectors import CaseFilters, case_conditions, cases_with_next_deadline, reason_or_children

ALL_STATUSES = "all"


def _day_start(day: date) -> datetime:
    """Midnight of a local (Asia/Shanghai) day, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _created_between(start: date | None, end: date | None) -> tuple[datetime | None, ...]:
    """The datetimes a day range means; the end day counts whole."""
    return (
        _day_start(start) if start else None,
        _day_start(end + timedelta(days=1)) if end else None,
    )


@dataclass(frozen=True)
class CaseQueueFilters:
    """The merchant queue's filters; empty means "any" (status: the open cases)."""

    status: str = ""  # "" open cases, ALL_STATUSES every case, else one status
    type: str = ""
    reason: str = ""
    q: str = ""
    created_from: date | None = None
    created_to: date | None = None


def case_queue_for(*, actor: Actor, filters: CaseQueueFilters) -> QuerySet[Case]:
    """The actor's cases matching the filters (open ones unless a status is asked for), nearest
    pending deadline first; cases without a pending deadline come last, newest first."""
    cases = Case.objects.for_actor(actor).select_related("line__sku", "reason", "order")
    if not filters.status:
        cases = cases.exclude(status__in=TERMINAL)
    created_from, created_to = _created_between(filters.created_from, filters.created_to)
    conditions = case_conditions(
        CaseFilters(
            status=filters.status if filters.status != ALL_STATUSES else None,
            type=filters.type or None,
            created_from=created_from,
            created_to=created_to,
        )
    )
    if filters.reason:
        conditions &= reason_or_children(filters.reason)
    if filters.q:
        text = filters.q
        conditions &= (
            Q(line__product_name__icontains=text)
            | Q(line__sku__code__icontains=text)
            | Q(number__iexact=text)
            | Q(order__number__iexact=text)
            | Q(order__external_id__iexact=text)
        )
    return cases_with_next_deadline(cases.filter(conditions)).order_by(
        F("next_due").asc(nulls_last=True), "-created_at", "-pk"
    )


@dataclass(frozen=True)
class ConsoleCaseFilters:
    """The console list's filters; empty means "any"."""

    merchant: str = ""
    status: str = ""
    type: str = ""
    reason: str = ""
    created_from: date | None = None
    created_to: date | None = None
    q: str = ""
    sort: str = "deadline"  # or "newest", "oldest"


def case_console_list_for(*, actor: Actor, filters: ConsoleCaseFilters) -> QuerySet[Case]:
    """All cases the actor sees (platform staff: every merchant's), filtered, found by case or
    order number or id, and sorted by nearest deadline (default), newest or oldest."""
    cases = cases_with_next_deadline(
        Case.objects.for_actor(actor).select_related("merchant", "reason", "order", "line")
    )
    created_from, created_to = _created_between(filters.created_from, filters.created_to)
    conditions = case_conditions(
        CaseFilters(
            merchant=filters.merchant,
            status=filters.status,
            type=filters.type,
            created_from=created_from,
            created_to=created_to,
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
