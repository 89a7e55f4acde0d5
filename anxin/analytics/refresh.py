"""Keeping the analytics tables up to date: ``analytics_refresh`` folds in what changed since the
last run (the watermark in ``RefreshState("cases")``), ``analytics_rebuild`` recomputes
everything. Both run under a row lock on the state, so two workers never refresh at once (the
second one skips); on SQLite, which has no row locks, the lock is a no-op.

An incremental run finds the cases touched since the watermark (opened, a history row, a
merchant's message, a refund paid, a dispute opened or stepped into, a survey answered), rebuilds
their facts and rewrites the rollup groups those cases counted in and count in now — on the day
each opened, so a refund paid a week later rewrites its groups of that opening day, and only
those (``rollup.refresh_cases``) — then the deliveries of the (day, shop) pairs with a parcel
signed for since, and the desk's tables (``desk_refresh``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import import_module
from importlib.util import find_spec

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from anxin.cases.choices import MessageParty
from anxin.cases.models import Case, CaseEvent, CaseMessage, Refund
from anxin.catalog.models import Delivery
from anxin.core import clock
from anxin.disputes.models import Dispute
from anxin.feedback.choices import SubjectType
from anxin.feedback.models import Survey

from .delivered import changed_pairs, delivered_days, delivered_pairs
from .facts import case_facts_refresh
from .models import (
    CaseDay,
    CaseFact,
    DeliveredDay,
    DeliveredSkuDay,
    MerchantDay,
    PlatformDay,
    RefreshState,
)
from .rollup import refresh_cases, rollup_days

STATE = "cases"
# Rows are stamped when written but become visible only when their transaction commits, which
# may be after a refresh already moved the watermark past their time: each run looks back this
# much before the watermark so such late commits are still picked up (refreshing a case twice
# is harmless, missing one is not).
OVERLAP = timedelta(minutes=10)
# H2's module refreshes the desk's tables (tickets, assistant) in the same run.
DESK_MODULE = "anxin.analytics.desk_refresh"


@dataclass(frozen=True)
class RefreshResult:
    facts: int  # case facts rewritten
    days: int  # days of case rollups rewritten
    delivered_days: int  # days of deliveries rewritten
    seconds: float
    desk: int = 0  # what the desk refresh reported
    skipped: bool = False  # another worker was refreshing


def analytics_refresh(*, now: datetime | None = None) -> RefreshResult:
    """Fold in every change since the last refresh (the first refresh rebuilds everything)."""
    return _run(now=now or clock.now(), rebuild=False)


def analytics_rebuild(*, now: datetime | None = None) -> RefreshResult:
    """Recompute every fact and rollup from the source tables."""
    return _run(now=now or clock.now(), rebuild=True)


def _run(*, now: datetime, rebuild: bool) -> RefreshResult:
    started = time.perf_counter()
    with transaction.atomic():
        _, first = RefreshState.objects.get_or_create(
            name=STATE, defaults={"watermark": now, "refreshed_at": now}
        )
        state = RefreshState.objects.select_for_update(skip_locked=True).filter(name=STATE).first()
        if state is None:
            return RefreshResult(0, 0, 0, time.perf_counter() - started, skipped=True)
        if rebuild or first:  # never refreshed yet: everything
            facts, days, delivered, desk = _rebuild_all(now=now)
        else:
            facts, days, delivered, desk = _incremental(since=state.watermark - OVERLAP, now=now)
        seconds = time.perf_counter() - started
        state.watermark = state.refreshed_at = now
        state.seconds = seconds
        state.rows = facts
        state.save()
    return RefreshResult(facts, days, delivered, seconds, desk=desk)


def _incremental(*, since: datetime, now: datetime) -> tuple[int, int, int, int]:
    facts, days = refresh_cases(changed_case_ids(since), now=now)
    signed = changed_pairs(since)  # (day, shop) of the parcels signed for since
    delivered_pairs(signed)
    return facts, days, len({day for day, _ in signed}), _desk(since=since, now=now)


def _rebuild_all(*, now: datetime) -> tuple[int, int, int, int]:
    for model in (CaseFact, PlatformDay, MerchantDay, CaseDay, DeliveredDay, DeliveredSkuDay):
        model._default_manager.all().delete()
    facts, days = case_facts_refresh(None, now=now)
    rollup_days(days)
    signed = signed_days(None)
    delivered_days(signed)
    return facts, len(days), len(signed), _desk(since=None, now=now)


def _desk(*, since: datetime | None, now: datetime) -> int:
    """The desk's refresh, when the desk side of analytics is installed."""
    if find_spec(DESK_MODULE) is None:
        return 0
    return int(import_module(DESK_MODULE).desk_refresh(since=since, now=now) or 0)


def changed_case_ids(since: datetime) -> set[int]:
    """The cases whose facts may have changed since ``since``, from every source of a fact."""
    ids: set[int] = set()
    ids.update(Case.unscoped.filter(created_at__gte=since).values_list("pk", flat=True))
    ids.update(CaseEvent.objects.filter(created_at__gte=since).values_list("case_id", flat=True))
    ids.update(
        CaseMessage.unscoped.filter(created_at__gte=since, party=MessageParty.MERCHANT).values_list(
            "case_id", flat=True
        )
    )
    ids.update(
        Refund.unscoped.filter(case_id__isnull=False)
        .filter(Q(settled_at__gte=since) | Q(updated_at__gte=since))
        .values_list("case_id", flat=True)
    )
    ids.update(
        Dispute.unscoped.filter(
            Q(created_at__gte=since)
            | Q(opened_at__gte=since)
            | Q(intervened_at__gte=since)
            | Q(updated_at__gte=since)
        ).values_list("case_id", flat=True)
    )
    ids.update(
        Survey.unscoped.filter(subject_type=SubjectType.CASE, answered_at__gte=since).values_list(
            "subject_id", flat=True
        )
    )
    return ids


def signed_days(since: datetime | None) -> set[date]:
    """The local days of the deliveries signed for (or recorded) since ``since`` (None: all)."""
    signed = Delivery.objects.filter(signed_at__isnull=False)
    if since is not None:
        signed = signed.filter(Q(signed_at__gte=since) | Q(updated_at__gte=since))
    tz = timezone.get_current_timezone()
    return set(
        signed.annotate(local_day=TruncDate("signed_at", tzinfo=tz))
        .order_by()
        .values_list("local_day", flat=True)
        .distinct()
    )
