"""Merchants: search, status through the merchant workflow (admission, warning, restriction, exit),
and the deposit that advance compensation is paid from."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anxin.accounts.models import Membership
from anxin.catalog.choices import MerchantStatus
from anxin.catalog.models import Merchant, MerchantEvent
from anxin.catalog.services import (
    MERCHANT_REASON_REQUIRED,
    merchant_deposit_set,
    merchant_transition,
)
from anxin.catalog.workflow import MERCHANT_WORKFLOW
from anxin.core.errors import DomainError
from anxin.core.models import AuditEntry
from anxin.policies.models import Policy

from ..common import ADMINS, actor, audience
from .common import INVALID, page, refused

PER_PAGE = 50
ACTIONS = {
    "approve": gettext_lazy("Admit"),
    "warn": gettext_lazy("Warn"),
    "clear_warning": gettext_lazy("Clear the warning"),
    "restrict": gettext_lazy("Restrict"),
    "lift_restriction": gettext_lazy("Lift the restriction"),
    "exit": gettext_lazy("Remove from the platform"),
}
MAX_QUERY = 64


@audience(ADMINS)
def merchants(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    status = request.GET.get("status", "")
    query = Merchant.unscoped.annotate(members=Count("memberships", distinct=True))
    if q:
        query = query.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if status in MerchantStatus.values:
        query = query.filter(status=status)
    else:
        status = ""
    paginator = Paginator(query.order_by("code"), PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    shown = list(page_obj)
    policy_rows = dict(
        Policy.objects.filter(scope="merchant", merchant_id__in=[m.pk for m in shown]).values_list(
            "merchant_id", "pk"
        )
    )
    context = {
        "q": q,
        "status": status,
        "statuses": MerchantStatus.choices,
        "page_obj": page_obj,
        "rows": [(m, policy_rows.get(m.pk)) for m in shown],
        "filtered": bool(q or status),
    }
    return page(request, "web/manage/merchants.html", context, nav="merchants")


def _history(merchant: Merchant) -> list[dict[str, Any]]:
    events = [
        {
            "at": e.created_at,
            "what": ACTIONS.get(e.action, e.action),
            "change": f"{MerchantStatus(e.from_status).label} → {MerchantStatus(e.to_status).label}"
            if e.from_status in MerchantStatus.values and e.to_status in MerchantStatus.values
            else f"{e.from_status} → {e.to_status}",
            "actor": e.actor,
            "note": e.reason,
        }
        for e in MerchantEvent.objects.filter(merchant=merchant).order_by("-created_at")[:50]
    ]
    deposits = AuditEntry.objects.filter(
        tenant=f"m{merchant.pk}", action="catalog.merchant.deposit"
    ).order_by("-created_at")[:50]
    for entry in deposits:
        events.append(
            {
                "at": entry.created_at,
                "what": _("Deposit"),
                "change": f"{entry.data.get('from')} → {entry.data.get('to')}",
                "actor": entry.actor,
                "note": entry.data.get("note", ""),
            }
        )
    return sorted(events, key=lambda e: e["at"], reverse=True)


def _render_detail(
    request: HttpRequest,
    merchant: Merchant,
    *,
    errors: dict[str, str] | None = None,
    failed_action: str = "",
    deposit_form: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    viewer = actor(request)
    available = [
        {
            "action": t.action,
            "label": ACTIONS.get(t.action, t.action),
            "reason_required": t.action in MERCHANT_REASON_REQUIRED,
            "danger": t.action in MERCHANT_REASON_REQUIRED,
        }
        for t in MERCHANT_WORKFLOW.available(merchant, viewer)
    ]
    members = (
        Membership.objects.filter(merchant=merchant)
        .select_related("user")
        .order_by("user__username")
    )
    context = {
        "merchant": merchant,
        "status_label": MerchantStatus(merchant.status).label,
        "available": available,
        "errors": errors or {},
        "failed_action": failed_action,
        "deposit_form": deposit_form
        or {"deposit_amount": f"{merchant.deposit_amount}", "note": ""},
        "history": _history(merchant),
        "members": members,
        "policy": Policy.objects.filter(scope="merchant", merchant=merchant).first(),
    }
    return page(request, "web/manage/merchant.html", context, nav="merchants", status=status)


@audience(ADMINS)
def merchant_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _render_detail(request, get_object_or_404(Merchant, code=code))


@audience(ADMINS)
@require_POST
def merchant_act(request: HttpRequest, code: str) -> HttpResponse:
    merchant = get_object_or_404(Merchant, code=code)
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    try:
        result = merchant_transition(
            actor=actor(request), merchant=merchant, action=action, reason=reason
        )
    except DomainError as error:
        errors = refused(request, error)
        return _render_detail(
            request, merchant, errors=errors, failed_action=action, status=error.status
        )
    messages.success(
        request,
        _("%(name)s is now: %(status)s.")
        % {"name": merchant.name, "status": MerchantStatus(result.to_state).label},
    )
    return redirect("manage:merchant", code=merchant.code)


@audience(ADMINS)
@require_POST
def merchant_deposit(request: HttpRequest, code: str) -> HttpResponse:
    merchant = get_object_or_404(Merchant, code=code)
    raw = request.POST.get("deposit_amount", "").strip()
    note = request.POST.get("note", "")
    form = {"deposit_amount": raw, "note": note}
    try:
        amount = Decimal(raw.replace(",", ""))
        if not amount.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        error = _("Enter a decimal amount.")
        messages.error(request, error)
        return _render_detail(
            request,
            merchant,
            errors={"deposit_amount": error},
            deposit_form=form,
            status=INVALID,
        )
    try:
        merchant_deposit_set(actor=actor(request), merchant=merchant, amount=amount, note=note)
    except DomainError as error:
        return _render_detail(
            request,
            merchant,
            errors=refused(request, error),
            deposit_form=form,
            status=INVALID,
        )
    messages.success(request, _("Deposit of %(name)s saved.") % {"name": merchant.name})
    return redirect("manage:merchant", code=merchant.code)
