"""The quality inspector in a real Chromium, at desktop width, in both languages: signs in and lands
on the quality workspace, opens the alert's task (its p-chart drawn on the server), takes it,
records a failed laboratory inspection with its report — the product goes off sale, the penalty is
deducted, the rectification is asked for — and follows the link to the public notice, readable
without signing in. Then a moderator decides a held review in the moderation queue.

Screenshots go to var/screenshots/; with ``ANXIN_DOCS_SCREENSHOTS=1`` they are also saved as
docs/screenshots/{inspector,console-reviews}-<step>-<lang>.png."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from anxin.cases.tests.builders import png_bytes
from anxin.catalog.choices import SkuStatus
from anxin.catalog.models import Sku
from anxin.quality.models import QualityNotice, QualityTask
from anxin.reviews.models import ModerationItem, Review
from anxin.reviews.services import review_create

from .conftest import reseed
from .test_console_quality import quality_world

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DOCS = Path(django_settings.BASE_DIR) / "docs" / "screenshots"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer <<>>\n%%EOF\n"
FINDINGS = {
    "en": "20 units sampled; 6 show colour deviation beyond the standard (GB/T 250 grade 3).",
    "zh-hans": "抽检20件，6件色差超出标准（GB/T 250 三级）。",
}


def shot(session, name: str) -> None:
    path = session.shot(name)
    if os.environ.get("ANXIN_DOCS_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS / f"{name}-{session.language}.png")


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_inspector_takes_an_alert_to_a_public_notice(
    open_session, settings, tmp_path, language
):
    settings.MEDIA_ROOT = tmp_path
    reseed()
    q = quality_world()
    alert, task = q["alert"], q["task"]

    session = open_session(language)
    page = session.login("inspector")
    page.on("dialog", lambda dialog: dialog.accept())
    assert page.url.endswith(reverse("console_quality:home"))
    row = page.locator(f'tr[data-alert="{alert.number}"]')
    assert row.is_visible() and "9.0 %" in row.inner_text()
    assert no_horizontal_overflow(page)
    shot(session, "inspector-alerts")

    # the alert's task: its chart, what consumers said; take it
    row.locator(f"a:has-text('{task.number}')").click()
    page.wait_for_load_state()
    chart = page.locator("#chart-defect svg.p-chart")
    assert chart.is_visible()
    assert chart.locator("circle.point.signal").count() == 1
    assert page.locator("#words").inner_text().count("色差") >= 1
    shot(session, "inspector-task")
    with page.expect_navigation():
        page.locator("#take button[type=submit]").click()
    assert QualityTask.unscoped.get(pk=task.pk).status == "inspecting"

    # the laboratory's report says fail: record it with what follows
    form = page.locator("#inspection-form")
    form.locator("#id_sample_size").fill("20")
    form.locator("#id_defects_found").fill("6")
    form.locator("#id_method").select_option("lab")
    form.locator("#id_lab_name").fill("SGS 上海")
    form.locator("#id_report").set_input_files(
        {"name": "report.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    form.locator("#result-fail").check()
    form.locator("#id_notes").fill(FINDINGS[language])
    form.locator("#id_penalty").fill("800.00")
    form.locator("#id_rectify_days").fill("10")
    form.locator("#id_request").fill("更换面料供应商，按实物重拍商品图并标注色差说明")
    form.locator("#id_public_findings").fill(FINDINGS[language])
    form.scroll_into_view_if_needed()
    shot(session, "inspector-inspection-form")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    found = QualityTask.unscoped.get(pk=task.pk)
    assert found.status == "failed" and found.delisted
    assert Sku.objects.get(pk=q["sku"].pk).status == SkuStatus.DELISTED
    notice = QualityNotice.unscoped.get(task=found)
    assert page.locator("#notice").is_visible() and page.locator("#rectifications").is_visible()
    assert page.locator("#inspections a[target=_blank]").count() == 1  # the report
    shot(session, "inspector-failed")

    # the notices: the public page, without signing in
    page.goto(reverse("console_quality:notices"))
    assert page.locator(f'tr[data-notice="{notice.number}"]').is_visible()
    shot(session, "inspector-notices")
    page.goto(reverse("console_quality:task", args=[found.number]))
    href = page.locator("#notice-public-link").get_attribute("href")
    assert href == reverse("public:notice", args=[notice.number])
    visitor = open_session(language)  # nobody signed in
    visitor.page.goto(href)
    assert "/accounts/login/" not in visitor.page.url
    text = visitor.page.locator("main").inner_text()
    assert notice.number in text and FINDINGS[language] in text
    shot(visitor, "inspector-public-notice")
    assert session.console_errors == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_moderator_decides_a_held_review(world, open_session, settings, tmp_path, language):
    settings.MEDIA_ROOT = tmp_path
    consumer = world.actor(world.consumer)
    signals_only = review_create(
        actor=consumer, line=world.order.lines.first(), stars=5,
        text="质量很好，做工扎实，物流也快。", photos=[png_bytes((320, 240), color=(200, 120, 90))],
    )  # fmt: skip
    held = review_create(
        actor=consumer, line=world.second_order.lines.first(), stars=1,
        text="有问题加我微信 abc12345 或打 13912345678",
    )  # fmt: skip
    item = ModerationItem.unscoped.get(review=held)

    session = open_session(language)
    page = session.login("agent")
    page.goto(reverse("console_reviews:queue"))
    assert page.locator(f'tr[data-item="{item.pk}"]').is_visible()
    assert no_horizontal_overflow(page)
    shot(session, "console-reviews-queue")

    flagged = ModerationItem.unscoped.get(review=signals_only)
    page.goto(reverse("console_reviews:item", args=[flagged.pk]))
    assert page.locator("#signals-only").is_visible()
    assert session.image_width(page.locator(".moderated-review img").first) == 320
    shot(session, "console-reviews-signals")

    page.goto(reverse("console_reviews:item", args=[item.pk]))
    page.locator("#action-reject").check()
    page.locator("#id_reason").fill("含有联系方式（手机号、微信），违反评价规范")
    shot(session, "console-reviews-decide")
    with page.expect_navigation():
        page.locator("#decide button[type=submit]").click()
    assert Review.unscoped.get(pk=held.pk).status == "rejected"
    assert "含有联系方式" in page.locator(".timeline").inner_text()
    assert session.console_errors == []
