"""Outgoing webhooks: merchants' endpoints (register one; its signing secret is shown once) and the
delivery log (status, attempts, last error) with redelivery of finished deliveries."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anxin.catalog.models import Merchant
from anxin.core.errors import DomainError, ValidationFailed
from anxin.notifications.choices import OutboxStatus
from anxin.notifications.events import webhook_events
from anxin.notifications.selectors import (
    webhook_delivery_get_for,
    webhook_delivery_list_for,
    webhook_endpoint_list_for,
)
from anxin.notifications.services import webhook_endpoint_create, webhook_redeliver

from ..common import ADMINS, actor, audience
from .common import INVALID, page, refused

PAGE_SIZE = 50


def _filters(request: HttpRequest) -> tuple[str, str, str | None]:
    status = request.GET.get("status", "")
    if status not in OutboxStatus.values:
        status = ""
    endpoint = request.GET.get("endpoint", "")
    try:
        endpoint = str(uuid.UUID(endpoint)) if endpoint else ""
    except ValueError:
        endpoint = ""
    cursor = request.GET.get("cursor") or None
    return status, endpoint, cursor


def _render(
    request: HttpRequest,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    issued: Any = None,
    status: int = 200,
) -> HttpResponse:
    viewer = actor(request)
    state, endpoint_id, cursor = _filters(request)
    endpoints = list(webhook_endpoint_list_for(actor=viewer))
    try:
        log = webhook_delivery_list_for(
            actor=viewer,
            endpoint_id=endpoint_id or None,
            status=OutboxStatus(state) if state else None,
            cursor=cursor,
            limit=PAGE_SIZE,
        )
    except DomainError as error:  # a tampered cursor or an unknown endpoint
        refused(request, error)
        log = webhook_delivery_list_for(actor=viewer, limit=PAGE_SIZE)
        status = max(status, 400)
    context = {
        "endpoints": endpoints,
        "deliveries": log.items,
        "next_cursor": log.next_cursor,
        "state": state,
        "endpoint_id": endpoint_id,
        "statuses": OutboxStatus.choices,
        "filtered": bool(state or endpoint_id or cursor),
        "merchants": list(Merchant.unscoped.order_by("code").values_list("code", "name")),
        "events": webhook_events(),
        "form": form or {"merchant": "", "url": "", "events": []},
        "errors": errors or {},
        "issued": issued,
        "redeliverable": {OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.DEAD},
    }
    response = page(request, "web/manage/webhooks.html", context, nav="webhooks", status=status)
    if issued is not None:
        add_never_cache_headers(response)  # the signing secret must not sit in any cache
    return response


@audience(ADMINS)
def webhooks(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render(request)
    code = request.POST.get("merchant", "").strip()
    url = request.POST.get("url", "").strip()
    events = request.POST.getlist("events")
    form = {"merchant": code, "url": url, "events": events}
    merchant = Merchant.unscoped.filter(code=code).first() if code else None
    try:
        if merchant is None:
            raise ValidationFailed(fields={"merchant": _("Choose a merchant.")})
        if not url or len(url) > 500:
            raise ValidationFailed(fields={"url": _("Enter the receiver's URL (https://…).")})
        issued = webhook_endpoint_create(
            actor=actor(request), merchant=merchant, url=url, events=events
        )
    except DomainError as error:
        return _render(request, form=form, errors=refused(request, error), status=INVALID)
    return _render(request, issued=issued, status=201)


@audience(ADMINS)
@require_POST
def redeliver(request: HttpRequest, delivery_id: uuid.UUID) -> HttpResponse:
    viewer = actor(request)
    delivery = webhook_delivery_get_for(actor=viewer, delivery_id=delivery_id)
    try:
        again = webhook_redeliver(actor=viewer, delivery=delivery)
    except DomainError as error:
        refused(request, error)
        return _render(request, status=error.status)
    messages.success(
        request,
        _("Delivery queued again as %(id)s.") % {"id": str(again.public_id)[:8]},
    )
    return redirect(f"{reverse('manage:webhooks')}#deliveries")
