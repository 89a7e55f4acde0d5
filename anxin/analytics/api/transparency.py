"""/api/v1/public/transparency: the published monthly transparency reports (no login): the list of
months and one month's frozen, suppressed figures (a suppressed cell has no value)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import StringConstraints

from ..transparency import month_parse, report_get_public, report_list_public

router = Router(tags=["analytics: transparency"], auth=None)

Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")]


class TransparencyMonthOut(Schema):
    month: str
    published_at: datetime


class TransparencyReportOut(Schema):
    month: str
    published_at: datetime
    data: dict[str, Any]


@router.get(
    "/public/transparency",
    response=list[TransparencyMonthOut],
    summary="The published transparency reports, newest first (no login)",
)
def transparency_months(request: HttpRequest) -> Any:
    return [
        {"month": r.month.strftime("%Y-%m"), "published_at": r.published_at}
        for r in report_list_public()
    ]


@router.get(
    "/public/transparency/{month}",
    response=TransparencyReportOut,
    summary="One month's frozen figures (suppressed cells carry no value)",
)
def transparency_month(request: HttpRequest, month: Month) -> Any:
    report = report_get_public(month_parse(month))
    return {
        "month": report.month.strftime("%Y-%m"),
        "published_at": report.published_at,
        "data": report.data,
    }
