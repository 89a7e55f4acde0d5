"""A merchant's case page: facts, policy, explanation, evidence, history and every allowed action.

Actions post to ``case_act`` (POST/redirect/GET): success redirects back to the case page, bad
input re-renders it with the field errors (422), a refused action with its message (409).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anxin.cases.choices import CaseType, RejectCondition
from anxin.cases.models import Case, ReturnAddress
from anxin.cases.selectors import case_get_for, case_photos_for
from anxin.cases.services import evidence_add
from anxin.catalog.choices import TenderMethod
from anxin.catalog.models import Delivery
from anxin.core.crypto import mask_phone
from anxin.core.errors import DomainError
from anxin.policies.models import POLICY_FIELDS, Policy
from anxin.web.case_display import ACTION_LABELS, actions_for, open_deadlines, timeline

from ..case_actions import act_from_post
from ..case_messages import case_thread
from ..common import MERCHANTS, actor, audience
from ..evidence import evidence_response
from .queue import reason_label

# Reasons merchants give most often; the chosen one starts the reason text the consumer reads.
REJECT_TEMPLATES: dict[str, Any] = {
    "used": gettext_lazy("Item shows signs of use"),
    "window": gettext_lazy("Outside the return window"),
    "tags": gettext_lazy("Tags removed"),
    "accessories": gettext_lazy("Missing accessories"),
    "damaged": gettext_lazy("Item damaged after delivery"),
    "not_ours": gettext_lazy("The returned item is not the one we sold"),
}

# The action forms; an action without its own form gets the generic one (a reason and a button).
ACTION_TEMPLATES = {
    "approve": "web/merchant/actions/approve.html",
    "reject": "web/merchant/actions/reject.html",
    "confirm_receipt": "web/merchant/actions/confirm_receipt.html",
    "refund": "web/merchant/actions/refund.html",
    "ship_replacement": "web/merchant/actions/ship.html",
    "ship_repaired": "web/merchant/actions/ship.html",
}
GENERIC_ACTION = "web/merchant/actions/generic.html"

FREIGHT_PAYERS: dict[str, Any] = {
    "consumer": gettext_lazy("The consumer"),
    "merchant": gettext_lazy("The merchant"),
}
DAY_FIELDS = {"no_reason_days", "quality_return_days", "exchange_days", "repair_days"}


@dataclass(frozen=True)
class ActionForm:
    code: str
    label: str
    template: str
    errors: dict[str, str]  # this form's field errors after a failed post


def policy_rows(case: Case) -> list[tuple[str, str, str]]:
    """(label, value, source) for each number of the case's policy snapshot."""
    sources = case.policy.get("sources", {})
    rows = []
    for name in POLICY_FIELDS:
        if name in case.policy:
            label = str(getattr(Policy._meta.get_field(name), "verbose_name", name))
            rows.append((label, str(case.policy[name]), str(sources.get(name, ""))))
    return rows


def _common_source(rows: list[tuple[str, str, str]]) -> str:
    """The policy row most numbers come from (shown once; the others name their own)."""
    sources = [source for _label, _value, source in rows if source]
    return max(set(sources), key=sources.count) if sources else ""


def explanation_for(case: Case) -> dict[str, Any]:
    """The eligibility decision stored at opening, in the reader's language if it was stored."""
    stored = case.explanation or {}
    language = get_language() or "zh-hans"
    return stored.get(language) or stored.get("zh-hans") or next(iter(stored.values()), {})


