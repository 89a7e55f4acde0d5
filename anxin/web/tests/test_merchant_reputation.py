"""The merchant's reputation pages (/shop/reviews/, /shop/credit/, /shop/quality/): who may open
them, that a merchant sees only its own shop, what they show, and every form — its success and its
refusal with the field at fault (never a 500)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anxin.cases.tests.builders import png_bytes
from anxin.core import clock
from anxin.reviews.models import MerchantReply
from anxin.reviews.services import review_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world, settings, tmp_path):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    settings.MEDIA_ROOT = tmp_path
    return shared_world


def reviewed(world, order=None, stars=2, text="尺码偏小，颜色也和图片不一样。", photos=()):
    """A published review of the first line of one of the consumer's delivered orders."""
    order = order or world.order
    line = order.lines.get(external_id="L1")
    return review_create(
        actor=world.actor(world.consumer), line=line, stars=stars, text=text, photos=photos
    )


def body(response):
    return unescape(response.content.decode())


# --- reviews -------------------------------------------------------------------------------------


def test_reviews_page_shows_the_shops_reviews_and_figures(world, as_user):
    review = reviewed(world, stars=2, photos=[png_bytes((64, 48))])
    reviewed(world, order=world.second_order, stars=5, text="很好")
    response = as_user(world.merchant).get("/shop/reviews/")
    assert response.status_code == 200
    page = body(response)
    assert f'id="review-{review.public_id}"' in page
    assert "尺码偏小" in page and "很好" in page
    assert "3.50" in page  # the average of 2 and 5 stars
    assert f"/api/v1/reviews/{review.public_id}/photos/" in page


@pytest.mark.parametrize(
    ("show", "shown", "hidden"),
    [("negative", "尺码偏小", "很好"), ("unanswered", "很好", "尺码偏小")],
)
def test_review_filters(world, as_user, show, shown, hidden):
    first = reviewed(world, stars=2)
    reviewed(world, order=world.second_order, stars=5, text="很好")
    MerchantReply.objects.create(review=first, text="抱歉", status="published",
                                 author="merchant", replied_at=first.created_at)  # fmt: skip
    page = body(as_user(world.merchant).get(f"/shop/reviews/?show={show}"))
    assert shown in page and hidden not in page


def test_the_with_photos_tab_lists_reviews_with_a_photo_or_an_appended_photo(world, as_user):
    from anxin.cases.tests.helpers import delivered_order
    from anxin.reviews.services import review_append

    pictured = reviewed(world, stars=4, text="有图有真相", photos=[png_bytes((64, 48))])
    plain = reviewed(world, order=world.second_order, stars=5, text="很好")
    later = review_append(actor=world.actor(world.consumer), review=plain, text="用了一周还不错",
                          photos=[png_bytes((40, 40))])  # fmt: skip
    bare = reviewed(world, order=delivered_order(world.shop, "E1003"), stars=3, text="一般般")
    client = as_user(world.merchant)
    page = body(client.get("/shop/reviews/"))
    assert 'href="?show=with_photos"' in page and "With photos" in page
    assert f'id="review-{bare.public_id}"' in page
    shown = body(client.get("/shop/reviews/?show=with_photos"))
    assert 'href="?show=with_photos" aria-current="page"' in shown
    assert f'id="review-{pictured.public_id}"' in shown
    # a review whose only photo came with its 追评 counts too; the photo shows with the 追评
    assert f'id="review-{plain.public_id}"' in shown
    card = shown[shown.index(f'id="review-{plain.public_id}"') :]
    card = card[card.index('class="explanation appended"') : card.index("</article>")]
    photo = later.review.photos.get()
    assert f"/api/v1/reviews/{plain.public_id}/photos/{photo.public_id}" in card
    assert f'id="review-{bare.public_id}"' not in shown
    assert (
        as_user(world.merchant, "zh-hans").get("/shop/reviews/?show=with_photos").status_code == 200
    )


