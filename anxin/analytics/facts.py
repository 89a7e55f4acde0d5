"""The case facts: one ``CaseFact`` row per case, computed set-based from the cases, their
history and messages, the refund ledger, disputes and surveys.

``case_facts_build`` works on chunks of case ids: for each chunk, in one transaction, the old
facts are deleted and the new ones written with one ``INSERT … SELECT`` over the cases, every
outcome a correlated subquery of the case's own rows (found by index, never a query per case, no
row through Python). The definitions (CONTRACT.md, what every metric relies on):

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

The day is the local (``settings.TIME_ZONE``) date of the opening (``TruncDate`` in that zone);
durations are hours between two times (``sql.Hours``, exact on PostgreSQL, to the millisecond on
SQLite).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from anxin.cases.choices import TERMINAL, MessageParty
from anxin.cases.models import Case, CaseEvent, CaseMessage, LedgerKind, Refund, RefundStatus
from anxin.core.actors import MERCHANT_ROLES, Role
from anxin.disputes.models import Dispute
from anxin.feedback.choices import SubjectType
from anxin.feedback.models import Survey

from .models import CaseFact
from .sql import AnyOf, Earliest, Hours, batch_session, insert_select

CHUNK = 2000  # case ids per statement
ALIAS = "f_"  # the computed columns (a case has a ``refund_amount`` of its own …)
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
    for chunk in id_chunks(case_ids):
        facts = CaseFact.objects.filter(AnyOf("case_id", chunk))
        with transaction.atomic():
            batch_session()
            days.update(facts.order_by().values_list("day", flat=True).distinct())
            written += facts_rewrite(chunk, now=now)
            days.update(facts.order_by().values_list("day", flat=True).distinct())
    return written, days


def facts_rewrite(ids: list[int], *, now: datetime) -> int:
    """Delete the facts of these cases and insert them again (one ``INSERT … SELECT``);
    returns the facts written. Call it in a transaction."""
    CaseFact.objects.filter(AnyOf("case_id", ids)).delete()
    return insert_select(CaseFact, facts_query(ids, now=now), prefix=ALIAS)


def id_chunks(case_ids: Iterable[int] | None) -> Iterator[list[int]]:
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


def _first(rows: models.QuerySet[Any], field: str) -> Subquery:
    """The earliest ``field`` among ``rows`` (correlated to the outer case), NULL for none."""
    return Subquery(rows.order_by().values("case_id").annotate(first=Min(field)).values("first"))


def facts_query(ids: list[int], *, now: datetime) -> models.QuerySet[Any]:
    """The facts of these cases as one SELECT (the CaseFact columns, prefixed ``ALIAS`` where a
    case field has the same name): every outcome a correlated subquery of one case."""
    events = CaseEvent.objects.filter(case_id=OuterRef("pk"))
    refunds = Refund.unscoped.filter(
        case_id=OuterRef("pk"), status=RefundStatus.SUCCEEDED, kind__in=PAID_TO_CONSUMER
    ).order_by()
    leaving_review = events.filter(from_status="merchant_review").order_by("created_at", "pk")
    answered_by = leaving_review.annotate(
        who=models.Case(
            models.When(actor_role__in=MERCHANT_ROLE_NAMES, then=Value("merchant")),
            models.When(actor_role=SYSTEM_ROLE, then=Value("system")),
            default=Value(""),
        )
    ).values("who")[:1]
    merchant_act = Earliest(
        _first(events.filter(actor_role__in=MERCHANT_ROLE_NAMES), "created_at"),
        _first(
            CaseMessage.unscoped.filter(case_id=OuterRef("pk"), party=MessageParty.MERCHANT),
            "created_at",
        ),
    )
    disputes = Dispute.unscoped.filter(case_id=OuterRef("pk"))
    survey = Survey.unscoped.filter(
        subject_type=SubjectType.CASE, subject_id=OuterRef("pk"), score__isnull=False
    ).values("score")[:1]
    opened = F("created_at")
    columns: dict[str, Any] = {
        "case_id": F("pk"),
        "category_id": Coalesce(
            "line__sku__category__parent_id",
            "line__sku__category_id",
            Value(0),
            output_field=models.IntegerField(),
        ),
        "sku_id": Coalesce("line__sku_id", Value(0), output_field=models.BigIntegerField()),
        "opened_at": opened,
        "day": TruncDate("created_at", tzinfo=timezone.get_current_timezone()),
        "response_hours": Hours(merchant_act, opened),
        "approve_hours": Hours(_first(events.filter(action="approve"), "created_at"), opened),
        "refund_hours": Hours(_first(refunds, "settled_at"), opened),
        "close_hours": Hours(
            _first(events.filter(to_status__in=TERMINAL_STATUSES), "created_at"), opened
        ),
        "answered_by": Coalesce(Subquery(answered_by), Value("")),
        "auto_acted": Exists(events.filter(actor_role=SYSTEM_ROLE)),
        "disputed": Exists(disputes),
        "intervened": Exists(disputes.filter(intervened_at__isnull=False)),
        "refund_amount": Coalesce(
            Subquery(refunds.values("case_id").annotate(total=Sum("amount")).values("total")),
            Value(Decimal("0.00")),
            output_field=CaseFact._meta.get_field("refund_amount"),
        ),
        "refund_parts": Coalesce(
            Subquery(refunds.values("case_id").annotate(n=Count("pk")).values("n")),
            Value(0),
            output_field=models.IntegerField(),
        ),
        "csat": Subquery(survey, output_field=models.IntegerField()),
        "updated_at": Value(now, output_field=models.DateTimeField()),
    }
    return (
        Case.unscoped.filter(AnyOf("id", ids))
        .values("merchant_id", "type", "reason_id", "channel", "status")
        .annotate(**{ALIAS + name: expression for name, expression in columns.items()})
        .order_by()
    )
