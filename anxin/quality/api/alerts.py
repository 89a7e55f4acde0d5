"""/api/v1/quality/alerts: the alerts the daily scan raised (merchants read their own)."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from anxin.accounts.api.auth import API_AUTH, actor_of
from anxin.core.api.idempotency import idempotent

from .. import selectors, services
from .common import reader
from .schemas import AlertDetailOut, AlertOut, AlertQuery, Key, ReasonBody

router = Router(tags=["quality: alerts"], auth=API_AUTH)


@router.get("/quality/alerts", response=list[AlertOut], summary="Quality alerts (newest first)")
def alert_list(request: HttpRequest, query: Query[AlertQuery]) -> Any:
    actor = reader(actor_of(request))
    rows = selectors.alert_list_for(actor=actor, status=query.status, merchant=query.merchant)
    return list(rows.select_related("task")[:200])


def _detail(request: HttpRequest, number: str) -> Any:
    actor = reader(actor_of(request))
    alert = selectors.alert_get_for(actor=actor, number=number)
    alert.charts = selectors.chart_for(actor=actor, sku=alert.sku, metric=alert.metric)  # type: ignore[attr-defined]
    return alert


@router.get("/quality/alerts/{number}", response=AlertDetailOut, summary="An alert and its chart")
def alert_get(request: HttpRequest, number: Key) -> Any:
    return _detail(request, number)


@router.post(
    "/quality/alerts/{number}/dismiss",
    response={200: AlertDetailOut},
    summary="Close an alert as a false alarm (inspectors; its task is cancelled)",
)
@idempotent(AlertDetailOut)
def alert_dismiss(request: HttpRequest, number: Key, payload: ReasonBody) -> Any:
    actor = reader(actor_of(request))
    alert = selectors.alert_get_for(actor=actor, number=number)
    services.alert_dismiss(actor=actor, alert=alert, payload=payload.model_dump())
    return Status(200, _detail(request, number))
