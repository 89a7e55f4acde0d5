"""The requests behind a number: a page of case facts under the filters (and the clicked cell's
day), newest first, with the case's number and public id — a constant number of queries per
page whatever its size."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxin.cases.models import Case
from anxin.core.actors import Actor
from anxin.core.errors import ValidationFailed

from .. import labels
from ..models import CaseFact
from .filters import Filters, scoped
from .sources import case_q

PAGE_MAX = 200
_FIELDS = (
    "case_id",
    "merchant_id",
    "category_id",
    "sku_id",
    "type",
    "reason_id",
    "channel",
    "opened_at",
    "day",
    "status",
    "response_hours",
    "approve_hours",
    "refund_hours",
    "close_hours",
    "refund_amount",
    "refund_parts",
    "disputed",
    "intervened",
    "csat",
)


@dataclass(frozen=True)
class DrillRow:
    case_id: int
    number: str
    public_id: str
    status: str
    status_label: str
    type: str
    type_label: str
    channel: str
    channel_label: str
    reason_id: int
    reason_label: str
    merchant_id: int
    merchant_label: str
    category_id: int
    category_label: str
    sku_id: int
    sku_label: str
    opened_at: datetime
    day: date
    response_hours: float | None
    approve_hours: float | None
    refund_hours: float | None
    close_hours: float | None
    refund_amount: Decimal
    refund_parts: int
    disputed: bool
    intervened: bool
    csat: int | None


@dataclass(frozen=True)
class Page:
    rows: list[DrillRow]
    next_cursor: str | None  # pass back as ``cursor`` for the next page; None on the last


def encode_cursor(opened_at: datetime, case_id: int) -> str:
    raw = f"{opened_at.isoformat()}|{case_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The (opened_at, case_id) a cursor stands for; ValidationFailed for anything else."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
        moment, case_id = text.split("|")
        opened_at = datetime.fromisoformat(moment)
        if opened_at.tzinfo is None:
            raise ValueError(moment)
        return opened_at, int(case_id)
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise ValidationFailed(
            fields={"cursor": _("This page link is no longer valid: start from the first page.")}
        ) from exc


def drilldown(
    *,
    actor: Actor,
    filters: Filters,
    day: date | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    """The requests under the filters (restricted to ``day`` when a day's cell was clicked),
    newest first, ``limit`` at a time; keyset pagination on (opened_at, case id) so a page
    costs the same at any depth."""
    filters = scoped(actor, filters)
    if not 1 <= limit <= PAGE_MAX:
        raise ValidationFailed(fields={"limit": _("Choose between 1 and 200 rows per page.")})
    if day is not None:
        filters = filters.replace(start=day, end=day)
    facts = CaseFact.objects.filter(case_q(filters))
    if cursor:
        opened_at, case_id = decode_cursor(cursor)
        facts = facts.filter(
            Q(opened_at__lt=opened_at) | Q(opened_at=opened_at, case_id__lt=case_id)
        )
    rows = list(facts.order_by("-opened_at", "-case_id").values(*_FIELDS)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    ids = [r["case_id"] for r in rows]
    names = (
        {
            pk: (number, str(public_id))
            for pk, number, public_id in Case.unscoped.filter(pk__in=ids).values_list(
                "pk", "number", "public_id"
            )
        }
        if ids
        else {}
    )
    reasons = labels.reason_labels(r["reason_id"] for r in rows)
    merchants = labels.merchant_labels(r["merchant_id"] for r in rows)
    categories = labels.category_labels(r["category_id"] for r in rows)
    skus = labels.sku_labels(r["sku_id"] for r in rows)
    out = []
    for r in rows:
        number, public_id = names.get(r["case_id"], ("", ""))
        out.append(
            DrillRow(
                number=number,
                public_id=public_id,
                status_label=labels.status_label(r["status"]),
                type_label=labels.type_label(r["type"]),
                channel_label=labels.channel_label(r["channel"]),
                reason_label=reasons.get(r["reason_id"], ""),
                merchant_label=merchants.get(r["merchant_id"], ""),
                category_label=categories.get(r["category_id"], ""),
                sku_label=skus.get(r["sku_id"], ""),
                **r,
            )
        )
    last = rows[-1] if rows else None
    next_cursor = encode_cursor(last["opened_at"], last["case_id"]) if more and last else None
    return Page(rows=out, next_cursor=next_cursor)
