"""Reviews and the public merchant page in a real Chromium, in both languages.

- A consumer on a phone reviews a delivered line from the order page (stars, 描述相符 stars, text,
  a photo, anonymously) and rates the service of a refunded request from its page.
- Anyone, signed out, reads a shop's public page: the score and tier, what they mean, every
  factor explained (visible, no internal keys), the history chart, the DSR row and the reviews;
  then a product's review list with its tabs.

Screenshots go to var/screenshots/ (docs/screenshots/ with ANXIN_DOCS_SCREENSHOTS=1) as
consumer-review-<step>-<language>.png and public-<page>-<language>[-phone].png (256 colours)."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from PIL import Image

from anxin.cases.tests.builders import png_bytes
from anxin.cases.tests.helpers import delivered_order
from anxin.catalog.models import Customer
from anxin.core import clock
from anxin.core.actors import SYSTEM
from anxin.credit.demo.synthetic import Profile, synthetic_shop
from anxin.credit.recompute import credit_recompute
from anxin.reviews.models import Review, ServiceReview
from anxin.reviews.services import (
    review_append,
    review_create,
    review_reply,
    service_review_create,
)

from .conftest import Session
from .test_public_pages import failed_inspection
from .world import World, advance

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SHOTS = Path(settings.BASE_DIR) / (
    "docs/screenshots" if os.environ.get("ANXIN_DOCS_SCREENSHOTS") == "1" else "var/screenshots"
)
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth + 1"
# The factors' keys with an underscore (a plain word such as "intervention" may be in the text).
INTERNAL_KEYS = ("return_rate", "not_as_described", "response_sla", "refund_latency",
                 "dispute_rate", "dispute_loss", "service_review", "csat")  # fmt: skip


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def png(colour: tuple[int, int, int]) -> dict[str, object]:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, format="PNG")
    return {"name": "item.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def shot(session: Session, name: str, suffix: str = "") -> None:
    """A full-page screenshot, reduced to 256 colours (a few tens of kB)."""
    page = session.page
    assert page.evaluate(NO_OVERFLOW), f"{name} overflows"
    # lazy thumbnails below the fold: load them for the full-page picture
    page.evaluate(
        "document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')"
    )
    page.wait_for_function("() => [...document.images].every(i => i.complete)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}-{session.language}{suffix}.png"
    page.screenshot(path=str(path), full_page=True)
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256)
    small.save(path, optimize=True)


def words(language: str, zh: str, en: str) -> str:
    return zh if language == "zh-hans" else en


# --- the consumer -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_consumer_reviews_a_delivered_line_and_a_finished_request(
    world: World, open_session: Any, language: str
) -> None:
    refunded = advance(
        world.other_case, (world.actor(world.other_merchant), "approve", {}), (SYSTEM, "refund", {})
    )
    session = open_session(language, phone=True)
    page = session.login("consumer")

    # the order page offers the review of its delivered line
    page.goto(f"/my/orders/{world.order.public_id}/")
    page.locator(".review-entry a[role=button]").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/lines/L1/review/")
    page.locator("label[for=id_stars_4]").click()
    page.locator("label[for=id_description_stars_5]").click()
    page.fill(
        "#id_text",
        words(language, "面料柔软，尺码标准，和图片一致。", "Soft fabric, true to size."),
    )
    page.set_input_files("#id_photos", files=[png((200, 120, 60))])
    page.wait_for_selector("#photo-previews img")
    page.locator("#id_anonymous").check()
    shot(session, "consumer-review-write")
    page.locator("form.review-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".flash .msg.success").count() == 1
    review = Review.unscoped.get()
    assert (review.stars, review.description_stars, review.anonymous) == (4, 5, True)
    assert review.status == "published" and review.photos.count() == 1
    assert page.locator(f"#review-{review.public_id}").is_visible()
    assert session.image_width(page.locator(f"#review-{review.public_id} .thumbs img").first) == 320
    assert (
        page.locator(".mainnav a[aria-current=page]").inner_text()
        == words(language, "我的评价", "My reviews")
        or language == "zh-hans"
    )  # the catalog may not carry the new words yet
    shot(session, "consumer-review-list")

    # the refunded request: rate the service from its page
    page.goto(f"/my/requests/{refunded.number}/")
    page.locator(".service-review-entry a[role=button]").click()
    page.wait_for_load_state()
    page.locator("label[for=id_fair_5]").click()
    page.locator("label[for=id_fast_4]").click()
    page.locator("label[for=id_polite_5]").click()
    page.fill("#id_comment", words(language, "处理及时，态度很好。", "Quick and friendly."))
    shot(session, "consumer-review-service")
    page.locator("form.review-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".flash .msg.success").count() == 1
    assert page.url.endswith(f"/my/requests/{refunded.number}/")
    done = ServiceReview.unscoped.get()
    assert (done.fair, done.fast, done.polite) == (5, 4, 5)
    assert session.console_errors == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_form_error_is_shown_on_its_field(world: World, open_session: Any, language: str) -> None:
    session = open_session(language, phone=True)
    page = session.login("consumer")
    page.goto(f"/my/orders/{world.order.public_id}/lines/L1/review/")
    page.fill("#id_text", "没有打星")
    page.locator("form.review-form button[type=submit]").click()
    page.wait_for_load_state()
    error = page.locator("#stars-error")
    assert error.is_visible()
    assert page.locator("fieldset.rating[aria-invalid=true]").count() == 1
    assert page.locator("#id_text").input_value() == "没有打星"
    assert not Review.unscoped.exists()


# --- the public merchant page -------------------------------------------------------------------


def rich_shop(world: World) -> None:
    """Shop m1 with 150 requests of history among three ordinary peers, reviews (one with a
    photo, a 追评 and the shop's reply, one negative), a service review, and 60 days of scores."""
    for i in range(3):
        synthetic_shop(code=f"peer{i}", cases=120, seed=i)
    synthetic_shop(
        code="m1",
        merchant=world.shop,
        cases=150,
        profile=Profile(return_rate=0.04, refund_hours=30, dispute_rate=0.03, csat=4.5),
    )
    consumer = world.actor(world.consumer)
    merchant = world.actor(world.merchant)
    texts = [
        (5, "面料很舒服，尺码标准，物流也快。", True),
        (4, "颜色和图片一致，做工不错。", False),
        (2, "洗了一次有点缩水。", False),
        (5, "第二次购买了，质量稳定。", False),
    ]
    for i, (stars, text, photo) in enumerate(texts):
        order = world.order if i == 0 else delivered_order(world.shop, f"E30{i}")
        Customer.objects.filter(pk=order.customer_id).update(user=world.consumer)
        review = review_create(
            actor=consumer,
            line=order.lines.get(external_id="L1"),
            stars=stars,
            description_stars=min(5, stars + 1),
            text=text,
            anonymous=i == 1,
            photos=[png_bytes((480, 360), color=(90, 140, 200))] if photo else [],
        )
        if i == 0:
            review_append(actor=consumer, review=review, text="穿了一个月，没有起球。")
            review_reply(actor=merchant, review=review, text="谢谢您的支持，欢迎再来！")
    withdrawn = advance(world.case, (consumer, "withdraw", {}))
    service_review_create(
        actor=consumer, case=withdrawn, fair=5, fast=4, polite=5, comment="很快处理了"
    )
    today = clock.localnow().date()
    for back in range(60, -1, -4):
        credit_recompute(day=today - timedelta(days=back), sanctions=False)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_public_merchant_page_explains_the_score(
    world: World, open_session: Any, language: str
) -> None:
    rich_shop(world)
    for phone in (False, True):
        session = open_session(language, phone=phone)
        page = session.page
        page.goto(f"/merchants/{world.shop.code}/")  # signed out
        assert page.locator("h1").inner_text() == world.shop.name
        assert page.locator(".score-value").is_visible()
        assert page.locator(".tier-badge").is_visible()
        assert page.locator(".score-explained").is_visible()
        assert page.locator("table.tiers tr.current").count() == 1
        # every factor explained: what it measures, this shop, similar shops, weight, trend
        factors = page.locator("ol.factors > li.factor")
        assert factors.count() >= 5
        first = factors.first
        assert first.locator(".factor-what").is_visible()
        assert first.locator(".factor-what").inner_text().strip() != ""
        assert first.locator(".verdict").is_visible()
        assert first.locator("dl.factor-facts dd").count() == 5
        text = page.locator("main").inner_text()
        assert not any(key in text for key in INTERNAL_KEYS)
        assert page.locator(".score-chart svg path.line").is_visible()
        assert page.locator(".dsr li").count() == 4
        assert page.locator("ul.reviews li.review").count() == 4
        shot(session, "public-merchant", "-phone" if phone else "")

    # a product's review list, with its tabs
    page.locator("ul.reviews li.review .review-product a").first.click()
    page.wait_for_load_state()
    assert "/reviews/" in page.url
    assert page.locator("li.review").count() >= 4
    page.locator(".tabs a[href='?filter=with_photos']").click()
    page.wait_for_load_state()
    assert page.locator("li.review").count() == 1
    review = page.locator("li.review").first
    assert review.locator(".appended").is_visible() and review.locator(".reply").is_visible()
    assert session.image_width(review.locator(".thumbs img").first) == 480
    page.locator(".tabs a[href='?filter=all']").click()
    page.wait_for_load_state()
    shot(session, "public-product-reviews", "-phone")
    page.locator(".tabs a[href='?filter=negative']").click()
    page.wait_for_load_state()
    assert page.locator("li.review").count() == 1
    assert session.console_errors == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_quality_notices_are_public(world: World, open_session: Any, language: str) -> None:
    notice = failed_inspection(world)
    session = open_session(language, phone=True)
    page = session.page
    page.goto("/notices/")  # signed out
    assert page.locator(".mainnav a[aria-current=page]").count() == 1
    page.locator("ul.notice-list a", has_text=notice.number).click()
    page.wait_for_load_state()
    assert page.locator("dl.facts").is_visible()
    assert "GB 18401" in page.locator("dl.facts").inner_text()
    shot(session, "public-notice", "-phone")
    page.goto(f"/merchants/{world.shop.code}/")
    assert page.locator("ul.notice-list li", has_text=notice.number).is_visible()
    assert session.console_errors == []