def test_the_reviews_page_masks_authors_like_every_page(world, as_user):
    from anxin.reviews.selectors import author_display

    named = reviewed(world, stars=4, text="署名评价")
    hidden = review_create(actor=world.actor(world.consumer),
                           line=world.second_order.lines.get(external_id="L1"), stars=5,
                           text="匿名评价", anonymous=True)  # fmt: skip
    page = body(as_user(world.merchant).get("/shop/reviews/"))
    assert author_display(named) == "c***r" and "c***r ·" in page
    assert "Anonymous buyer ·" in page and author_display(hidden) == "Anonymous buyer"
    assert ">consumer<" not in page and "consumer ·" not in page
    zh = body(as_user(world.merchant, "zh-hans").get("/shop/reviews/"))
    assert "匿名用户" in zh


def test_a_merchant_sees_only_its_own_shops_reviews(world, as_user):
    reviewed(world)
    other = as_user(world.other_merchant).get("/shop/reviews/")
    assert other.status_code == 200
    assert "尺码偏小" not in body(other)
    assert as_user(world.other_merchant).get("/shop/reviews/?shop=m1").status_code == 404


@pytest.mark.parametrize("who", ["consumer", "agent", "admin"])
def test_reviews_page_is_for_merchants(world, as_user, who):
    assert as_user(getattr(world, who)).get("/shop/reviews/").status_code == 403


