"""/api/v1/cases, /orders/{ref}/eligibility, /refunds: parse → one service or selector → render."""

from datetime import datetime
from typing import Any, BinaryIO, cast

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from ninja import Body, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from anxin.accounts.api.auth import API_AUTH, actor_of
from anxin.core.api.idempotency import idempotent

from .. import selectors, services
from ..choices import CaseStatus, CaseType
from ..inputs import CaseOpenIn
from ..label_document import label_language, label_pdf_for
from .schemas import CaseDetailOut, CasePage, EvidenceOut, RefundOut

router = Router(tags=["cases"], auth=API_AUTH)


class EligibilityQuery(Schema):
    line: str = Field(max_length=64)
    reason: str = Field(max_length=60)
    type: CaseType | None = None
    quantity: int = Field(default=1, ge=1, le=100_000)
    keep_gifts: bool = False


@router.get("/orders/{ref}/eligibility", summary="What this line may still get, and why")
def eligibility(request: HttpRequest, ref: str, query: Query[EligibilityQuery]) -> dict[str, Any]:
    _line, _reason, decision = selectors.eligibility_for(
        actor=actor_of(request),
        order_ref=ref,
        line_ref=query.line,
        quantity=query.quantity,
        request_type=query.type,
        reason_code=query.reason,
        keep_gifts=query.keep_gifts,
    )
    return decision.as_dict()


def _detail(request: HttpRequest, number: str) -> Any:
    return selectors.case_get_for(actor=actor_of(request), number=number)


@router.post("/cases", response={201: CaseDetailOut}, summary="Open an after-sales request")
@idempotent(CaseDetailOut)
def case_open(request: HttpRequest, payload: CaseOpenIn) -> Status[Any]:
    case = services.case_open(actor=actor_of(request), data=payload)
    return Status(201, _detail(request, case.number))


class CaseListQuery(Schema):
    status: CaseStatus | None = None
    type: CaseType | None = None
    merchant: str | None = Field(default=None, max_length=40)
    overdue: bool | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    cursor: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=50, ge=1, le=200)


@router.get("/cases", response=CasePage, summary="List cases (newest first)")
def case_list(request: HttpRequest, query: Query[CaseListQuery]) -> Any:
    filters = selectors.CaseFilters(
        status=query.status,
        type=query.type,
        merchant=query.merchant,
        overdue=query.overdue,
        created_from=query.created_from,
        created_to=query.created_to,
    )
    return selectors.case_list_for(
        actor=actor_of(request), filters=filters, cursor=query.cursor, limit=query.limit
    )


@router.get("/cases/{number}", response=CaseDetailOut, summary="A case with its timeline")
def case_get(request: HttpRequest, number: str) -> Any:
    return _detail(request, number)


@router.post(
    "/cases/{number}/actions/{action}",
    response={200: CaseDetailOut},
    summary="Take a workflow action (approve, reject, ship_return, refund …)",
)
@idempotent(CaseDetailOut)
def case_action(
    request: HttpRequest, number: str, action: str, payload: Body[dict[str, Any]]
) -> Status[Any]:
    actor = actor_of(request)
    case = selectors.case_get_for(actor=actor, number=number)
    services.case_act(actor=actor, case=case, action=action, payload=payload)
    return Status(200, _detail(request, number))


@router.post("/cases/{number}/evidence", response={201: EvidenceOut}, summary="Attach a photo")
def evidence_add(request: HttpRequest, number: str, file: File[UploadedFile]) -> Status[Any]:
    actor = actor_of(request)
    case = selectors.case_get_for(actor=actor, number=number)
    return Status(201, services.evidence_add(actor=actor, case=case, stream=cast(BinaryIO, file)))


@router.get("/cases/{number}/label.pdf", summary="The return label (PDF)")
def case_label(request: HttpRequest, number: str) -> HttpResponse:
    actor = actor_of(request)
    case = selectors.case_get_for(actor=actor, number=number)
    services.label_check(case)
    language = label_language(translation.get_language())
    response = HttpResponse(label_pdf_for(case, language), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.rma}.pdf"'
    return response


class RefundQuery(Schema):
    case: str | None = Field(default=None, max_length=20)


@router.get("/refunds", response=list[RefundOut], summary="Refunds (of a case)")
def refund_list(request: HttpRequest, query: Query[RefundQuery]) -> Any:
    return list(selectors.refund_list_for(actor=actor_of(request), case_number=query.case)[:200])