def case_context(
    request: HttpRequest,
    case: Case,
    *,
    errors: dict[str, str] | None = None,
    failed_action: str = "",
    posted: QueryDict | None = None,
) -> dict[str, Any]:
    errors = errors or {}
    viewer = actor(request)
    codes = actions_for(case, viewer)
    deliveries = Delivery.objects.filter(order_id=case.order_id, lines__line_id=case.line_id)
    if not deliveries.exists():
        deliveries = Delivery.objects.filter(order_id=case.order_id)
    explanation = explanation_for(case)
    rows = policy_rows(case)
    tenders = dict(TenderMethod.choices)
    return {
        "nav": "queue",
        "case": case,
        "order": case.order,
        "line": case.line,
        "sku": case.line.sku,
        "reason": reason_label(case.reason),
        "customer_name": case.customer.name,
        "customer_phone": mask_phone(case.customer.phone) if case.customer.phone else "",
        "tenders": [(tenders.get(t.method, t.method), t.amount) for t in case.order.tenders.all()],
        "deliveries": list(deliveries.order_by("shipped_at").distinct()),
        "policy_rows": rows,
        "policy_source": _common_source(rows),
        "explanation": explanation,
        "refund_split": [
            (tenders.get(t["method"], t["method"]), t["amount"], t.get("in_kind"))
            for t in explanation.get("tenders", [])
        ],
        "freight_payer": FREIGHT_PAYERS.get(case.freight_payer, case.freight_payer),
        "evidence": case_photos_for(case=case),
        "timeline": timeline(case, viewer),
        "deadlines": open_deadlines(case),
        "actions": [
            ActionForm(
                code,
                str(ACTION_LABELS.get(code, code)),
                ACTION_TEMPLATES.get(code, GENERIC_ACTION),
                errors if code == failed_action else {},
            )
            for code in codes
        ],
        "addresses": list(
            ReturnAddress.unscoped.filter(merchant_id=case.merchant_id).order_by(
                "-is_default", "label"
            )
        ),
        "reject_templates": [(key, str(text)) for key, text in REJECT_TEMPLATES.items()],
        "reject_conditions": RejectCondition.choices,
        "is_refund_only": case.type == CaseType.REFUND_ONLY,
        "form_error": errors.get("__all__", ""),
        "failed_action": failed_action,
        "posted": posted if failed_action and posted is not None else {},
        **case_thread(request, case, portal="merchant"),
    }


@audience(MERCHANTS)
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = case_get_for(actor=actor(request), number=number)
    return render(request, "web/merchant/case.html", case_context(request, case))


def reject_reason(template_key: str, text: str) -> str:
    """Reject: the chosen template and the free text become the one reason the engine records."""
    template = REJECT_TEMPLATES.get(template_key)
    text = text.strip()
    if template and text:
        return _("%(template)s: %(text)s") % {"template": template, "text": text}
    return str(template or text)


@require_POST
@audience(MERCHANTS)
def case_act(request: HttpRequest, number: str) -> HttpResponse:
    case = case_get_for(actor=actor(request), number=number)
    action = request.POST.get("action", "")
    posted = request.POST  # what the person typed, shown again if the action fails
    errors: dict[str, str] = {}
    if action == "reject":
        post = posted.copy()
        post["reason"] = reject_reason(posted.get("reason_template", ""), posted.get("reason", ""))
        request.POST = post  # type: ignore[assignment]  # act_from_post reads the form from here
        # The photos of the item's condition go first: the rejection may rest on them.
        errors = _attach_photos(request, case)
    errors = errors or act_from_post(request, case, action)
    if not errors:
        return redirect("merchant:case", number=case.number)
    case = case_get_for(actor=actor(request), number=number)  # as it stands now
    context = case_context(request, case, errors=errors, failed_action=action, posted=posted)
    status = 422 if set(errors) - {"__all__"} else 409
    return render(request, "web/merchant/case.html", context, status=status)


def _attach_photos(request: HttpRequest, case: Case) -> dict[str, str]:
    """Attach the photos posted with a rejection; the refused ones as a field error."""
    refused = []
    for upload in request.FILES.getlist("photos"):
        try:
            evidence_add(actor=actor(request), case=case, stream=upload)  # type: ignore[arg-type]
        except DomainError as error:
            why = " ".join(str(v) for v in error.fields.values()) or str(error.message)
            refused.append(f"{upload.name}: {why}")
    return {"photos": " ".join(refused)} if refused else {}


@audience(MERCHANTS)
def evidence(request: HttpRequest, number: str, evidence_id: uuid.UUID) -> HttpResponse:
    """A photo of a case the actor may see (a case out of scope is a 404, like a missing one)."""
    return evidence_response(actor=actor(request), number=number, evidence_id=evidence_id)
