"""Reads of cases, their messages and photos, refunds and eligibility, always scoped to the actor
(out of scope = 404)."""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from anxin.catalog.models import DeliveryLine, Order, OrderLine
from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.deadlines import deadlines_open_for
from anxin.core.errors import NotFound, ValidationFailed
from anxin.core.models import Deadline, DeadlineState
from anxin.core.pagination import Page, keyset_page
from anxin.policies.eligibility import Decision, eligibility
from anxin.policies.models import Reason

from .choices import CaseStatus, EvidencePurpose, MessageAudience
from .models import Case, CaseEvent, CaseMessage, Evidence, Refund
from .workflow import CASE_WORKFLOW


def claimed_quantity(*, line_id: int, exclude_case_id: int | None = None) -> int:
    """Units of a line already in a request that is open or ended with a result (a closed
    request — withdrawn, timed out — frees its units)."""
    query = Case.unscoped.filter(line_id=line_id).exclude(status=CaseStatus.CLOSED)
    if exclude_case_id is not None:
        query = query.exclude(pk=exclude_case_id)
    return query.aggregate(total=Sum("quantity"))["total"] or 0


def order_claims(
    *, order_id: int, exclude_case_id: int | None = None
) -> dict[int, tuple[int, Decimal]]:
    """Per line of an order: units and refund amounts already claimed by requests that are not
    closed (promotions spanning lines are recomputed against these)."""
    query = Case.unscoped.filter(order_id=order_id).exclude(status=CaseStatus.CLOSED)
    if exclude_case_id is not None:
        query = query.exclude(pk=exclude_case_id)
    rows = query.values("line_id").annotate(units=Sum("quantity"), amount=Sum("refund_amount"))
    return {r["line_id"]: (r["units"] or 0, r["amount"] or Decimal(0)) for r in rows}


def line_for_eligibility(line_id: int) -> OrderLine:
    return (
        OrderLine.objects.select_related("order", "sku__category__parent")
        .prefetch_related(
            Prefetch(
                "delivery_lines",
                queryset=DeliveryLine.objects.select_related("delivery"),
            ),
            "confirmations",
            "gifts",
            "order__tenders",
            "order__lines",
        )
        .get(pk=line_id)
    )


def reason_get(code: str) -> Reason:
    reason = Reason.objects.filter(code=code, selectable=True).first()
    if reason is None:
        raise ValidationFailed(fields={"reason": _("Unknown reason code.")})
    return reason


def line_id_for(*, actor: Actor, order_ref: str, line_ref: str) -> int:
    """The id of a line of an order the actor may see (order by UUID or the shop's external id)."""
    orders = Order.objects.for_actor(actor)
    order_ids: list[int] = []
    with contextlib.suppress(ValueError):
        order_ids = list(orders.filter(public_id=uuid.UUID(order_ref)).values_list("pk", flat=True))
    if not order_ids:
        order_ids = list(orders.filter(external_id=order_ref).values_list("pk", flat=True)[:2])
    if len(order_ids) != 1:
        raise NotFound()
    line_id = (
        OrderLine.objects.filter(order_id=order_ids[0], external_id=line_ref)
        .values_list("pk", flat=True)
        .first()
    )
    if line_id is None:
        raise ValidationFailed(fields={"line": _("This order has no such line.")})
    return line_id


def decision_for(
    *,
    line_id: int,
    quantity: int,
    request_type: str | None,
    reason: Reason,
    keep_gifts: bool = False,
    at: datetime | None = None,
    exclude_case_id: int | None = None,
) -> tuple[OrderLine, Decision]:
    """The eligibility decision for a line, counting the units and amounts other requests hold."""
    line = line_for_eligibility(line_id)
    decision = eligibility(
        line=line,
        quantity=quantity,
        request_type=request_type,
        reason=reason,
        at=at or clock.now(),
        claimed_quantity=claimed_quantity(line_id=line_id, exclude_case_id=exclude_case_id),
        keep_gifts=keep_gifts,
        claims=order_claims(order_id=line.order_id, exclude_case_id=exclude_case_id),
    )
    return line, decision


def eligibility_for(
    *,
    actor: Actor,
    order_ref: str,
    line_ref: str,
    quantity: int,
    request_type: str | None,
    reason_code: str,
    keep_gifts: bool = False,
) -> tuple[OrderLine, Reason, Decision]:
    """The decision for a line of an order the actor may see."""
    line_id = line_id_for(actor=actor, order_ref=order_ref, line_ref=line_ref)
    reason = reason_get(reason_code)
    line, decision = decision_for(
        line_id=line_id,
        quantity=quantity,
        request_type=request_type,
        reason=reason,
        keep_gifts=keep_gifts,
    )
    return line, reason, decision


def case_get_for(*, actor: Actor, number: str) -> Case:
    case = (
        Case.objects.for_actor(actor)
        .select_related("merchant", "line", "order", "reason", "customer")
        .prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.order_by("created_at", "pk"))
        )
        .filter(number=number)
        .first()
    )
    if case is None:
        raise NotFound()
    return case


def _unreadable_audience(actor: Actor) -> str | None:
    """The messages addressed to one side that ``actor`` must not read: platform staff read all,
    a merchant's people and tokens not the consumer's, a consumer not the merchant's."""
    if actor.platform:
        return None
    if actor.merchant_ids:
        return MessageAudience.CONSUMER
    return MessageAudience.MERCHANT


def case_messages_for(*, actor: Actor, case: Case) -> QuerySet[CaseMessage]:
    """The messages (留言) of a case that ``actor`` may read, oldest first, with their photos; a
    consumer never reads one addressed to the merchant only, nor a merchant one addressed to the
    consumer only."""
    messages = CaseMessage.objects.for_actor(actor).filter(case=case)
    hidden = _unreadable_audience(actor)
    if hidden is not None:
        messages = messages.exclude(visible_to=hidden)
    photos = Evidence.objects.order_by("created_at", "pk")
    return messages.prefetch_related(Prefetch("photos", queryset=photos)).order_by(
        "created_at", "pk"
    )


