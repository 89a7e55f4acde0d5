"""Public quality data, no login: the notices of failed inspections (公示) and a shop's 描述相符
score for its public page. Nothing here is personal data."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from anxin.catalog.models import Merchant
from anxin.core.errors import NotFound

from .. import selectors
from ..scores import description_score
from .schemas import Key, MerchantQuery, NoticeOut, PublicAccuracyOut

router = Router(tags=["quality: public"], auth=None)


@router.get(
    "/quality/notices", response=list[NoticeOut], summary="Public notices of failed inspections"
)
def notice_list(request: HttpRequest, query: Query[MerchantQuery]) -> Any:
    return list(
        selectors.notice_list_public(merchant=query.merchant).select_related("merchant")[:200]
    )


@router.get("/quality/notices/{number}", response=NoticeOut, summary="A public notice")
def notice_get(request: HttpRequest, number: Key) -> Any:
    return selectors.notice_get_public(number=number)


@router.get(
    "/quality/merchants/{code}/accuracy",
    response=PublicAccuracyOut,
    summary="A shop's description accuracy score (描述相符, 1–5) for its public page",
)
def merchant_accuracy_public(request: HttpRequest, code: Key) -> Any:
    merchant = Merchant.unscoped.filter(
        code=code, status__in=["active", "warned", "restricted"]
    ).first()
    if merchant is None:
        raise NotFound()
    acc = description_score(merchant_id=merchant.pk)  # the stored daily figure
    return {
        "merchant": merchant.code,
        "score": acc.score.value,
        "rate": acc.rate,
        "expected": acc.expected,
        "units": acc.units,
        "interval": {"low": acc.interval.low, "high": acc.interval.high},
        "since": acc.since,
        "until": acc.until,
    }
