"""The analytics dashboards in a real Chromium, in both languages: the platform's (an agent, on a
desktop) and a shop's own (its staff; on a phone in Chinese). The charts must be drawn (an <svg>
in each .chart), the page must not scroll sideways, a count must open the cases behind it, and the
browser console must stay clean. Screenshots go to var/screenshots/; with
``ANXIN_DOCS_SCREENSHOTS=1`` also to docs/screenshots/analytics-{platform,merchant}-<lang>.png.

The data: 20 days of November 2026 at two shops (both sell clothes), 120 orders and about 30
requests over four reasons, rolled up as the refresh would.
"""

from __future__ import annotations

import os
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from anxin.analytics.refresh import analytics_rebuild
from anxin.analytics.tests import factories as af
from anxin.catalog.models import Sku
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role

from .conftest import reseed

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DOCS = Path(django_settings.BASE_DIR) / "docs" / "screenshots"
NOW = af.local("2026-11-20", 18)
PERIOD = "start=2026-11-01&end=2026-11-20"
REASONS = (af.NO_REASON, af.DEFECT, "quality/not_as_described", "logistics/missing_item")


def shot(session: Any, name: str) -> None:
    """Save a screenshot; for the docs as well when asked to."""
    path = session.shot(name)
    if os.environ.get("ANXIN_DOCS_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS / f"{name}-{session.language}.png")


def no_horizontal_overflow(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def november(transactional_db: Any) -> None:
    """Every day of 1–20 November: m1 delivers 3 orders (clothes, phones), m2 two books and a
    shirt; every other day m1 gets a request, every third day a phone comes back defective, every
    fourth day m2 gets one for a book, every fifth a shirt; about half are refunded within two
    days."""
    reseed()
    clock.freeze(NOW)
    w = af.world()
    # m2 sells clothes too, so that m1 has peers in its category
    clothes = w.skus["m1:TS"].category
    w.skus["m2:TS"] = Sku.objects.create(
        merchant=w.shops["m2"], code="TS", name="T", category=clothes
    )
    made = 0
    for i in range(20):
        day = date(2026, 11, 1) + timedelta(days=i)
        ts = af.delivered(w, "m1", [("TS", 1)], signed_at=af.local(day, 9))
        af.delivered(w, "m1", [("TS", 2)], signed_at=af.local(day, 11))
        ph = af.delivered(w, "m1", [("PH", 1)], signed_at=af.local(day, 15))
        bk = af.delivered(w, "m2", [("BK", 1)], signed_at=af.local(day, 10))
        af.delivered(w, "m2", [("BK", 1)], signed_at=af.local(day, 16))
        m2_ts = af.delivered(w, "m2", [("TS", 1)], signed_at=af.local(day, 17))
        picks = []
        if i % 2 == 0:
            picks.append((ts, REASONS[(i // 2) % 2], "return_refund"))
        if i % 3 == 0:
            picks.append((ph, af.DEFECT if i % 2 else "quality/not_as_described", "exchange"))
        if i % 4 == 1:
            picks.append((bk, "logistics/missing_item" if i % 8 == 1 else af.DEFECT, "refund_only"))
        if i % 5 == 2:
            picks.append((m2_ts, af.NO_REASON, "return_refund"))
        for order, reason, kind in picks:
            opened_at = af.local(day, 12)
            if opened_at >= NOW:
                continue
            case = af.opened(order, at=opened_at, reason=reason, type=kind)
            af.merchant_message(case, at=opened_at + timedelta(hours=1 + made % 5))
            if made % 2 == 0 and opened_at + timedelta(hours=40) < NOW:
                af.approve(case, at=opened_at + timedelta(hours=3))
                af.refund(case, at=opened_at + timedelta(hours=20 + made % 30), amount="100.00")
            made += 1
    analytics_rebuild(now=NOW)
    f.user("merchant", Role.MERCHANT_STAFF, [w.shops["m1"]])
    f.user("agent", Role.AGENT)


def charts_drawn(page: Any) -> int:
    """How many charts hold an SVG (ECharts' renderer), once they have."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.chart')].every(c => c.querySelector('svg'))"
    )
    return page.locator(".chart svg").count()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_platform_dashboard_in_a_browser(transactional_db, open_session, language):
    november(transactional_db)
    session = open_session(language)
    page = session.login("agent")
    page.goto(f"/console/analytics/?{PERIOD}")
    assert charts_drawn(page) == 3  # trend, reasons, heat map
    assert page.locator(".an-kpi").count() == 13
    assert page.locator("table[data-table=league] tbody tr").count() == 2
    assert no_horizontal_overflow(page)
    shot(session, "analytics-platform")
    # a table under a chart opens, and a count in it lists its cases
    details = page.locator("#an-reasons details.chart-data")
    details.locator("summary").click()
    link = details.locator("a.an-cases").first
    expected = int(link.inner_text())
    link.click()
    page.wait_for_load_state()
    assert page.locator("table[data-table=cases] tbody tr").count() == expected
    assert no_horizontal_overflow(page)
    session.shot("analytics-drilldown")
    assert session.console_errors == []


@pytest.mark.parametrize(("language", "phone"), [("zh-hans", True), ("en", False)])
def test_the_shop_dashboard_in_a_browser(transactional_db, open_session, language, phone):
    november(transactional_db)
    session = open_session(language, phone=phone)
    page = session.login("merchant")
    page.goto(f"/shop/analytics/?{PERIOD}")
    assert charts_drawn(page) == 3  # its rates vs its category, reasons, trend
    assert "Shop m2" not in page.content()
    assert no_horizontal_overflow(page)
    if phone:  # one column: the two charts of a row stack
        boxes = [page.locator(f"#{id}").bounding_box() for id in ("an-compare", "an-reasons")]
        assert boxes[1]["y"] > boxes[0]["y"] + boxes[0]["height"] - 1
    shot(session, "analytics-merchant")
    assert session.console_errors == []
