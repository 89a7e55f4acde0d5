"""The shop's product quality at /shop/quality/: its quality alerts, the rectifications the
inspectors asked for (answered here with what was changed), the products returned as "not as
described" more often than their category — with the words consumers used (size, colour,
material…) — and the month's quality report (rates against the category, what to do).

Reads come from ``anxin.quality`` (selectors, ``report.quality_report_for``); a rectification goes
to ``quality.services.rectification_submit`` with an optional file (a certificate, a test report,
a photo of the corrected label: POST/redirect/GET; refused → the field at fault, 422). The
rectifications already sent are listed with their file, opened through the quality API's download
route (``/api/v1/quality/rectifications/{id}/file``, which reads the session: the shop's own only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anxin.catalog.models import Merchant
from anxin.core import clock
from anxin.core.errors import DomainError
from anxin.quality.choices import AlertStatus, Metric, RectificationStatus, TaskStatus
from anxin.quality.lexicon import ASPECTS
from anxin.quality.models import Rectification
from anxin.quality.report import QualityReport, SkuReportRow, quality_report_for
from anxin.quality.selectors import alert_list_for, rectification_list_for, task_get_for
from anxin.quality.services import rectification_submit

from ..common import MERCHANTS, actor, audience, flash_error
from .reviews import shop_for, shops_of

MAX_RESPONSE = 4000
ALERTS_SHOWN = 20
SENT_SHOWN = 10
OPEN_RECT = (RectificationStatus.REQUESTED, RectificationStatus.OVERDUE)
MONTHS_BACK = 12
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
METRICS = dict(Metric.choices)
TASK_STATUSES = dict(TaskStatus.choices)
RECT_STATUSES = dict(RectificationStatus.choices)


class RectificationForm(forms.Form):
    response = forms.CharField(
        label=gettext_lazy("What you changed"),
        max_length=MAX_RESPONSE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    file = forms.FileField(
        label=gettext_lazy("A supporting file (optional): PDF, JPEG or PNG, up to 10 MB"),
        required=False,
    )


def file_url(rectification: Rectification) -> str:
    """The API's download route of a rectification's file (session-authenticated, scoped to the
    shop and platform staff; a PDF is served under a sandbox CSP); "" without a file."""
    if not rectification.file:
        return ""
    return f"/api/v1/quality/rectifications/{rectification.public_id}/file"


def sent_rectifications(viewer: Any, shop: Merchant) -> list[dict[str, Any]]:
    """The shop's rectifications already sent (submitted, then accepted or not), newest first."""
    rows = (
        rectification_list_for(actor=viewer)
        .filter(merchant_id=shop.pk)
        .exclude(status__in=OPEN_RECT)[:SENT_SHOWN]
    )
    return [
        {"r": r, "status": RECT_STATUSES.get(r.status, r.status), "file_url": file_url(r)}
        for r in rows
    ]


def pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f} %"


@dataclass(frozen=True)
class SkuRow:
    """A product of the report: its not-as-described figures and the other metrics in words."""

    row: SkuReportRow
    nad: str
    nad_norm: str
    interval: str
    worse: bool
    others: list[tuple[str, str, str]]  # (metric label, the product's rate, the category's)


def sku_row(row: SkuReportRow) -> SkuRow:
    nad = row.rates.get(Metric.NOT_AS_DESCRIBED)
    others = [
        (str(METRICS.get(key, key)), pct(fig.rate), pct(fig.category_rate))
        for key, fig in row.rates.items()
        if key != Metric.NOT_AS_DESCRIBED
    ]
    return SkuRow(
        row=row,
        nad=pct(nad.rate if nad else None),
        nad_norm=pct(nad.category_rate if nad else None),
        interval=f"{pct(row.nad_interval.low)} – {pct(row.nad_interval.high)}",
        worse=bool(nad and nad.rate > nad.category_rate),
        others=others,
    )


