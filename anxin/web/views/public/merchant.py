"""The public merchant page (/merchants/<code>/, no login): the shop's credit score and tier with
what they mean, every factor explained, the score's history as an inline SVG chart, the DSR-style
row (描述相符 and the after-sales service scores), the review summary with the latest reviews, and
the shop's quality notices (公示).

Everything comes from public selectors (credit, reviews, quality); a shop that is still applying,
or unknown, is a 404 whoever asks."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from anxin.credit.choices import TIER_FLOORS
from anxin.credit.selectors import public_credit

from .chart import score_chart
from .lookup import public_merchant, public_or_404
from .notices import notices_of
from .review_display import dsr_row, review_cards, summary_view
from .words import factor_line, score_trend, tier_rows

LATEST_REVIEWS = 5
HISTORY_DAYS = 180


@require_safe
@public_or_404
def merchant_page(request: HttpRequest, code: str) -> HttpResponse:
    credit = public_credit(code=code, days=HISTORY_DAYS)
    merchant = public_merchant(code)
    available = [f for f in credit.factors if f.available]
    trend_text, trend_tone = score_trend(credit.trend)
    context: dict[str, Any] = {
        "merchant": merchant,
        "credit": credit,
        "tiers": tier_rows(credit.tier),
        "trend_text": trend_text,
        "trend_tone": trend_tone,
        "factors": [factor_line(f) for f in available],
        "missing": [str(f.label) for f in credit.factors if not f.available],
        "chart": score_chart(credit.history, [(str(t), float(f)) for t, f in TIER_FLOORS]),
        "dsr": dsr_row(merchant),
        "summary": summary_view(merchant=merchant),
        "latest": review_cards(merchant=merchant, limit=LATEST_REVIEWS),
        "notices": notices_of(merchant),
    }
    return render(request, "web/public/merchant.html", context)
