"""What the pages asked of reviews: the shop's list filtered to reviews with photos (prefetched,
a fixed number of queries), one author mask for every page and the API, photos of reviews not
public read with a signed-in session by those who may read the review only, and status words
in their own translation context."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from anxin.cases.tests.builders import png_bytes, signed_order
from anxin.reviews import selectors
from anxin.reviews.choices import ModerationAction, ReviewStatus
from anxin.reviews.models import ModerationItem, Review
from anxin.reviews.services import moderation_decide, review_create

from .world import ReviewWorld
from .world import _review_world as _review_world
from .world import w as w

pytestmark = pytest.mark.django_db


def _photo_url(review: Review) -> str:
    return f"/reviews/{review.public_id}/photos/{review.photos.order_by('pk').first().public_id}"  # type: ignore[union-attr]


def test_the_shop_filters_its_reviews_to_those_with_photos(w: ReviewWorld) -> None:
    # given: at m1 a published review with a photo (review_a), one without, one hidden with a
    # photo; the held review (pending, with a photo) is not the shop's to read
    a = w.actor("consumer_a")
    plain = review_create(
        actor=a, line=signed_order(w.base.m1, "E-F1", "buyer-a").lines.get(), stars=3, text="一般"
    )
    hidden = review_create(
        actor=a, line=signed_order(w.base.m1, "E-F2", "buyer-a").lines.get(), stars=1,
        text="颜色不对", photos=[png_bytes(color=(5, 5, 5))],
    )  # fmt: skip
    hidden.status = ReviewStatus.HIDDEN
    hidden.save(update_fields=["status"])
    shop = w.actor("m1_staff")
    # when
    page = selectors.reviews_page_for(actor=shop, filters=selectors.ReviewFilters(with_photos=True))
    everything = selectors.reviews_page_for(actor=shop)
    # then
    assert [r.pk for r in page.items] == [hidden.pk, w.review_a.pk]
    assert plain.pk in {r.pk for r in everything.items}
    assert w.held.pk not in {r.pk for r in everything.items}
    with CaptureQueriesContext(connection) as queries:
        for review in page.items:
            _ = [p.public_id for p in review.photos.all()], review.sku.code
            _ = selectors.appended_of(review), selectors.reply_of(review)
            _ = selectors.author_display(review)
    assert len(queries.captured_queries) == 0  # photos, 追评, reply, SKU, author prefetched
    # and through the API: ?with_photos=true
    rows = w.api("m1_staff").get("/reviews", {"with_photos": "true"}).json()["items"]
    assert [r["id"] for r in rows] == [str(hidden.public_id), str(w.review_a.public_id)]


def test_one_author_mask_for_pages_and_the_api(w: ReviewWorld) -> None:
    # given
    user = SimpleNamespace(get_username=lambda: "zhangsan")
    one_letter = SimpleNamespace(get_username=lambda: "z")
    customer = SimpleNamespace(name="张三")
    nameless = SimpleNamespace(name="  ")

    def review(**kw: object) -> SimpleNamespace:
        return SimpleNamespace(**{"anonymous": False, "user": None, "customer": customer, **kw})

    # then: the login masked, else the customer's first character, else anonymous
    assert selectors.author_display(review(user=user)) == "z***n"
    assert selectors.author_display(review(user=one_letter)) == "z***"
    assert selectors.author_display(review()) == "张**"
    assert selectors.author_display(review(customer=nameless)) == "Anonymous buyer"
    assert selectors.author_display(review(anonymous=True, user=user)) == "Anonymous buyer"
    # and the API's ReviewOut says the same
    rows = w.api("anonymous").get("/merchants/m1/reviews").json()["items"]
    found = Review.unscoped.select_related("user", "customer").get(pk=w.review_a.pk)
    assert {r["author"] for r in rows if r["id"] == str(found.public_id)} == {
        selectors.author_display(found)
    }


@pytest.mark.parametrize(
    ("role", "hidden", "pending"),
    [
        ("anonymous", 404, 404),
        ("consumer_a", 200, 200),  # the author
        ("consumer_b", 404, 404),
        ("m1_staff", 200, 404),  # the shop (session): hidden yes; pending waits for a moderator
        ("m1_admin", 200, 404),
        ("m1_token", 200, 404),
        ("m2_staff", 404, 404),  # another shop
        ("m2_token", 404, 404),
        ("agent", 200, 200),  # moderators
        ("admin", 200, 200),
        ("platform_token", 200, 200),
    ],
)
def test_photos_of_reviews_not_public_by_session_or_token(
    w: ReviewWorld, role: str, hidden: int, pending: int
) -> None:
    # given: a second held review, hidden by a moderator; the world's held review stays pending
    held = review_create(
        actor=w.actor("consumer_a"),
        line=signed_order(w.base.m1, "E-F3", "buyer-a").lines.get(),
        stars=2, text="加我微信 wx12345678 退款", photos=[png_bytes(color=(7, 7, 7))],
    )  # fmt: skip
    item = ModerationItem.unscoped.get(review=held, part="review")
    moderation_decide(
        actor=w.actor("agent"), item=item, action=ModerationAction.HIDE, reason="含联系方式"
    )
    assert Review.unscoped.get(pk=held.pk).status == ReviewStatus.HIDDEN
    assert Review.unscoped.get(pk=w.held.pk).status == ReviewStatus.PENDING
    api = w.api(role)
    # when
    got_hidden = api.get(_photo_url(held))
    got_pending = api.get(_photo_url(w.held))
    # then
    assert (got_hidden.status_code, got_pending.status_code) == (hidden, pending)
    for response in (got_hidden, got_pending):
        if response.status_code == 200:
            assert response["Content-Type"].startswith("image/")
            assert response["Cache-Control"].startswith("private")  # never a shared cache


def test_status_words_have_their_own_context() -> None:
    # "Published" is a notice's date elsewhere (公示时间); the review status must not borrow it
    with translation.override("zh-hans"):
        assert str(ReviewStatus.PUBLISHED.label) != "公示时间"
        assert str(ModerationAction.REJECT.label) != "拒绝"  # the case action's word
    with translation.override("en"):
        assert str(ReviewStatus.PUBLISHED.label) == "Published"
