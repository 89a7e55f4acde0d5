"""The merchant's reputation pages (/shop/reviews/, /shop/credit/, /shop/quality/): who may open
them, that a merchant sees only its own shop, what they show, and every form — its success and its
refusal with the field at fault (never a 500)."""

from __future__ import annotations

from html import unescape

import pytest

from anxin.cases.tests.builders import png_bytes
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
