"""/api/v1/analytics/desk: the service desk's figures of a period (platform staff and platform
tokens; anyone else gets 403). The same filters as the supervisor's page: ``start`` and ``end``
(YYYY-MM-DD, local days, inclusive; the last 30 days by default), a ticket ``channel`` and
``type``, a ``merchant`` id. Rates are shares 0..1, durations hours."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import StringConstraints

from anxin.accounts.api.auth import API_AUTH, actor_of

from ..desk_queries import (
    desk_backlog,
    desk_filters_from,
    desk_totals,
    first_response_target,
    require_desk,
    share_within,
)
from ..metrics import DESK_METRICS, format_value, metric

router = Router(tags=["analytics: desk"], auth=API_AUTH)

Param = Annotated[str, StringConstraints(max_length=40, pattern=r"^[^\x00]*$")]


class DeskQuery(Schema):
    start: Param | None = None
    end: Param | None = None
    channel: Param | None = None
    type: Param | None = None
    merchant: Param | None = None


class MetricOut(Schema):
    key: str
    label: str
    unit: str
    value: float | None
    display: str


class DeskOut(Schema):
    start: date
    end: date
    channel: str | None
    type: str | None
    merchant: int | None
    tickets: int
    responded: int
    resolved: int
    reopened: int
    sla_decided: int
    sla_met: int
    csat_answers: int
    conversations: int
    handed_off: int
    nps_answers: int
    first_response_target_hours: float
    answered_within_target: float | None
    open_now: int
    metrics: list[MetricOut]


@router.get(
    "/analytics/desk",
    response=DeskOut,
    summary="The service desk's figures of a period (platform staff)",
)
def desk(request: HttpRequest, query: Query[DeskQuery]) -> Any:
    viewer = actor_of(request)
    require_desk(viewer)  # 403 before any parameter is read
    filters = desk_filters_from(query.model_dump(exclude_none=True), actor=viewer)
    t = desk_totals(actor=viewer, filters=filters)
    target = first_response_target()
    return {
        "start": filters.start,
        "end": filters.end,
        "channel": filters.channel,
        "type": filters.type,
        "merchant": filters.merchant_id,
        "tickets": t.tickets,
        "responded": t.ticket_responded,
        "resolved": t.ticket_resolved,
        "reopened": t.reopened,
        "sla_decided": t.sla_n,
        "sla_met": t.sla_met,
        "csat_answers": t.ticket_csat_n,
        "conversations": t.conversations,
        "handed_off": t.handed_off,
        "nps_answers": t.nps_responses,
        "first_response_target_hours": target,
        "answered_within_target": share_within(t.ticket_hist["response"], target),
        "open_now": desk_backlog(actor=viewer).total,
        "metrics": [
            {
                "key": key,
                "label": str(metric(key).label),
                "unit": str(metric(key).unit),
                "value": t.metric(key),
                "display": format_value(key, t.metric(key)),
            }
            for key in DESK_METRICS
        ],
    }
