"""The public notices (公示) of failed inspections as the inspector reads them (with a link to the
public page when the public site has one), and the description-accuracy flags: products returned
as "not as described" significantly more often than their category, with the words consumers
used (size 尺码偏小, colour 色差, material, fake …) so that the inspector knows what to look at."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse

from anxin.catalog.models import Merchant
from anxin.quality.accuracy import merchants_accuracy, sku_aspects, sku_names
from anxin.quality.choices import InspectionMethod
from anxin.quality.selectors import notice_list_public

from ...common import audience
from .base import WORKSPACE, percent, public_notice_url, public_notices_url, quality_page

LIST_MAX = 200
FLAGS_MAX = 50  # the words are read per flagged product: the worst 50 are listed


@audience(WORKSPACE)
def notices(request: HttpRequest) -> HttpResponse:
    rows = []
    for n in notice_list_public()[:LIST_MAX]:
        method = (
            str(InspectionMethod(n.method).label) if n.method in InspectionMethod.values else ""
        )
        rows.append((n, method, public_notice_url(n.number)))
    context = {"rows": rows, "public_url": public_notices_url()}
    return quality_page(request, "web/console/quality/notices.html", context, tab="notices")


@dataclass(frozen=True)
class Flag:
    sku_code: str
    sku_name: str
    merchant: str
    merchant_code: str
    units: int
    returns: int
    rate: str
    low: str
    high: str
    norm: str
    aspects: list[Any]


@audience(WORKSPACE)
def accuracy(request: HttpRequest) -> HttpResponse:
    """Every shop's flagged products, the furthest above their norm first."""
    flagged = [s for result in merchants_accuracy().values() for s in result.flagged]
    flagged.sort(key=lambda s: -(s.interval.low - s.norm))
    flagged = flagged[:FLAGS_MAX]
    names = sku_names([s.sku_id for s in flagged])
    shops = {
        m.pk: (m.name, m.code)
        for m in Merchant.unscoped.filter(pk__in={s.merchant_id for s in flagged})
    }
    flags = [
        Flag(
            sku_code=names.get(s.sku_id, ("", ""))[0],
            sku_name=names.get(s.sku_id, ("", ""))[1],
            merchant=shops.get(s.merchant_id, ("", ""))[0],
            merchant_code=shops.get(s.merchant_id, ("", ""))[1],
            units=s.units,
            returns=s.returns,
            rate=percent(s.rate),
            low=percent(s.interval.low),
            high=percent(s.interval.high),
            norm=percent(s.norm),
            aspects=sku_aspects(sku_id=s.sku_id),
        )
        for s in flagged
    ]
    context = {"flags": flags}
    return quality_page(request, "web/console/quality/accuracy.html", context, tab="accuracy")
