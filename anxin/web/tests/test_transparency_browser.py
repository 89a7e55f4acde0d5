"""The public transparency report (运营数据公示) in a real Chromium, signed out, in both
languages: October 2026 at four clothing shops (three also sell books) is published, then read at
its stable address. The figures must be there, the small cells hidden, the page must not scroll
sideways and the console must stay clean. With ``ANXIN_DOCS_SCREENSHOTS=1`` the screenshots go to
docs/screenshots/transparency-<lang>.png as well.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from anxin.analytics.refresh import analytics_rebuild
from anxin.analytics.tests import factories as af
from anxin.analytics.transparency import transparency_publish
from anxin.catalog.models import Sku
from anxin.core import clock

from .conftest import reseed
from .test_analytics_browser import no_horizontal_overflow, shot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SHOPS = ("m1", "m2", "m3", "m4")
PUBLISHED = af.local("2026-11-02", 8)


def october(transactional_db: Any) -> None:
    """Every day of October: each shop delivers four shirts, m2–m4 two books; every shop gets a
    request for a shirt a day (refunded after 20–44 h), m2–m4 one for a book every other day."""
    reseed()
    clock.freeze(PUBLISHED)
    w = af.world(SHOPS)
    clothes = w.skus["m1:TS"].category
    books = w.skus["m2:BK"].category
    for shop in SHOPS[1:]:
        w.skus[f"{shop}:TS"] = Sku.objects.create(
            merchant=w.shops[shop], code="TS", name="T", category=clothes
        )
        if shop != "m2":
            w.skus[f"{shop}:BK"] = Sku.objects.create(
                merchant=w.shops[shop], code="BK", name="B", category=books
            )
    made = 0
    for i in range(31):
        day = date(2026, 10, 1) + timedelta(days=i)
        for n, shop in enumerate(SHOPS):
            shirts = [af.delivered(w, shop, [("TS", 1)], signed_at=af.local(day, 9 + k))
                      for k in range(4)]  # fmt: skip
            opened_at = af.local(day, 14)
            case = af.opened(shirts[0], at=opened_at, reason=af.NO_REASON, type="return_refund")
            af.approve(case, at=opened_at + timedelta(hours=2))
            af.refund(case, at=opened_at + timedelta(hours=20 + (made % 25)), amount="100.00")
            if n and i % 7 != 3:
                af.survey(case, at=opened_at + timedelta(days=3), score=5 if made % 6 else 2)
            made += 1
            if shop == "m1":
                continue
            books_sent = [af.delivered(w, shop, [("BK", 1)], signed_at=af.local(day, 16 + k))
                          for k in range(2)]  # fmt: skip
            if (i + n) % 2 == 0:
                af.opened(books_sent[0], at=af.local(day, 18), reason=af.DEFECT, type="refund_only")
    analytics_rebuild(now=PUBLISHED)
    transparency_publish(date(2026, 10, 1), now=PUBLISHED)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_transparency_report_in_a_browser(transactional_db, open_session, language):
    october(transactional_db)
    session = open_session(language)
    page = session.page  # nobody signs in: the report is public
    page.goto("/transparency/2026-10/")
    page.wait_for_load_state()
    text = page.content()
    assert "2026" in text
    assert page.locator("table tbody tr").count() >= 2  # the platform and its categories
    assert page.locator("a[href$='2026-10.csv']").count() >= 1
    assert page.locator("a[href$='2026-10.pdf']").count() >= 1
    assert no_horizontal_overflow(page)
    shot(session, "transparency")
    assert session.console_errors == []
