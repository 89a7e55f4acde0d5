"""The case facts: one ``CaseFact`` row per case, computed set-based from the cases, their
history and messages, the refund ledger, disputes and surveys.

``case_facts_build`` works on chunks of case ids: for each chunk a handful of aggregate queries
grouped by case (never a query per case), then the chunk's old facts are deleted and the new ones
bulk-inserted in one transaction. The definitions (CONTRACT.md, what every metric relies on):

- ``response_hours``: opening → the first merchant-side act (a history row by a merchant role, or
  a message written as the merchant);
- ``approve_hours``: opening → the first ``approve`` (by anyone, the deadline included);
- ``refund_hours``: opening → the first succeeded refund or compensation paid for the case (money
  starts reaching the consumer); ``refund_amount`` sums them all, ``refund_parts`` counts them;
- ``close_hours``: opening → the first move into a terminal status (refunded, completed, closed);
- ``answered_by``: who moved the request out of the merchant's review first — "merchant",
  "system" (the deadline) or "" (a withdrawal, platform staff, or not yet);
- ``auto_acted``: the platform acted on a silence at least once (a history row by the system);
- ``disputed`` / ``intervened``: a dispute exists / the platform stepped into it;
- ``csat``: the answered satisfaction survey of the case.

The day is the local (``settings.TIME_ZONE``) date of the opening, computed here in Python from
the aware time, so no database-specific date arithmetic is involved.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from anxin.cases.choices import TERMINAL, MessageParty
from anxin.cases.models import Case, CaseEvent, CaseMessage, LedgerKind, Refund, RefundStatus
from anxin.core.actors import MERCHANT_ROLES, Role
from anxin.core.money import round_money
from anxin.disputes.models import Dispute
from anxin.feedback.choices import SubjectType
from anxin.feedback.models import Survey

from .models import CaseFact

CHUNK = 2000  # case ids per round of queries (and rows per insert): memory stays flat
MERCHANT_ROLE_NAMES = sorted(str(r) for r in MERCHANT_ROLES)
SYSTEM_ROLE = str(Role.SYSTEM)
TERMINAL_STATUSES = sorted(str(s) for s in TERMINAL)
# What reaches the consumer: refunds and the platform's compensations (not freight, not reversals).
PAID_TO_CONSUMER = [LedgerKind.REFUND, LedgerKind.COMPENSATION]


def case_facts_build(case_ids: Iterable[int] | None, *, now: datetime) -> int:
    """(Re)compute the facts of these cases (None: every case); returns the facts written.
    A case id that no longer exists loses its fact."""
    return case_facts_refresh(case_ids, now=now)[0]


def case_facts_refresh(case_ids: Iterable[int] | None, *, now: datetime) -> tuple[int, set[date]]:
    """``case_facts_build`` that also says which days the cases counted on before and after:
    the rollup days to rewrite."""
    written, days = 0, set[date]()
    for chunk in _id_chunks(case_ids):
        facts = _facts_of(chunk, now=now)
        with transaction.atomic():
            old = CaseFact.objects.filter(case_id__in=chunk)
            days.update(old.order_by().values_list("day", flat=True).distinct())
            old.delete()
            CaseFact.objects.bulk_create(facts, batch_size=CHUNK)
        days.update(f.day for f in facts)
        written += len(facts)
    return written, days


def _id_chunks(case_ids: Iterable[int] | None) -> Iterator[list[int]]:
    if case_ids is not None:
        ids = sorted(set(case_ids))
        for i in range(0, len(ids), CHUNK):
            yield ids[i : i + CHUNK]
        return
    last = 0  # every case, by keyset pages: never all ids in memory at once
    while True:
        page = list(
            Case.unscoped.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK]
        )
        if not page:
            return
        yield page
        last = page[-1]


def _hours(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else (end - start).total_seconds() / 3600


def _facts_of(ids: list[int], *, now: datetime) -> list[CaseFact]:
    """The facts of one chunk of cases: five grouped queries and a lookup of the surveys."""
    leaving_review = CaseEvent.objects.filter(
        case_id=OuterRef("pk"), from_status="merchant_review"
    ).order_by("created_at", "pk")
    cases = Case.unscoped.filter(pk__in=ids).values(
        "pk",
        "merchant_id",
        "type",
        "reason_id",
        "channel",
        "status",
        "created_at",
        sku=Coalesce("line__sku_id", 0),
        category=Coalesce("line__sku__category__parent_id", "line__sku__category_id"),
        answered_role=Subquery(leaving_review.values("actor_role")[:1]),
    )
    events = {
        row["case_id"]: row
        for row in CaseEvent.objects.filter(case_id__in=ids)
        .values("case_id")
        .annotate(
            merchant_act=Min("created_at", filter=Q(actor_role__in=MERCHANT_ROLE_NAMES)),
            approved=Min("created_at", filter=Q(action="approve")),
            closed=Min("created_at", filter=Q(to_status__in=TERMINAL_STATUSES)),
            automatic=Count("pk", filter=Q(actor_role=SYSTEM_ROLE)),
        )
        .order_by()
    }
    messages = dict(
        CaseMessage.unscoped.filter(case_id__in=ids, party=MessageParty.MERCHANT)
        .values("case_id")
        .annotate(first=Min("created_at"))
        .order_by()
        .values_list("case_id", "first")
    )
    refunds = {
        row["case_id"]: row
        for row in Refund.unscoped.filter(
            case_id__in=ids, status=RefundStatus.SUCCEEDED, kind__in=PAID_TO_CONSUMER
        )
        .values("case_id")
        .annotate(first=Min("settled_at"), amount=Sum("amount"), parts=Count("pk"))
        .order_by()
    }
    disputes = dict(
        Dispute.unscoped.filter(case_id__in=ids).values_list("case_id", "intervened_at")
    )
    surveys = dict(
        Survey.unscoped.filter(
            subject_type=SubjectType.CASE, subject_id__in=ids, score__isnull=False
        ).values_list("subject_id", "score")
    )
    return [
        _fact(
            row,
            events.get(row["pk"]),
            messages.get(row["pk"]),
            refunds.get(row["pk"]),
            disputes,
            surveys.get(row["pk"]),
            now=now,
        )
        for row in cases
    ]


def _fact(
    case: Mapping[str, Any],
    events: dict[str, Any] | None,
    message_at: datetime | None,
    refund: dict[str, Any] | None,
    disputes: dict[int, datetime | None],
    csat: int | None,
    *,
    now: datetime,
) -> CaseFact:
    opened: datetime = case["created_at"]
    events = events or {}
    merchant_acts = [t for t in (events.get("merchant_act"), message_at) if t is not None]
    role = case["answered_role"]
    answered_by = (
        "merchant" if role in MERCHANT_ROLE_NAMES else "system" if role == SYSTEM_ROLE else ""
    )
    refund = refund or {}
    return CaseFact(
        case_id=case["pk"],
        merchant_id=case["merchant_id"],
        category_id=case["category"] or 0,
        sku_id=case["sku"],
        type=case["type"],
        reason_id=case["reason_id"],
        channel=case["channel"],
        opened_at=opened,
        day=timezone.localtime(opened).date(),
        status=case["status"],
        response_hours=_hours(opened, min(merchant_acts) if merchant_acts else None),
        approve_hours=_hours(opened, events.get("approved")),
        refund_hours=_hours(opened, refund.get("first")),
        close_hours=_hours(opened, events.get("closed")),
        answered_by=answered_by,
        auto_acted=bool(events.get("automatic")),
        disputed=case["pk"] in disputes,
        intervened=disputes.get(case["pk"]) is not None,
        # SQLite sums lose the scale (85 for 85.00): back to the currency's cents
        refund_amount=round_money(refund.get("amount") or Decimal(0)),
        refund_parts=refund.get("parts") or 0,
        csat=csat,
        updated_at=now,
    )
