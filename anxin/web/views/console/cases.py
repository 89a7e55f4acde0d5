"""Console case pages: every merchant's cases, one case as the platform sees it, interventions
(any action the workflow allows an agent, always with a reason) and the case's evidence photos."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.views.decorators.http import require_POST

from anxin.cases.board import board_urgency
from anxin.cases.models import Case, ReturnAddress
from anxin.cases.queues import ConsoleCaseFilters, case_console_list_for
from anxin.cases.selectors import case_get_for, case_photos_for, refund_list_for
from anxin.core import clock
from anxin.core.crypto import mask_phone
from anxin.policies.choices import FreightPayer
from anxin.policies.models import POLICY_FIELDS, Policy
from anxin.web.case_display import (
    ACTION_LABELS,
    actions_for,
    deadline_label,
    open_deadlines,
    timeline,
)

from ..case_actions import act_from_post
from ..case_messages import case_thread
from ..common import PLATFORM_STAFF, actor, audience
from ..evidence import evidence_response
from .forms import CaseFilterForm
from .home import page

PAGE_SIZE = 50

# The extra inputs of each action form, besides the mandatory reason.
ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    "approve": ("return_address",),
    "ship_return": ("carrier", "tracking_number", "pickup"),
    "confirm_receipt": ("inspection", "note"),
    "ship_replacement": ("carrier", "tracking_number"),
    "ship_repaired": ("carrier", "tracking_number"),
}
# Actions that end or reverse the consumer's request: the button is styled as a warning.
DESTRUCTIVE = frozenset({"reject", "close"})


@audience(PLATFORM_STAFF)
def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
        filters = None
    else:
        filters = form.filters() if form.is_bound else ConsoleCaseFilters()
    rows = page_obj = None
    if filters is not None:
        paginator = Paginator(
            case_console_list_for(actor=actor(request), filters=filters), PAGE_SIZE
        )
        page_obj = paginator.get_page(request.GET.get("page"))
        now = clock.now()
        rows = [
            (case, deadline_label(case.next_kind), board_urgency(case, now=now))
            for case in page_obj.object_list
        ]
    return page(
        request,
        "web/console/cases.html",
        {"form": form, "rows": rows, "page_obj": page_obj, "filtered": form.is_bound},
        nav="cases",
        status=status,
    )


# --- one case -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionForm:
    code: str
    label: str
    fields: tuple[str, ...]
    destructive: bool


def _policy_rows(case: Case) -> list[tuple[str, Any, str]]:
    """(label, value, source policy) of each tunable number in the case's policy snapshot."""
    snapshot = case.policy or {}
    sources = snapshot.get("sources", {})
    rows = []
    for key in POLICY_FIELDS:
        if key in snapshot:
            label = str(getattr(Policy._meta.get_field(key), "verbose_name", key))
            rows.append((label, snapshot[key], sources.get(key, "")))
    return rows


def _explanation(case: Case) -> dict[str, Any]:
    language = "zh-hans" if (translation.get_language() or "").startswith("zh") else "en"
    data = case.explanation or {}
    return data.get(language) or data.get("en") or {}


def _render_case(
    request: HttpRequest,
    case: Case,
    *,
    errors: dict[str, str] | None = None,
    open_action: str = "",
    posted: Any = None,
    status: int = 200,
) -> HttpResponse:
    viewer = actor(request)
    codes = actions_for(case, viewer)
    forms = [
        ActionForm(
            code=code,
            label=str(ACTION_LABELS.get(code, code)),
            fields=ACTION_FIELDS.get(code, ()),
            destructive=code in DESTRUCTIVE,
        )
        for code in codes
    ]
    addresses: list[ReturnAddress] = []
    if "approve" in codes:
        addresses = list(
            ReturnAddress.unscoped.filter(merchant_id=case.merchant_id).order_by(
                "-is_default", "label", "pk"
            )
        )
    context = {
        "case": case,
        "order": case.order,
        "customer": case.customer,
        "masked_phone": mask_phone(case.customer.phone or ""),
        "freight_payer": dict(FreightPayer.choices).get(case.freight_payer, case.freight_payer),
        "deliveries": case.order.deliveries.order_by("shipped_at", "pk"),
        "refunds": refund_list_for(actor=viewer, case_number=case.number),
        "evidence": case_photos_for(case=case),
        "policy_rows": _policy_rows(case),
        "explanation": _explanation(case),
        "timeline": timeline(case, viewer),
        "deadlines": open_deadlines(case),
        "action_forms": forms,
        "addresses": addresses,
        "errors": errors or {},
        "open_action": open_action,
        "posted": posted if posted is not None else {},
        **case_thread(request, case, portal="console"),
    }
    return page(request, "web/console/case.html", context, nav="cases", status=status)


@audience(PLATFORM_STAFF)
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = case_get_for(actor=actor(request), number=number)
    return _render_case(request, case)


@require_POST
@audience(PLATFORM_STAFF)
def case_act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Intervene: take ``action`` for the platform. The reason is mandatory (the service refuses
    an agent's action without one); on failure the page comes back with the errors (422)."""
    case = case_get_for(actor=actor(request), number=number)
    errors = act_from_post(request, case, action)
    if not errors:
        return redirect("console:case", number=case.number)
    case = case_get_for(actor=actor(request), number=number)  # as it is now, not half-changed
    return _render_case(
        request,
        case,
        errors=errors,
        open_action=action,
        posted=request.POST,
        status=422 if set(errors) - {"__all__"} else 409,
    )


@audience(PLATFORM_STAFF)
def evidence(request: HttpRequest, number: str, evidence_id: UUID) -> HttpResponse:
    """A photo of a case, only through a case the viewer may see (media is not served publicly)."""
    return evidence_response(actor=actor(request), number=number, evidence_id=evidence_id)