def test_reviews_page_anonymous_goes_to_login(world, client):
    response = client.get("/shop/reviews/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_reply_then_edit(world, as_user):
    review = reviewed(world)
    client = as_user(world.merchant)
    url = f"/shop/reviews/{review.public_id}/reply/"
    response = client.post(url, {"text": "抱歉给您带来不便，已为您补发正确尺码。"})
    assert response.status_code == 302
    reply = MerchantReply.objects.get(review=review)
    assert reply.status == "published" and reply.edited_at is None
    page = body(client.get("/shop/reviews/"))
    assert "已为您补发正确尺码" in page and "Edit your reply" in page
    assert client.post(url, {"text": "已补发，欢迎再次光临。"}).status_code == 302
    reply.refresh_from_db()
    assert reply.text == "已补发，欢迎再次光临。" and reply.edited_at is not None


def test_an_empty_reply_is_a_field_error(world, as_user):
    review = reviewed(world)
    response = as_user(world.merchant).post(
        f"/shop/reviews/{review.public_id}/reply/", {"text": " "}
    )
    assert response.status_code == 422
    assert f'id="reply-{review.public_id}-error"' in body(response)
    assert not MerchantReply.objects.filter(review=review).exists()


def test_another_shop_cannot_reply(world, as_user):
    review = reviewed(world)
    response = as_user(world.other_merchant).post(
        f"/shop/reviews/{review.public_id}/reply/", {"text": "hi"}
    )
    assert response.status_code == 404
    assert (
        as_user(world.merchant)
        .post("/shop/reviews/00000000-0000-0000-0000-000000000000/reply/", {"text": "hi"})
        .status_code
        == 404
    )


def test_a_damaged_cursor_is_not_a_500(world, as_user):
    response = as_user(world.merchant).get("/shop/reviews/?cursor=%5Bnull%2C%20Infinity%5D")
    assert response.status_code == 302
    assert as_user(world.merchant).get("/shop/reviews/?show=nonsense").status_code == 200


# --- credit --------------------------------------------------------------------------------------


def factor(value, norm, weight, sub, lost, trend=None, n=400):
    return {"available": True, "value": value, "smoothed": value, "norm": norm, "weight": weight,
            "sub_score": sub, "contribution": weight * sub / 100, "lost": lost, "trend": trend,
            "x": int(value * n) if value < 1 else 0, "n": n}  # fmt: skip


FIGURES = {
    "return_rate": factor(0.06, 0.04, 12.5, 55.0, 2.5, trend=0.01),
    "not_as_described": factor(0.03, 0.01, 12.5, 40.0, 4.4, trend=0.004),
    "response_sla": factor(0.97, 0.93, 12.5, 85.0, 0.0, trend=0.0),
    "refund_latency": factor(30.0, 24.0, 12.5, 65.0, 1.3, trend=-3.0, n=80),
    "dispute_rate": factor(0.01, 0.01, 12.5, 75.0, 0.0),
    "dispute_loss": factor(0.5, 0.3, 12.5, 50.0, 3.1, n=12),
    "intervention": factor(0.02, 0.02, 12.5, 75.0, 0.0),
    "service_review": factor(4.5, 4.2, 12.5, 82.0, 0.0, trend=0.1, n=30),
}


def credited(world, *, days=40, last=Decimal("55.00"), sanction=True):
    """A month and more of daily snapshots for the first shop, sliding from 72 to ``last``, and
    (``sanction``) the warning the ladder took yesterday."""
    from anxin.credit.choices import SanctionStatus, Step, Tier
    from anxin.credit.models import CreditSnapshot, Sanction

    today = clock.now().date()
    start = Decimal("72.00")
    for index in range(days):
        day = today - timedelta(days=days - 1 - index)
        score = start + (last - start) * index / (days - 1)
        score = score.quantize(Decimal("0.01"))
        CreditSnapshot.unscoped.create(
            merchant=world.shop, day=day, score=score, tier=Tier.for_score(score),
            factors=FIGURES, volume={"cases": 40, "units": 400},
            trend=(last - Decimal("66.00")) if index == days - 1 else None,
            category="", computed_at=clock.now(),
        )  # fmt: skip
    if not sanction:
        return None
    return Sanction.unscoped.create(
        merchant=world.shop, step=Step.WARN, status=SanctionStatus.IN_FORCE,
        day=today - timedelta(days=1), score=Decimal("58.00"), tier=Tier.WARNING,
        factors=FIGURES, reason="Score below 60.",
        data={"below": "60", "days": 1},
    )  # fmt: skip


def pdf_file(name="report.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n",
                              content_type="application/pdf")  # fmt: skip


def test_credit_page_explains_the_score(world, as_user):
    credited(world)
    response = as_user(world.merchant).get("/shop/credit/")
    assert response.status_code == 200
    page = body(response)
    assert "55.0" in page and "Warning" in page
    assert '<svg class="credit-chart"' in page and "<polyline" in page
    # each factor in words: figure, similar shops' figure, weight, trend
    assert 'id="factor-not_as_described"' in page
    assert "3.0 %" in page and "1.0 %" in page and "Worse than similar shops" in page
    assert "Getting worse" in page and "Improving" in page  # refund latency fell: better
    # what to improve: the most points lost first
    improve = page[page.index('id="improve-title"') : page.index('id="tiers-title"')]
    assert (
        improve.index("Not as described")
        < improve.index("Dispute")
        < improve.index("After-sales rate")
    )
    assert "by your shop's administrator" in page  # staff read it; the administrator appeals


def test_credit_page_before_any_score(world, as_user):
    response = as_user(world.merchant).get("/shop/credit/")
    assert response.status_code == 200
    assert "has not been computed yet" in body(response)


def test_credit_page_in_chinese(world, as_user):
    credited(world)
    response = as_user(world.merchant, "zh-hans").get("/shop/credit/")
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["consumer", "agent", "admin"])
def test_credit_page_is_for_merchants(world, as_user, who):
    assert as_user(getattr(world, who)).get("/shop/credit/").status_code == 403


def test_a_merchant_sees_only_its_own_credit(world, as_user):
    sanction = credited(world)
    other = as_user(world.other_merchant)
    page = body(other.get("/shop/credit/"))
    assert "has not been computed yet" in page and str(sanction.public_id) not in page
    assert other.get("/shop/credit/?shop=m1").status_code == 404
    response = other.post(f"/shop/credit/sanctions/{sanction.public_id}/appeal/",
                          {"statement": "not ours"})  # fmt: skip
    assert response.status_code == 404


