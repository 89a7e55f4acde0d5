"""A merchant reads its credit and appeals a warning, and an administrator decides the appeal, in a
real Chromium, in both languages; the merchant's reviews and quality pages and the administrators'
credit pages are opened too. Screenshots go to var/screenshots/; with ``ANXIN_DOCS_SCREENSHOTS=1``
they are also saved as docs/screenshots/{merchant-credit,merchant-reviews,merchant-quality,
manage-credit}-<step>-<lang>.png (the merchant's credit page on a phone and a desktop)."""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings

from anxin.cases.tests.builders import png_bytes
from anxin.credit.models import Appeal, Sanction

from .test_merchant_reputation import credited, rectification_asked, reviewed

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DOCS = Path(django_settings.BASE_DIR) / "docs" / "screenshots"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer <<>>\n%%EOF\n"


def shot(session, name: str) -> None:
    """Save a screenshot; for the docs as well when asked to."""
    path = session.shot(name)
    if os.environ.get("ANXIN_DOCS_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS / f"{name}-{session.language}.png")


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def thresholds_seeded() -> None:
    """The ladder's policy rows (a browser test's flush removes the data migration's rows)."""
    importlib.import_module("anxin.credit.migrations.0002_seed_thresholds").seed(apps, None)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_merchant_appeals_and_an_administrator_decides(
    world, open_session, settings, tmp_path, language
):
    settings.MEDIA_ROOT = tmp_path
    thresholds_seeded()
    sanction = credited(world)

    # the merchant on a phone: the score, the chart, what to improve
    phone = open_session(language, phone=True)
    page = phone.login("merchant")
    page.goto("/shop/credit/")
    assert page.locator(".credit-score").inner_text() == "55.0"
    assert page.locator("svg.credit-chart polyline").count() == 1
    assert page.locator("ol.improve li").count() == 3
    assert page.locator("article.factor").count() == 8
    assert no_horizontal_overflow(page)
    shot(phone, "merchant-credit-phone")
    assert phone.console_errors == []

    # on a desktop: the same page, then the appeal of the warning with a file
    desk = open_session(language)
    page = desk.login("merchant_admin")
    page.goto("/shop/credit/")
    assert page.locator(".mainnav a[aria-current=page]").get_attribute("href") == "/shop/credit/"
    shot(desk, "merchant-credit-desktop")
    appeal = page.locator(f"#sanction-{sanction.public_id} details.appeal")
    appeal.locator("summary").click()
    # an empty statement is refused by the browser; the server's refusal is in the page tests
    statement = (
        "警告期间的退货多为物流破损，已更换快递并补发。"
        if language == "zh-hans"
        else "Most returns in the period were parcels damaged by the carrier; we changed carrier."
    )
    appeal.locator("textarea[name=statement]").fill(statement)
    appeal.locator("input[type=file]").set_input_files(
        files=[{"name": "carrier-report.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    shot(desk, "merchant-credit-appeal")
    appeal.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".flash .msg.success").count() == 1
    filed = Appeal.unscoped.get(sanction=sanction)
    assert filed.file_name == "carrier-report.pdf" and filed.statement == statement
    assert page.locator(f"#sanction-{sanction.public_id} details.appeal").count() == 0
    assert statement in page.locator(f"#sanction-{sanction.public_id}").inner_text()
    assert desk.console_errors == []

    # the administrator overturns the warning with a note
    admin = open_session(language)
    page = admin.login("admin")
    page.goto("/manage/credit/")
    assert page.locator("table.credit-merchants tbody tr", has_text=world.shop.name).count() == 1
    assert no_horizontal_overflow(page)
    shot(admin, "manage-credit-tiers")
    page.goto("/manage/credit/sanctions/")
    card = page.locator(f"#appeal-{filed.public_id}")
    assert statement in card.inner_text()
    card.locator("input[value=overturn]").check()
    note = (
        "物流原因属实，撤销警告。"
        if language == "zh-hans"
        else "The carrier's damage is shown; warning withdrawn."
    )
    card.locator("textarea[name=note]").fill(note)
    shot(admin, "manage-credit-appeal")
    card.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".flash .msg.success").count() == 1
    assert page.locator(f"#appeal-{filed.public_id}").count() == 0
    assert Sanction.unscoped.get(pk=sanction.pk).status == "overturned"
    page.goto("/manage/credit/thresholds/")
    assert page.locator("section.threshold").count() == 4
    shot(admin, "manage-credit-thresholds")
    assert admin.console_errors == []

    # the merchant reads the decision
    page = desk.page
    page.reload()
    assert note in page.locator(f"#sanction-{sanction.public_id}").inner_text()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_merchant_replies_to_a_review_and_reads_its_quality(
    world, open_session, settings, tmp_path, language
):
    settings.MEDIA_ROOT = tmp_path
    review = reviewed(world, photos=[png_bytes((320, 240), color=(200, 120, 90))])
    reviewed(world, order=world.second_order, stars=5, text="质量很好，物流也快。")
    task = rectification_asked(world)

    session = open_session(language)
    page = session.login("merchant")
    page.goto("/shop/reviews/")
    card = page.locator(f"#review-{review.public_id}")
    assert session.image_width(card.locator("img").first) == 320
    card.locator("details.reply-action summary").click()
    card.locator("textarea[name=text]").fill("抱歉尺码偏小，已为您补发大一码。")
    card.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已为您补发大一码" in page.locator(f"#review-{review.public_id} .reply").inner_text()
    assert no_horizontal_overflow(page)
    shot(session, "merchant-reviews")

    page.goto("/shop/quality/")
    assert page.locator(f"#rectification-{task.number}").count() == 1
    assert no_horizontal_overflow(page)
    shot(session, "merchant-quality")
    page.locator(f"#rectify-{task.number}").fill("已更正尺码表并更换面料供应商。")
    page.locator(f"#rectification-{task.number} button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".flash .msg.success").count() == 1
    assert page.locator(f"#rectification-{task.number}").count() == 0
    assert session.console_errors == []
