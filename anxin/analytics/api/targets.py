"""/api/v1/analytics/targets: service targets with their attainment (platform staff all; a shop's
people and tokens their own shops' only, read-only) and, for administrators, setting and deleting
them. Values are in the metric's own unit: a share 0..1 for rates, hours, stars."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from anxin.accounts.api.auth import API_AUTH, actor_of
from anxin.core import clock

from ..targets import Attainment, attainment_for, attainments, target_delete, target_set

router = Router(tags=["analytics: targets"], auth=API_AUTH)


class TargetQuery(Schema):
    scope: str | None = Field(None, description="platform, category or merchant")
    merchant: int | None = Field(None, description="a shop's id")
    category: int | None = Field(None, description="a top-level category's id")
    end: date | None = Field(None, description="the last day of the windows (default: yesterday)")


class TargetAttainmentOut(Schema):
    id: int
    metric: str
    label: str
    unit: str
    scope: str
    scope_label: str
    category: int | None
    merchant: int | None
    window_days: int
    start: date
    end: date
    target: float = Field(description="In the metric's unit: a share 0..1 for rates")
    actual: float | None
    met: bool | None = Field(description="None: no figures in the window")
    higher_is_better: bool
    target_display: str
    actual_display: str


class TargetIn(Schema):
    metric: str = Field(max_length=40)
    scope: str = Field(max_length=12)
    value: Decimal = Field(description="In the metric's unit: a share 0..1 for rates")
    window_days: int = 30
    category: int | None = None
    merchant: int | None = None
    owner: int | None = Field(
        None, description="a user id; default: the shop's or platform's administrators"
    )
    active: bool = True


def _out(row: Attainment) -> dict[str, Any]:
    return {
        "id": row.target_id,
        "metric": row.metric,
        "label": row.label,
        "unit": row.unit,
        "scope": row.scope,
        "scope_label": row.scope_label,
        "category": row.category_id,
        "merchant": row.merchant_id,
        "window_days": row.window_days,
        "start": row.start,
        "end": row.end,
        "target": row.target,
        "actual": row.actual,
        "met": row.met,
        "higher_is_better": row.higher_is_better,
        "target_display": row.target_display,
        "actual_display": row.actual_display,
    }


def _yesterday() -> date:
    return clock.localnow().date() - timedelta(days=1)


@router.get(
    "/analytics/targets",
    response=list[TargetAttainmentOut],
    summary="Service targets with their attainment over each window",
)
def target_list(request: HttpRequest, query: Query[TargetQuery]) -> Any:
    rows = attainment_for(
        actor=actor_of(request),
        scope=query.scope,
        merchant_id=query.merchant,
        category_id=query.category,
        end=query.end or _yesterday(),
    )
    return [_out(r) for r in rows]


@router.post(
    "/analytics/targets",
    response={201: TargetAttainmentOut},
    summary="Set a target (administrators): replaces the one of the same metric and scope",
)
def target_put(request: HttpRequest, payload: TargetIn) -> Status[Any]:
    actor = actor_of(request)
    target = target_set(
        actor=actor,
        metric=payload.metric,
        scope=payload.scope,
        value=payload.value,
        window_days=payload.window_days,
        category_id=payload.category,
        merchant_id=payload.merchant,
        owner_id=payload.owner,
        active=payload.active,
    )
    return Status(201, _out(attainments([target], end=_yesterday())[0]))


@router.delete(
    "/analytics/targets/{target_id}",
    response={204: None},
    summary="Delete a target and its alerts (administrators)",
)
def target_remove(request: HttpRequest, target_id: int) -> Status[None]:
    target_delete(actor=actor_of(request), target_id=target_id)
    return Status(204, None)