def said(aspects: list[dict[str, Any]]) -> list[tuple[str, int, list[str]]]:
    """A rectification's stored aspects as (label, texts mentioning it, the words used)."""
    out = []
    for a in aspects or []:
        label = ASPECTS.get(a.get("aspect", ""), (a.get("aspect", ""),))[0]
        out.append((str(label), int(a.get("count") or 0), [str(w) for w in a.get("words") or []]))
    return out


def month_of(value: str) -> date | None:
    """``YYYY-MM`` as the month's first day, for the last twelve months; else None."""
    found = MONTH.match(value or "")
    if not found:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    if not 1 <= month <= 12:
        return None
    chosen = date(year, month, 1)
    return chosen if chosen in months() else None


def months() -> list[date]:
    """This month and the eleven before it, newest first."""
    today = clock.localnow().date().replace(day=1)
    out = []
    year, month = today.year, today.month
    for _index in range(MONTHS_BACK):
        out.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


def quality_context(
    request: HttpRequest,
    shop: Merchant,
    *,
    failed: str = "",
    form: RectificationForm | None = None,
) -> dict[str, Any]:
    viewer = actor(request)
    month = month_of(request.GET.get("month", "")) or months()[0]
    report: QualityReport = quality_report_for(actor=viewer, merchant_id=shop.pk, month=month)
    alerts = list(alert_list_for(actor=viewer, merchant=shop.code)[:ALERTS_SHOWN])
    rows = [sku_row(r) for r in report.skus]
    return {
        "nav": "quality",
        "shop": shop,
        "shops": shops_of(viewer),
        "month": month,
        "months": months(),
        "report": report,
        "score": report.score,
        "todo": report.todo,
        "alerts": [
            {
                "alert": a,
                "metric": METRICS.get(a.metric, a.metric),
                "rate": pct(a.rate),
                "centre": pct(a.centre),
                "ucl": pct(a.ucl),
            }
            for a in alerts
        ],
        "open_alerts": sum(1 for a in alerts if a.status == AlertStatus.OPEN),
        "metrics": METRICS,
        "flagged": [r for r in rows if r.row.flagged],
        "skus": rows,
        "rectifications": [(r, said(r.aspects)) for r in report.rectifications],
        "rect_statuses": RECT_STATUSES,
        "sent": sent_rectifications(viewer, shop),
        "open_tasks": [(t, TASK_STATUSES.get(t.status, t.status)) for t in report.open_tasks],
        "failed": failed,
        "form": form or RectificationForm(),
    }


@audience(MERCHANTS)
def quality_page(request: HttpRequest) -> HttpResponse:
    shop = shop_for(actor(request), request.GET.get("shop", "").strip())
    return render(request, "web/merchant/quality/page.html", quality_context(request, shop))


@audience(MERCHANTS)
def rectify_post(request: HttpRequest, number: str) -> HttpResponse:
    """Tell the inspectors what was changed: the task goes back to them for re-inspection."""
    if request.method != "POST":
        return redirect("merchant_reputation:quality")
    viewer = actor(request)
    task = task_get_for(actor=viewer, number=number[:20])
    form = RectificationForm(request.POST, request.FILES)
    status = 422
    if form.is_valid():
        try:
            rectification_submit(
                actor=viewer,
                task=task,
                payload={"response": form.cleaned_data["response"].strip()},
                file=form.cleaned_data["file"],
            )
        except DomainError as error:
            fields = flash_error(request, error)
            for name, text in fields.items():
                form.add_error(name if name in form.fields else None, text)
            if not fields:
                status = error.status
        else:
            messages.success(
                request, _("Your rectification was sent. An inspector checks the product again.")
            )
            url = reverse("merchant_reputation:quality")
            if len(shops_of(viewer)) > 1:
                url += f"?shop={task.merchant.code}"
            return redirect(url)
    shop = Merchant.objects.for_actor(viewer).get(pk=task.merchant_id)
    context = quality_context(request, shop, failed=task.number, form=form)
    return render(request, "web/merchant/quality/page.html", context, status=status)
