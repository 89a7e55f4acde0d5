"""Public pages without login: the merchant page (credit explained, history chart, DSR row, review
summary, notices), a product's review list (tabs, cursor, photos, 追评 and replies, masking, XSS),
the quality notices, and their 404s — for anonymous readers and every role alike."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from anxin.cases.tests.builders import png_bytes
from anxin.catalog.models import Merchant
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from anxin.credit.recompute import credit_recompute
from anxin.quality.services import inspection_record, task_open_by_hand
from anxin.reviews.models import Review
from anxin.reviews.services import review_append, review_create, review_reply
from anxin.web.views.public import reviews as views
from anxin.web.views.public.words import compare

from .pages import untranslated, visible_texts
from .world import World

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def anonymous(language: str = "en") -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=language)


def rate(days: int = 3) -> None:
    """Credit snapshots for the last ``days`` days (history for the chart)."""
    today = clock.localnow().date()
    for back in range(days - 1, -1, -1):
        credit_recompute(day=today - timedelta(days=back), sanctions=False)


@pytest.fixture
def reviewed(world: World, settings: Any, tmp_path: Any) -> dict[str, Review]:
    """Two reviews at shop m1: a 5-star one with a photo, a 追评 and the shop's reply, and a
    1-star anonymous one whose text is an XSS payload."""
    settings.MEDIA_ROOT = tmp_path
    consumer = world.actor(world.consumer)
    first = review_create(
        actor=consumer,
        line=world.order.lines.get(external_id="L1"),
        stars=5,
        description_stars=5,
        text="面料很舒服，尺码标准。",
        photos=[png_bytes()],
    )
    review_append(actor=consumer, review=first, text="穿了一个月，没有起球。")
    review_reply(actor=world.actor(world.merchant), review=first, text="谢谢您的支持！")
    second = review_create(
        actor=consumer,
        line=world.second_order.lines.get(external_id="L1"),
        stars=1,
        text=XSS,
        anonymous=True,
    )
    rate()
    return {"first": first, "second": second}


def test_the_merchant_page_explains_the_score_without_login(world, reviewed) -> None:
    response = anonymous().get(f"/merchants/{world.shop.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "What the score means" in html
    assert "How the score is made up" in html
    assert "Similar shops" in html and "of the score" in html
    assert "<svg" in html and 'class="dot"' in html
    # no internal keys or rule ids on the page
    for key in ("return_rate", "not_as_described", "dispute_loss", "response_sla"):
        assert key not in html
    assert "As described" in html and "Politeness" in html
    assert "面料很舒服" in html


def test_the_merchant_page_in_chinese(world, reviewed) -> None:
    response = anonymous("zh-hans").get(f"/merchants/{world.shop.code}/")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()


@pytest.mark.parametrize("who", ["consumer", "merchant", "other_merchant", "agent", "admin"])
def test_every_role_reads_the_public_page(world, reviewed, as_user, who) -> None:
    assert as_user(getattr(world, who)).get(f"/merchants/{world.shop.code}/").status_code == 200


def test_an_unknown_or_applying_shop_is_404(world) -> None:
    assert anonymous().get("/merchants/nope/").status_code == 404
    Merchant.unscoped.filter(pk=world.other_shop.pk).update(status="applying")
    assert anonymous().get(f"/merchants/{world.other_shop.code}/").status_code == 404
    sku = world.other_order.lines.get(external_id="L1").sku
    url = f"/merchants/{world.other_shop.code}/products/{sku.code}/reviews/"
    assert anonymous().get(url).status_code == 404


def test_a_shop_without_a_score_yet_still_has_its_page(world) -> None:
    response = anonymous().get(f"/merchants/{world.shop.code}/")
    assert response.status_code == 200
    assert "no credit score yet" in response.content.decode()


def product_url(world: World) -> str:
    sku = world.order.lines.get(external_id="L1").sku
    return f"/merchants/{world.shop.code}/products/{sku.code}/reviews/"


def test_the_product_reviews_list_escapes_and_masks(world, reviewed) -> None:
    response = anonymous().get(product_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert XSS not in html and "&lt;script&gt;" in html
    assert "Anonymous buyer" in html
    assert world.consumer.username not in html  # masked: c***r
    assert "穿了一个月" in html and "谢谢您的支持" in html
    assert "/photos/" in html


@pytest.mark.parametrize(
    ("tab", "present", "absent"),
    [
        ("with_photos", "面料很舒服", "&lt;script&gt;"),
        ("appended", "面料很舒服", "&lt;script&gt;"),
        ("negative", "&lt;script&gt;", "面料很舒服"),
        ("all", "面料很舒服", "nothing-absent"),
        ("bogus", "面料很舒服", "nothing-absent"),
    ],
)
def test_the_tabs_filter(world, reviewed, tab, present, absent) -> None:
    html = anonymous().get(product_url(world), {"filter": tab}).content.decode()
    assert present in html and absent not in html


def test_a_damaged_cursor_starts_again(world, reviewed) -> None:
    response = anonymous().get(product_url(world), {"after": "!!not-a-cursor"})
    assert response.status_code == 200


def test_cursor_paging(world, reviewed, monkeypatch) -> None:
    monkeypatch.setattr(views, "PER_PAGE", 1)
    first = anonymous().get(product_url(world)).content.decode()
    assert "Older reviews" in first
    cursor = first.split("after=")[1].split('"')[0]
    second = anonymous().get(product_url(world) + "?filter=all&after=" + cursor)
    assert second.status_code == 200
    assert "面料很舒服" in second.content.decode()
    assert "Older reviews" not in second.content.decode()


def test_a_published_photo_is_served_to_anyone(world, reviewed) -> None:
    review = reviewed["first"]
    photo = review.photos.get()
    response = anonymous().get(f"/reviews/{review.public_id}/photos/{photo.public_id}/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    response = anonymous().get(f"/reviews/{review.public_id}/photos/{review.public_id}/")
    assert response.status_code == 404


def test_the_notices_list_is_public(world) -> None:
    response = anonymous().get("/notices/")
    assert response.status_code == 200
    assert anonymous().get("/notices/QN-NOPE/").status_code == 404


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


FINDINGS = "5 件样品中 3 件甲醛含量超过 GB 18401 B 类限值。"


def failed_inspection(world: World, findings: str = FINDINGS) -> Any:
    """An inspector samples shop m1's T-shirt by hand and fails it: the SKU is taken off sale and
    a public notice is published."""
    inspector = world.actor(f.user("inspector", Role.QUALITY_INSPECTOR))
    task = task_open_by_hand(
        actor=inspector, payload={"merchant": world.shop.code, "sku": "TS-01", "reason": "抽检"}
    )
    inspection_record(
        actor=inspector,
        task=task,
        payload={
            "sample_size": 5,
            "method": "lab",
            "lab_name": "上海纺织品检测中心",
            "result": "fail",
            "defects_found": 3,
            "notes": "甲醛含量超标",
            "public_findings": findings,
        },
        report=PDF,
    )
    task.refresh_from_db()
    return task.notice


def test_a_notice_is_listed_on_the_notices_page_and_the_shops_page(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    notice = failed_inspection(world, findings=FINDINGS + "<b>x</b>")
    listing = anonymous().get("/notices/").content.decode()
    assert notice.number in listing and "纯棉T恤" in listing
    detail = anonymous().get(f"/notices/{notice.number}/").content.decode()
    assert "甲醛含量超过" in detail and "上海纺织品检测中心" in detail
    assert "<b>x</b>" not in detail and "&lt;b&gt;x&lt;/b&gt;" in detail
    shop_page = anonymous().get(f"/merchants/{world.shop.code}/").content.decode()
    assert notice.number in shop_page
    # the delisted product's reviews stay readable, marked as off sale
    product = anonymous().get(product_url(world)).content.decode()
    assert "Taken off sale" in product


def test_the_public_pages_read_a_fixed_number_of_queries(
    world, reviewed, django_assert_max_num_queries
) -> None:
    """Whatever the number of reviews on the page (photos, 追评 and replies are prefetched)."""
    # 17: no daily 描述相符 row exists yet in this world, so quality computes it for this shop alone
    with django_assert_max_num_queries(17):
        assert anonymous().get(f"/merchants/{world.shop.code}/").status_code == 200
    with django_assert_max_num_queries(8):
        assert anonymous().get(product_url(world)).status_code == 200


@pytest.mark.parametrize(
    ("unit", "mine", "norm", "higher", "tone"),
    [
        ("rate", 0.043, 0.050, False, "better"),
        ("rate", 0.0, 0.0001, False, "same"),  # 0.00 % against 0.01 %: not a difference
        ("rate", 0.019, 0.0001, False, "worse"),
        ("rate", 0.952, 0.936, True, "same"),
        ("hours", 32.9, 50.1, False, "better"),
        ("hours", 1.2, 0.5, False, "same"),
        ("stars", 4.4, 4.0, True, "better"),
        ("stars", 3.95, 4.0, True, "same"),
    ],
)
def test_a_factor_is_compared_in_a_shoppers_words(unit, mine, norm, higher, tone) -> None:
    assert compare(mine, norm, unit, higher) == tone


def public_data(world: World) -> set[str]:
    """Names and codes that are data (they may be English): shops, product codes, masked names."""
    return {
        *Merchant.unscoped.values_list("name", flat=True),
        "TS-01",
        "c***r",
        "SF SF-E1001",
        XSS,  # a review's text
    }


def test_the_public_pages_have_no_untranslated_text_in_chinese(world, reviewed) -> None:
    notice = failed_inspection(world)
    for url in (
        f"/merchants/{world.shop.code}/",
        product_url(world),
        product_url(world) + "?filter=negative",
        "/notices/",
        f"/notices/{notice.number}/",
    ):
        response = anonymous("zh-hans").get(url)
        assert response.status_code == 200, url
        problems = untranslated(visible_texts(response.content.decode()), public_data(world))
        assert not problems, f"{url}: untranslated in zh-Hans: {problems[:10]}"
