"""/api/v1/quality/report and /quality/accuracy: a merchant's monthly quality report and its
description accuracy per SKU (with the words consumers used for the flagged ones)."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from anxin.accounts.api.auth import API_AUTH, actor_of
from anxin.catalog.models import Sku

from ..accuracy import merchant_accuracy, sku_aspects
from ..report import quality_report_for
from .common import merchant_for, reader
from .schemas import AccuracyOut, MerchantQuery, ReportOut, ReportQuery

router = Router(tags=["quality: reports"], auth=API_AUTH)


def _interval(i: Any) -> dict[str, float]:
    return {"low": i.low, "high": i.high}


def _aspects(found: list[Any]) -> list[dict[str, Any]]:
    return [
        {"aspect": a.aspect, "label": a.label, "advice": a.advice, "count": a.count,
         "words": [{"word": w, "count": n} for w, n in a.words]}
        for a in found
    ]  # fmt: skip


@router.get(
    "/quality/accuracy", response=AccuracyOut, summary="Description accuracy per SKU (描述相符)"
)
def accuracy_get(request: HttpRequest, query: Query[MerchantQuery]) -> Any:
    actor = reader(actor_of(request))
    merchant = merchant_for(actor, query.merchant)
    acc = merchant_accuracy(merchant_id=merchant.pk)
    names = dict(
        (pk, (code, name))
        for pk, code, name in Sku.objects.filter(pk__in=[s.sku_id for s in acc.skus]).values_list(
            "pk", "code", "name"
        )
    )
    return {
        "merchant": merchant.code,
        "since": acc.since,
        "until": acc.until,
        "units": acc.units,
        "returns": acc.returns,
        "rate": acc.rate,
        "interval": _interval(acc.interval),
        "expected": acc.expected,
        "score": acc.score.__dict__,
        "skus": [
            {
                "sku": names[s.sku_id][0],
                "name": names[s.sku_id][1],
                "units": s.units,
                "returns": s.returns,
                "rate": s.rate,
                "interval": _interval(s.interval),
                "norm": s.norm,
                "flagged": s.flagged,
                "aspects": _aspects(sku_aspects(sku_id=s.sku_id)) if s.flagged else [],
            }
            for s in acc.skus[:200]
        ],
    }


@router.get("/quality/report", response=ReportOut, summary="A merchant's monthly quality report")
def report_get(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    actor = reader(actor_of(request))
    merchant = merchant_for(actor, query.merchant)
    month = date.fromisoformat(f"{query.month}-01") if query.month else None
    report = quality_report_for(actor=actor, merchant_id=merchant.pk, month=month)
    return {
        "merchant": merchant.code,
        "month": report.month.strftime("%Y-%m"),
        "since": report.since,
        "until": report.until,
        "score": report.score.__dict__,
        "skus": [
            {
                "sku": row.code,
                "name": row.name,
                "category": row.category,
                "units": row.units,
                "rates": {k: v.__dict__ for k, v in row.rates.items()},
                "not_as_described_interval": _interval(row.nad_interval),
                "flagged": row.flagged,
                "aspects": _aspects(row.aspects),
            }
            for row in report.skus
        ],
        "alerts": report.alerts,
        "open_tasks": report.open_tasks,
        "rectifications": report.rectifications,
        "todo": report.todo,
    }
