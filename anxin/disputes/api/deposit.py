"""/api/v1/deposit and /merchants/{code}/deposit/top-ups: the merchant deposit (保证金) that
advance compensation (先行赔付) is recovered from."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status

from anxin.accounts.api.auth import API_AUTH, actor_of
from anxin.catalog.models import Merchant
from anxin.core.actors import Actor
from anxin.core.api.idempotency import idempotent
from anxin.core.errors import NotFound, ValidationFailed

from .. import selectors, services
from .schemas import (
    DisputeDepositEntryOut,
    DisputeDepositOut,
    DisputeDepositQuery,
    DisputeTopUpBody,
    Key,
)

router = Router(tags=["disputes: merchant deposit"], auth=API_AUTH)


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


@router.get("/deposit", response=DisputeDepositOut, summary="A merchant's deposit and its ledger")
def deposit_get(request: HttpRequest, query: Query[DisputeDepositQuery]) -> Any:
    actor = actor_of(request)
    merchant = _merchant(actor, query.merchant)
    view = selectors.deposit_for(actor=actor, merchant_id=merchant.pk)
    account = view.account
    return {
        "merchant": merchant.code,
        "balance": account.balance,
        "required": account.required,
        "owed": account.owed,
        "currency": account.currency,
        "settlement_held": account.settlement_held,
        "entries": view.entries,
        "top_up_request": view.open_request,
    }


@router.post(
    "/merchants/{code}/deposit/top-ups",
    response={201: DisputeDepositEntryOut},
    summary="Record money a merchant paid into its deposit (platform administrators)",
)
@idempotent(DisputeDepositEntryOut)
def deposit_top_up(request: HttpRequest, code: Key, payload: DisputeTopUpBody) -> Status[Any]:
    actor = actor_of(request)
    merchant = _merchant(actor, code)
    entry = services.deposit_top_up_record(
        actor=actor, merchant_id=merchant.pk, payload=payload.model_dump()
    )
    return Status(201, entry)
