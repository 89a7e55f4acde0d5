"""Consumer portal: my requests, one request with its history, deadlines and the actions open to
me (each a POST through the workflow engine), its photos and its return label."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anxin.cases import services
from anxin.cases.choices import TERMINAL, CaseType
from anxin.cases.label_document import label_language, label_pdf_for
from anxin.cases.models import Case
from anxin.cases.selectors import (
    CaseFilters,
    case_get_for,
    case_list_for,
    case_photos_for,
    refund_list_for,
)
from anxin.catalog.choices import TenderMethod
from anxin.core.errors import DomainError, ValidationFailed
from anxin.web.case_display import (
    ACTION_LABELS,
    actions_for,
    open_deadlines,
    reject_condition,
    timeline,
)

from ..case_actions import act_from_post
from ..case_messages import case_thread
from ..common import CONSUMERS, actor, audience, flash_error
from ..evidence import evidence_response
from .disputes import case_dispute
from .home import FREIGHT, case_rows, page, reason_name
from .request import (
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    attach_photos,
    photo_errors,
    reason_groups,
)

CASES_PER_PAGE = 20
CARRIERS = (
    "顺丰速运",
    "中通快递",
    "圆通速递",
    "韵达快递",
    "申通快递",
    "京东物流",
    "极兔速递",
    "EMS",
)


@audience(CONSUMERS)
def cases(request: HttpRequest) -> HttpResponse:
    """My requests, newest first, each with its nearest deadline counting down."""
    who = actor(request)
    cursor = request.GET.get("after") or None
    try:
        result = case_list_for(
            actor=who, filters=CaseFilters(), cursor=cursor, limit=CASES_PER_PAGE
        )
    except ValidationFailed:
        cursor = None
        result = case_list_for(actor=who, filters=CaseFilters(), cursor=None, limit=CASES_PER_PAGE)
    return page(
        request,
        "web/consumer/cases.html",
        {
            "rows": case_rows(request, result.items),
            "next_cursor": result.next_cursor,
            "paged": bool(cursor),
        },
        nav="cases",
    )


def _explanation(case: Case) -> list[str]:
    """The policy explanation stored when the case was opened (or last revised)."""
    stored = case.explanation or {}
    language = label_language(get_language())
    chosen: dict[str, Any] = stored.get(language) or next(iter(stored.values()), {})
    return list(chosen.get("explanation", []))


def _label_ready(case: Case) -> bool:
    try:
        services.label_check(case)
    except DomainError:
        return False
    return True


def _detail(
    request: HttpRequest,
    case: Case,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    open_action: str = "",
    form: dict[str, Any] | None = None,
) -> HttpResponse:
    who = actor(request)
    actions = actions_for(case, who)
    methods = dict(TenderMethod.choices)
    refunds = list(refund_list_for(actor=who, case_number=case.number))
    groups, loose = reason_groups()
    photos = case_photos_for(case=case)
    evidence = [p for p in photos if p.party != "merchant"]  # the shop's are shown as its own
    mine = sum(p.party == "consumer" for p in photos)
    return page(
        request,
        "web/consumer/case.html",
        {
            "case": case,
            "reason_label": reason_name(case.reason),
            "freight_label": FREIGHT.get(case.freight_payer, case.freight_payer),
            "explanation": _explanation(case),
            "timeline": timeline(case, who),
            "deadlines": open_deadlines(case),
            "actions": actions,
            "action_labels": ACTION_LABELS,
            "refunds": refunds,
            "tender_labels": methods,
            "evidence": evidence,
            "shop_photos": [p for p in photos if p.party == "merchant"],
            "reject_condition": reject_condition(case),
            "can_add_photos": case.status not in TERMINAL and mine < MAX_PHOTOS,
            "photos_left": MAX_PHOTOS - mine,
            "max_photo_bytes": MAX_PHOTO_BYTES,
            "label_ready": _label_ready(case),
            "is_return": case.type != CaseType.REFUND_ONLY,
            "errors": errors or {},
            "open_action": open_action,
            "form": form or {},
            "carriers": CARRIERS,
            "type_choices": CaseType.choices,
            "reason_groups": groups,
            "loose_reasons": loose,
            **case_thread(request, case, portal="consumer"),
            "case_dispute": case_dispute(who, case),
        },
        nav="cases",
        status=status,
    )


@audience(CONSUMERS)
def case(request: HttpRequest, number: str) -> HttpResponse:
    return _detail(request, case_get_for(actor=actor(request), number=number))


@require_POST
@audience(CONSUMERS)
def case_act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Take one workflow action from the case page; it must be one the engine offers me now."""
    found = case_get_for(actor=actor(request), number=number)
    if action not in actions_for(found, actor(request)):
        messages.error(request, _("This action is not open to you on this request now."))
        return _detail(request, found, status=409)
    errors = act_from_post(request, found, action)
    if errors:
        fresh = case_get_for(actor=actor(request), number=number)
        fields = {k: v for k, v in errors.items() if k != "__all__"}  # "__all__" is flashed
        return _detail(
            request,
            fresh,
            status=422 if fields else 409,
            errors=fields,
            open_action=action,
            form=request.POST.dict(),
        )
    return redirect("consumer:case", number=number)


@audience(CONSUMERS)
def case_label(request: HttpRequest, number: str) -> HttpResponse:
    """The return label PDF, once the return is approved (and while the parcel travels)."""
    found = case_get_for(actor=actor(request), number=number)
    try:
        services.label_check(found)
    except DomainError as error:
        flash_error(request, error)
        return _detail(request, found, status=409)
    language = label_language(get_language())
    response = HttpResponse(label_pdf_for(found, language), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{found.rma}.pdf"'
    return response


@audience(CONSUMERS)
def evidence_file(request: HttpRequest, number: str, evidence_id: uuid.UUID) -> HttpResponse:
    """A photo of a case I may see (anyone else's: 404), never cached by shared caches."""
    return evidence_response(actor=actor(request), number=number, evidence_id=evidence_id)


@require_POST
@audience(CONSUMERS)
def evidence_add(request: HttpRequest, number: str) -> HttpResponse:
    """Add photos to a request (e.g. after one was refused when the request was opened)."""
    found = case_get_for(actor=actor(request), number=number)
    files = request.FILES.getlist("photos")
    problem = photo_errors(files) if files else _("Choose at least one photo.")
    if problem:
        messages.error(request, problem)
        return _detail(request, found, status=422, errors={"photos": problem})
    refused = attach_photos(request, found, files)
    added = len(files) - len(refused)
    if added:
        messages.success(request, _("Photos added: %(n)s.") % {"n": added})
    if refused:
        messages.error(request, " ".join(refused))
        fresh = case_get_for(actor=actor(request), number=number)
        return _detail(request, fresh, status=422, errors={"photos": " ".join(refused)})
    return redirect("consumer:case", number=number)