def test_appeal_once_with_a_file(world, as_user, settings):
    from anxin.credit.models import Appeal

    sanction = credited(world)
    client = as_user(world.merchant_admin)
    url = f"/shop/credit/sanctions/{sanction.public_id}/appeal/"
    response = client.post(url, {"statement": "退货多为物流破损，已更换快递。", "file": pdf_file()})
    assert response.status_code == 302
    appeal = Appeal.unscoped.get(sanction=sanction)
    assert appeal.file_name == "report.pdf"
    sanction.refresh_from_db()
    assert sanction.status == "appealed"
    page = body(client.get("/shop/credit/"))
    assert "退货多为物流破损" in page and "Waiting for an administrator" in page
    assert 'class="appeal-form"' not in page
    again = client.post(url, {"statement": "again"})
    assert again.status_code == 409
    assert Appeal.unscoped.filter(sanction=sanction).count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"statement": ""}, "statement"), ({"statement": "x" * 2001}, "statement")],
)
def test_a_bad_appeal_is_a_field_error(world, as_user, fields, field):
    sanction = credited(world)
    response = as_user(world.merchant_admin).post(
        f"/shop/credit/sanctions/{sanction.public_id}/appeal/", fields
    )
    assert response.status_code == 422
    assert 'id="appeal-statement-error"' in body(response)


def test_an_appeal_file_of_the_wrong_kind_is_a_field_error(world, as_user):
    sanction = credited(world)
    bad = SimpleUploadedFile("x.exe", b"MZ\x90\x00not a pdf", content_type="application/pdf")
    response = as_user(world.merchant_admin).post(
        f"/shop/credit/sanctions/{sanction.public_id}/appeal/",
        {"statement": "see file", "file": bad},
    )
    assert response.status_code == 422
    assert 'id="appeal-file-error"' in body(response)


def test_only_the_shops_administrator_appeals(world, as_user):
    sanction = credited(world)
    staff = as_user(world.merchant)
    page = body(staff.get("/shop/credit/"))
    assert 'class="appeal-form"' not in page and "by your shop's administrator" in page
    response = staff.post(f"/shop/credit/sanctions/{sanction.public_id}/appeal/",
                          {"statement": "x"})  # fmt: skip
    assert response.status_code == 403
    assert 'class="appeal-form"' in body(as_user(world.merchant_admin).get("/shop/credit/"))


def test_appeal_of_a_missing_sanction_is_404(world, as_user):
    client = as_user(world.merchant)
    assert client.post("/shop/credit/sanctions/00000000-0000-0000-0000-000000000000/appeal/",
                       {"statement": "x"}).status_code == 404  # fmt: skip
    assert client.get(
        "/shop/credit/sanctions/00000000-0000-0000-0000-000000000000/appeal/"
    ).status_code in (302, 404)


# --- quality -------------------------------------------------------------------------------------


def rectification_asked(world):
    """An inspector opened a task on the shop's product, sampled it and failed it: the product is
    off sale and the shop is asked to put it right."""
    from anxin.quality.services import inspection_record, task_open_by_hand

    inspector = world.actor(world.admin)
    sku = world.order.lines.get(external_id="L1").sku
    task = task_open_by_hand(
        actor=inspector, payload={"merchant": world.shop.code, "sku": sku.code}
    )
    inspection_record(actor=inspector, task=task, payload={
        "sample_size": 10, "method": "visual", "result": "fail", "defects_found": 4,
        "notes": "抽检10件，4件尺码偏小、色差明显", "penalty": "0.00"})  # fmt: skip
    task.refresh_from_db()
    return task


def test_quality_page_shows_the_report(world, as_user):
    response = as_user(world.merchant).get("/shop/quality/")
    assert response.status_code == 200
    page = body(response)
    assert "No rectification is waiting for you." in page
    assert as_user(world.merchant, "zh-hans").get("/shop/quality/?month=1999-01").status_code == 200


