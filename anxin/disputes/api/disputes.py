"""/api/v1/disputes and /cases/{number}/dispute: parse → one service or selector → render.

A merchant's integration (a merchant API token acts as the merchant's administrator) answers a
dispute entirely from here: list its queue, read one, propose, accept or decline a proposal, give
evidence, answer a round (``submit``), carry out a decision (``execute``), appeal.
"""

from typing import Any, BinaryIO, cast

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Body, File, Form, Query, Router, Status
from ninja.files import UploadedFile

from anxin.accounts.api.auth import API_AUTH, actor_of
from anxin.cases.selectors import case_get_for
from anxin.core.api.idempotency import idempotent
from anxin.core.errors import ValidationFailed
from anxin.core.responses import photo_response

from .. import selectors, services
from .schemas import (
    DisputeAnswerBody,
    DisputeDetailOut,
    DisputeEvidenceOut,
    DisputeListQuery,
    DisputeOpenBody,
    DisputePage,
    Key,
)

router = Router(tags=["disputes"], auth=API_AUTH)

# Steps that answer a proposal: also accepted on /actions/{action} with {"proposal": id}.
ANSWERS = frozenset({"accept", "agree", "decline"})


def _detail(request: HttpRequest, number: str) -> Any:
    return selectors.dispute_get_for(actor=actor_of(request), number=number)


@router.post(
    "/cases/{number}/dispute",
    response={201: DisputeDetailOut},
    summary="Dispute a rejected (or stalled) request: claim and statement",
)
@idempotent(DisputeDetailOut)
def dispute_open(request: HttpRequest, number: Key, payload: DisputeOpenBody) -> Status[Any]:
    actor = actor_of(request)
    case = case_get_for(actor=actor, number=number)
    dispute = services.dispute_open(actor=actor, case=case, payload=payload.model_dump())
    return Status(201, _detail(request, dispute.number))


@router.get(
    "/disputes", response=DisputePage, summary="Disputes (nearest deadline first, cursor paging)"
)
def dispute_list(request: HttpRequest, query: Query[DisputeListQuery]) -> Any:
    filters = selectors.DisputeFilters(
        status=query.status,
        level=query.level,
        merchant=query.merchant,
        queue=query.queue,
        open_only=bool(query.open),
    )
    return selectors.dispute_page_for(
        actor=actor_of(request), filters=filters, cursor=query.cursor, limit=query.limit
    )


@router.get(
    "/disputes/{number}",
    response=DisputeDetailOut,
    summary="A dispute: proposals, rounds, evidence, decisions, history and what I may do now",
)
def dispute_get(request: HttpRequest, number: Key) -> Any:
    return _detail(request, number)


@router.post(
    "/disputes/{number}/actions/{action}",
    response={200: DisputeDetailOut},
    summary="Take a step (propose, request_intervention, submit, execute, appeal, rule …)",
)
@idempotent(DisputeDetailOut)
def dispute_action(
    request: HttpRequest, number: Key, action: Key, payload: Body[dict[str, Any] | None] = None
) -> Status[Any]:
    actor = actor_of(request)
    dispute = selectors.dispute_get_for(actor=actor, number=number)
    if action in ANSWERS:
        services.proposal_answer(
            actor=actor, dispute=dispute, payload=payload or {}, accept=action != "decline"
        )
    else:
        services.dispute_act(actor=actor, dispute=dispute, action=action, payload=payload)
    return Status(200, _detail(request, number))


def _answer(request: HttpRequest, number: str, id: int, body: DisputeAnswerBody | None, *,
            accept: bool) -> Status[Any]:  # fmt: skip
    actor = actor_of(request)
    dispute = selectors.dispute_get_for(actor=actor, number=number)
    payload = {"proposal": id, **(body.model_dump(exclude_none=True) if body else {})}
    services.proposal_answer(actor=actor, dispute=dispute, payload=payload, accept=accept)
    return Status(200, _detail(request, number))


@router.post(
    "/disputes/{number}/proposals/{id}/accept",
    response={200: DisputeDetailOut},
    summary="Accept a proposal (a mediator's proposal settles once both sides accept)",
)
@idempotent(DisputeDetailOut)
def proposal_accept(
    request: HttpRequest, number: Key, id: int, payload: Body[DisputeAnswerBody | None] = None
) -> Status[Any]:
    return _answer(request, number, id, payload, accept=True)


@router.post(
    "/disputes/{number}/proposals/{id}/decline",
    response={200: DisputeDetailOut},
    summary="Decline a proposal",
)
@idempotent(DisputeDetailOut)
def proposal_decline(
    request: HttpRequest, number: Key, id: int, payload: Body[DisputeAnswerBody | None] = None
) -> Status[Any]:
    return _answer(request, number, id, payload, accept=False)


@router.post(
    "/disputes/{number}/evidence",
    response={201: DisputeEvidenceOut},
    summary="Give a photo or scan (it joins the round that asks your side)",
)
def evidence_add(
    request: HttpRequest, number: Key, file: File[UploadedFile], note: Form[str] = ""
) -> Status[Any]:
    actor = actor_of(request)
    dispute = selectors.dispute_get_for(actor=actor, number=number)
    if "\x00" in note:  # no text (PostgreSQL refuses to store it)
        raise ValidationFailed(fields={"note": _("This value is not valid.")})
    given = services.dispute_evidence_add(
        actor=actor, dispute=dispute, stream=cast(BinaryIO, file), note=note
    )
    return Status(201, given)


@router.get(
    "/disputes/{number}/evidence/{evidence_id}",
    url_name="dispute_photo",
    summary="A photo given in the dispute",
)
def evidence_file(request: HttpRequest, number: Key, evidence_id: Key) -> HttpResponse:
    photo = selectors.dispute_photo_for(
        actor=actor_of(request), number=number, public_id=evidence_id
    )
    return photo_response(photo)
