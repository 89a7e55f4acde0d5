"""/api/v1/public/merchants/{code}/credit and /api/v1/credit…: parse → one service or selector →
render. Out of scope is always 404, the same answer as a missing row."""

from typing import Any, BinaryIO, cast

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from anxin.accounts.api.auth import API_AUTH, actor_of
from anxin.catalog.models import Merchant
from anxin.core.actors import Actor
from anxin.core.errors import NotFound, ValidationFailed

from .. import selectors, services
from .schemas import (
    Code,
    CreditAppealOut,
    CreditAppealQuery,
    CreditDecisionBody,
    CreditExitBody,
    CreditHistoryPointOut,
    CreditMerchantOut,
    CreditMerchantQuery,
    CreditPublicOut,
    CreditPublicQuery,
    CreditSanctionOut,
    CreditSanctionQuery,
    CreditThresholdBody,
    CreditThresholdOut,
    CreditTierQuery,
    CreditTierRowOut,
)

public_router = Router(tags=["credit: public"], auth=None)
router = Router(tags=["credit"], auth=API_AUTH)


def _merchant(actor: Actor, code: str | None) -> Merchant:
    """The merchant named by ``code`` if ``actor`` may see it (else 404); without a code, the
    actor's only merchant (platform staff and members of several shops must name one)."""
    shops = Merchant.objects.for_actor(actor)
    if code:
        found = shops.filter(code=code).first()
    elif len(actor.merchant_ids) == 1:
        found = shops.filter(pk=next(iter(actor.merchant_ids))).first()
    elif actor.platform or actor.merchant_ids:
        raise ValidationFailed(fields={"merchant": _("Name the merchant (its code).")})
    else:
        found = None
    if found is None:
        raise NotFound()
    return found


@public_router.get(
    "/public/merchants/{code}/credit",
    response=CreditPublicOut,
    summary="A shop's public credit: score, tier, each factor explained, history (no login)",
)
def credit_public(request: HttpRequest, code: Code, query: Query[CreditPublicQuery]) -> Any:
    return selectors.public_credit(code=code, days=query.days)


@router.get(
    "/credit",
    response=CreditMerchantOut,
    summary="A shop's own credit: factors, what to improve, history and sanctions",
)
def credit_get(request: HttpRequest, query: Query[CreditMerchantQuery]) -> Any:
    actor = actor_of(request)
    merchant = _merchant(actor, query.merchant)
    return selectors.merchant_credit(actor=actor, merchant_id=merchant.pk, days=query.days)


@router.get(
    "/credit/history", response=list[CreditHistoryPointOut], summary="A shop's daily scores"
)
def credit_history(request: HttpRequest, query: Query[CreditMerchantQuery]) -> Any:
    merchant = _merchant(actor_of(request), query.merchant)
    return selectors.credit_history(merchant_id=merchant.pk, days=query.days)


@router.get(
    "/credit/sanctions",
    response=list[CreditSanctionOut],
    summary="Sanctions (a shop's own; platform staff: every shop's), newest first",
)
def sanction_list(request: HttpRequest, query: Query[CreditSanctionQuery]) -> Any:
    actor = actor_of(request)
    merchant_id = _merchant(actor, query.merchant).pk if query.merchant else None
    rows = selectors.sanctions_for(
        actor=actor, merchant_id=merchant_id, status=query.status, step=query.step
    )
    return list(rows[:200])


@router.post(
    "/credit/sanctions/{id}/appeal",
    response={201: CreditAppealOut},
    summary="Appeal a sanction once: a statement and an optional PDF or photo",
)
def appeal_file(
    request: HttpRequest,
    id: Code,
    statement: Form[str],
    file: File[UploadedFile | None] = None,
) -> Status[Any]:
    actor = actor_of(request)
    sanction = selectors.sanction_get_for(actor=actor, public_id=id)
    if "\x00" in statement:
        raise ValidationFailed(fields={"statement": _("This value is not valid.")})
    appeal = services.appeal_file(
        actor=actor,
        sanction=sanction,
        statement=statement,
        file=cast(BinaryIO, file) if file is not None else None,
    )
    return Status(201, selectors.appeal_get_for(actor=actor, public_id=appeal.public_id))


@router.post(
    "/credit/sanctions/{id}/exit-decision",
    response=CreditSanctionOut,
    summary="Confirm or decline a proposed exit (platform administrators, with the reason)",
)
def exit_decide(request: HttpRequest, id: Code, payload: CreditExitBody) -> Any:
    actor = actor_of(request)
    sanction = selectors.sanction_get_for(actor=actor, public_id=id)
    services.exit_decide(actor=actor, sanction=sanction, confirm=payload.confirm, note=payload.note)
    return selectors.sanction_get_for(actor=actor, public_id=id)


@router.get(
    "/credit/appeals",
    response=list[CreditAppealOut],
    summary="Appeals (platform staff: every shop's; a shop: its own), oldest open first",
)
def appeal_list(request: HttpRequest, query: Query[CreditAppealQuery]) -> Any:
    return list(selectors.appeals_for(actor=actor_of(request), open_only=query.open)[:200])


@router.post(
    "/credit/appeals/{id}/decision",
    response=CreditAppealOut,
    summary="Uphold or overturn an appeal (platform administrators); overturning undoes what it can",
)
def appeal_decide(request: HttpRequest, id: Code, payload: CreditDecisionBody) -> Any:
    actor = actor_of(request)
    appeal = selectors.appeal_get_for(actor=actor, public_id=id)
    services.appeal_decide(actor=actor, appeal=appeal, decision=payload.decision, note=payload.note)
    return selectors.appeal_get_for(actor=actor, public_id=id)


@router.get(
    "/credit/merchants",
    response=list[CreditTierRowOut],
    summary="Every shop's latest score, worst first (platform staff)",
)
def merchant_list(request: HttpRequest, query: Query[CreditTierQuery]) -> Any:
    return selectors.merchants_by_tier(actor=actor_of(request), tier=query.tier)


@router.get(
    "/credit/thresholds",
    response=list[CreditThresholdOut],
    summary="The ladder's policy rows (platform staff)",
)
def threshold_list(request: HttpRequest) -> Any:
    return selectors.thresholds_list(actor=actor_of(request))


@router.put(
    "/credit/thresholds/{step}",
    response=CreditThresholdOut,
    summary="Change one policy row of the ladder (platform administrators)",
)
def threshold_put(request: HttpRequest, step: Code, payload: CreditThresholdBody) -> Any:
    return services.threshold_update(
        actor=actor_of(request), step=step, data=payload.model_dump(exclude_unset=True)
    )
