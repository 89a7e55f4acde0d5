"""The raw after-sales figures of every merchant over the window, in a handful of aggregate
queries grouped by merchant (never a loop over cases): delivered units and the peer category,
requests (and those 'not as described'), review-deadline answers, refund times, disputes,
satisfaction surveys; plus the service reviews of ``sources.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from anxin.cases.models import Case, CaseEvent, Refund
from anxin.cases.models.ledger import RefundStatus
from anxin.catalog.models import DeliveryLine
from anxin.core.actors import MERCHANT_ROLES, Role
from anxin.disputes.models import Dispute
from anxin.disputes.selectors import LOST
from anxin.feedback.choices import SubjectType
from anxin.feedback.models import Survey
from anxin.quality.choices import METRIC_REASONS, Metric

from . import sources

MERCHANT_ROLE_NAMES = [str(r) for r in MERCHANT_ROLES]
NOT_AS_DESCRIBED_REASONS = list(METRIC_REASONS[Metric.NOT_AS_DESCRIBED])
HOUR = timedelta(hours=1)


@dataclass
class MerchantFigures:
    """One merchant's figures: per factor key ``(x, n)`` — events and chances for a rate, sum
    and count for a mean — and the category its delivered units are mostly in."""

    merchant_id: int
    category: str = ""
    units: int = 0
    cases: int = 0
    pairs: dict[str, tuple[float, float]] = field(default_factory=dict)


def units_rows(merchant_ids: list[int], since: datetime, until: datetime) -> QuerySet:
    """Units signed for in the window per merchant and top-level category."""
    return (
        DeliveryLine.objects.filter(
            delivery__order__merchant_id__in=merchant_ids,
            delivery__signed_at__gte=since,
            delivery__signed_at__lt=until,
        )
        .values(
            merchant=F("delivery__order__merchant_id"),
            group=Coalesce("line__sku__category__parent__code", "line__sku__category__code"),
        )
        .annotate(units=Sum("quantity"))
    )


def _units_and_category(merchant_ids: list[int], since: datetime, until: datetime) -> dict:
    found: dict[int, dict[str, int]] = {}
    for row in units_rows(merchant_ids, since, until):
        found.setdefault(row["merchant"], {})[row["group"]] = int(row["units"] or 0)
    return found


def cases_rows(merchant_ids: list[int], since: datetime, until: datetime) -> QuerySet:
    return (
        Case.unscoped.filter(
            merchant_id__in=merchant_ids, created_at__gte=since, created_at__lt=until
        )
        .values("merchant_id")
        .annotate(
            n=Count("pk"),
            nad=Count("pk", filter=Q(reason__code__in=NOT_AS_DESCRIBED_REASONS)),
        )
    )


def answers_rows(merchant_ids: list[int], since: datetime, until: datetime) -> QuerySet:
    """Requests that left the merchant's review: answered by the merchant (within the deadline,
    or the deadline's automatic approval would have moved it first) or by the deadline itself.
    Withdrawals and platform staff's steps say nothing about the merchant and are not counted."""
    return (
        CaseEvent.objects.filter(
            case__merchant_id__in=merchant_ids,
            from_status="merchant_review",
            created_at__gte=since,
            created_at__lt=until,
            actor_role__in=[*MERCHANT_ROLE_NAMES, str(Role.SYSTEM)],
        )
        .values(merchant=F("case__merchant_id"))
        .annotate(
            n=Count("pk"),
            x=Count("pk", filter=Q(actor_role__in=MERCHANT_ROLE_NAMES)),
        )
    )


def refunds_rows(merchant_ids: list[int], since: datetime, until: datetime) -> QuerySet:
    took = ExpressionWrapper(F("settled_at") - F("case__created_at"), output_field=DurationField())
    return (
        Refund.unscoped.filter(
            merchant_id__in=merchant_ids,
            case__isnull=False,
            status=RefundStatus.SUCCEEDED,
            settled_at__gte=since,
            settled_at__lt=until,
        )
        .values("merchant_id")
        .annotate(n=Count("pk"), total=Sum(took))
    )


def disputes_rows(merchant_ids: list[int], since: datetime, until: datetime) -> QuerySet:
    """Disputes opened in the window: all, those the platform stepped in on, those it decided and
    those it decided (wholly or partly) for the consumer (``disputes.selectors.LOST``)."""
    ruled = Q(ruled_at__isnull=False)
    return (
        Dispute.unscoped.filter(
            merchant_id__in=merchant_ids, opened_at__gte=since, opened_at__lt=until
        )
        .values("merchant_id")
        .annotate(
            n=Count("pk"),
            intervened=Count("pk", filter=Q(intervened_at__isnull=False)),
            ruled=Count("pk", filter=ruled),
            lost=Count("pk", filter=ruled & Q(outcome__in=list(LOST))),
        )
    )


def surveys_rows(merchant_ids: list[int], since: datetime, until: datetime) -> QuerySet:
    return (
        Survey.unscoped.filter(
            merchant_id__in=merchant_ids,
            subject_type=SubjectType.CASE,
            answered_at__gte=since,
            answered_at__lt=until,
        )
        .values("merchant_id")
        .annotate(n=Count("pk"), total=Sum("score"))
    )


# The aggregate queries, by name (the benchmark runs their bare SQL as its baseline).
QUERIES = {
    "units": units_rows,
    "cases": cases_rows,
    "answers": answers_rows,
    "refunds": refunds_rows,
    "disputes": disputes_rows,
    "surveys": surveys_rows,
}


def figures_for(
    *, merchant_ids: list[int], since: datetime, until: datetime
) -> dict[int, MerchantFigures]:
    """Every merchant's figures for the window [since, until)."""
    window = (merchant_ids, since, until)
    units = _units_and_category(*window)
    requests = {r["merchant_id"]: r for r in cases_rows(*window)}
    answers = {r["merchant"]: (r["x"], r["n"]) for r in answers_rows(*window)}
    refunds = {
        r["merchant_id"]: (r["total"] / HOUR, r["n"])
        for r in refunds_rows(*window)
        if r["total"] is not None
    }
    disputes = {r["merchant_id"]: r for r in disputes_rows(*window)}
    surveys = {r["merchant_id"]: (float(r["total"] or 0), r["n"]) for r in surveys_rows(*window)}
    reviews = sources.service_review_figures(merchant_ids=merchant_ids, since=since, until=until)
    result: dict[int, MerchantFigures] = {}
    for mid in merchant_ids:
        by_group = units.get(mid, {})
        total_units = sum(by_group.values())
        counted = requests.get(mid)
        n_cases = counted["n"] if counted else 0
        fig = MerchantFigures(
            merchant_id=mid,
            category=max(by_group, key=lambda g: (by_group[g], g)) if by_group else "",
            units=total_units,
            cases=n_cases,
        )
        pairs = fig.pairs
        pairs["return_rate"] = (n_cases, total_units)
        pairs["not_as_described"] = (counted["nad"] if counted else 0, total_units)
        if mid in answers:
            pairs["response_sla"] = answers[mid]
        if mid in refunds:
            pairs["refund_latency"] = refunds[mid]
        d = disputes.get(mid)
        pairs["dispute_rate"] = (d["n"] if d else 0, n_cases)
        pairs["intervention"] = (d["intervened"] if d else 0, n_cases)
        pairs["dispute_loss"] = (d["lost"] if d else 0, d["ruled"] if d else 0)
        if mid in surveys:
            pairs["csat"] = surveys[mid]
        if mid in reviews:
            pairs["service_review"] = reviews[mid]
        result[mid] = fig
    return result