def case_photos_for(*, case: Case, purpose: str = EvidencePurpose.REQUEST) -> list[Evidence]:
    """A case's photos of one purpose, oldest first (message photos are read with their
    message, dispute evidence by the disputes app); ``party`` says whose each one is."""
    return list(case.evidence.filter(purpose=purpose).order_by("created_at", "pk"))


def evidence_get_for(*, actor: Actor, number: str, public_id: uuid.UUID) -> Evidence:
    """One photo of a case ``actor`` may see, never one of a message addressed to the other side;
    NotFound for anything else (the same answer as a missing photo)."""
    photos = Evidence.objects.filter(
        case__in=Case.objects.for_actor(actor).filter(number=number), public_id=public_id
    )
    hidden = _unreadable_audience(actor)
    if hidden is not None:
        photos = photos.exclude(message__visible_to=hidden)
    photo = photos.only("file", "content_type").first()
    if photo is None:
        raise NotFound()
    return photo


def case_open_deadlines(case: Case) -> QuerySet[Deadline]:
    return deadlines_open_for(subject_type="cases.case", subject_id=case.pk)


@dataclass(frozen=True)
class CaseFilters:
    status: str | None = None
    type: str | None = None
    merchant: str | None = None
    overdue: bool | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None


def case_list_for(
    *, actor: Actor, filters: CaseFilters, cursor: str | None, limit: int
) -> Page[Case]:
    cases = Case.objects.for_actor(actor).select_related("merchant", "line", "reason")
    return keyset_page(
        cases.filter(case_conditions(filters)), key="created_at", cursor=cursor, limit=limit
    )


def refund_list_for(*, actor: Actor, case_number: str | None) -> QuerySet[Refund]:
    refunds = Refund.objects.for_actor(actor).select_related("case").order_by("-created_at", "-pk")
    if case_number:
        refunds = refunds.filter(case__number=case_number)
    return refunds


def case_conditions(filters: CaseFilters) -> Q:
    """The conditions ``filters`` put on a case list, for lists that page or sort their own way."""
    conditions = Q()
    if filters.status:
        conditions &= Q(status=filters.status)
    if filters.type:
        conditions &= Q(type=filters.type)
    if filters.merchant:
        conditions &= Q(merchant__code=filters.merchant)
    if filters.created_from:
        conditions &= Q(created_at__gte=filters.created_from)
    if filters.created_to:
        conditions &= Q(created_at__lt=filters.created_to)
    if filters.overdue is not None:
        # "overdue": a pending deadline of the case is already due (the sweeper is behind).
        due = pending_case_deadlines().filter(due_at__lte=clock.now()).values("subject_id")
        conditions &= Q(pk__in=due) if filters.overdue else ~Q(pk__in=due)
    return conditions


def reason_or_children(code: str) -> Q:
    """Cases with this reason or one of its sub-reasons (``quality`` also finds ``quality/defect``)."""
    return Q(reason__code=code) | Q(reason__parent__code=code)


# --- the nearest deadline of each case and how urgent it is ---------------------------------------

CASE_SUBJECT = "cases.case"
AT_RISK_SHARE = 0.25  # the last quarter of a deadline's window counts as "at risk"
OVERDUE = "overdue"
AT_RISK = "at-risk"


def pending_case_deadlines() -> QuerySet[Deadline]:
    return Deadline.objects.filter(subject_type=CASE_SUBJECT, state=DeadlineState.PENDING)


def cases_with_next_deadline(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate each case with its earliest pending deadline: ``next_due``, ``next_kind`` and
    ``next_armed`` (when that deadline was armed); all None when nothing is pending."""
    nearest = pending_case_deadlines().filter(subject_id=OuterRef("pk")).order_by("due_at", "pk")
    return cases.annotate(
        next_due=Subquery(nearest.values("due_at")[:1]),
        next_kind=Subquery(nearest.values("kind")[:1]),
        next_armed=Subquery(nearest.values("created_at")[:1]),
    )


def deadline_urgency(
    *,
    due_at: datetime | None,
    armed_at: datetime | None,
    now: datetime,
    at_risk_within: timedelta = timedelta(0),
) -> str:
    """``OVERDUE`` when the deadline is due, ``AT_RISK`` when it is not yet but in the last
    ``AT_RISK_SHARE`` of its window (or due within ``at_risk_within``), else ""."""
    if due_at is None:
        return ""
    left = (due_at - now).total_seconds()
    if left <= 0:
        return OVERDUE
    window = (due_at - armed_at).total_seconds() if armed_at is not None else 0
    if left <= at_risk_within.total_seconds() or left <= window * AT_RISK_SHARE:
        return AT_RISK
    return ""


def case_urgency(case: Case, now: datetime, *, at_risk_within: timedelta = timedelta(0)) -> str:
    """``deadline_urgency`` of a case annotated by ``cases_with_next_deadline``."""
    return deadline_urgency(
        due_at=getattr(case, "next_due", None),
        armed_at=getattr(case, "next_armed", None),
        now=now,
        at_risk_within=at_risk_within,
    )


def case_actions_for(case: Case, actor: Actor) -> list[str]:
    """The actions ``actor`` may take on the case now, as offered to people and integrations: a
    disputed case offers none (it moves through its dispute, which carries its own steps)."""
    if case.status == CaseStatus.DISPUTED:
        return []
    return sorted({t.action for t in CASE_WORKFLOW.available(case, actor)})