def test_quality_page_rectification_submitted(world, as_user):
    task = rectification_asked(world)
    client = as_user(world.merchant)
    page = body(client.get("/shop/quality/"))
    assert f'id="rectification-{task.number}"' in page and "尺码偏小" in page
    url = f"/shop/quality/tasks/{task.number}/rectify/"
    bad = client.post(url, {"response": "  "})
    assert bad.status_code == 422 and f'id="rectify-{task.number}-error"' in body(bad)
    response = client.post(url, {"response": "已更正尺码表并更换面料供应商。"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "reinspecting"
    assert f'id="rectification-{task.number}"' not in body(client.get("/shop/quality/"))
    again = client.post(url, {"response": "again"})
    assert again.status_code in (409, 422) and again.status_code != 500


def test_another_shop_cannot_see_or_rectify(world, as_user):
    task = rectification_asked(world)
    other = as_user(world.other_merchant)
    assert task.number not in body(other.get("/shop/quality/"))
    assert other.get("/shop/quality/?shop=m1").status_code == 404
    response = other.post(f"/shop/quality/tasks/{task.number}/rectify/", {"response": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["consumer", "agent", "admin"])
def test_quality_page_is_for_merchants(world, as_user, who):
    assert as_user(getattr(world, who)).get("/shop/quality/").status_code == 403


def test_a_rectification_with_a_file_the_shop_and_the_inspector_open(world, as_user):
    task = rectification_asked(world)
    client = as_user(world.merchant)
    response = client.post(f"/shop/quality/tasks/{task.number}/rectify/", {
        "response": "已更正尺码表，附供应商检测报告。", "file": pdf_file("检测报告.pdf")})  # fmt: skip
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "reinspecting"
    rect = task.rectifications.get()
    assert rect.file and rect.file_name == "检测报告.pdf"
    page = body(client.get("/shop/quality/"))
    sent = page[page.index('id="sent-title"') :]
    link = f"/api/v1/quality/rectifications/{rect.public_id}/file"
    assert f'id="sent-{rect.public_id}"' in sent and "已更正尺码表" in sent
    assert f'href="{link}"' in sent and "检测报告.pdf" in sent
    # the link opens with the shop's session; the PDF is sandboxed
    opened = client.get(link)
    assert opened.status_code == 200 and opened["Content-Type"] == "application/pdf"
    assert opened["Content-Security-Policy"] == "sandbox"
    assert b"".join(opened.streaming_content).startswith(b"%PDF")
    # another shop neither sees nor opens it
    other = as_user(world.other_merchant)
    assert link not in body(other.get("/shop/quality/"))
    assert other.get(link).status_code == 404
    assert as_user(world.merchant, "zh-hans").get("/shop/quality/").status_code == 200


def test_a_rectification_without_a_file_shows_no_link(world, as_user):
    task = rectification_asked(world)
    client = as_user(world.merchant)
    response = client.post(f"/shop/quality/tasks/{task.number}/rectify/",
                           {"response": "已更正尺码表。"})  # fmt: skip
    assert response.status_code == 302
    page = body(client.get("/shop/quality/"))
    assert "已更正尺码表" in page[page.index('id="sent-title"') :]
    assert "/api/v1/quality/rectifications/" not in page


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("x.pdf", b"MZ\x90\x00not a pdf", content_type="application/pdf"),
        SimpleUploadedFile(
            "x.pdf",
            b"%PDF-1.4\n/JavaScript (app.alert(1))\n%%EOF\n",
            content_type="application/pdf",
        ),
        SimpleUploadedFile("empty.png", b"", content_type="image/png"),
    ],
    ids=["not-a-pdf", "pdf-with-script", "empty"],
)
def test_a_bad_rectification_file_is_a_field_error(world, as_user, upload):
    task = rectification_asked(world)
    upload.seek(0)
    response = as_user(world.merchant).post(
        f"/shop/quality/tasks/{task.number}/rectify/",
        {"response": "见附件", "file": upload},
    )
    assert response.status_code == 422
    page = body(response)
    assert f'id="rectify-{task.number}-file-error"' in page
    assert "见附件" in page  # what the shop wrote is kept
    task.refresh_from_db()
    assert task.status == "failed" and not task.rectifications.get().file
