"""Writing reviews through the API: delivery and ownership checks, one per line and per case,
photos, screening holds, XSS, the 追评 window, the shop's reply, moderation decisions and fraud
signals that queue a review without hiding it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils.html import escape

from anxin.accounts.models import User
from anxin.accounts.services import actor_for_user
from anxin.cases.tests.builders import NOW, order_payload, png_bytes, signed_order
from anxin.catalog.models import Customer
from anxin.core import clock
from anxin.core.models import AuditEntry
from anxin.notifications.models import Notification
from anxin.reviews.models import ModerationEvent, ModerationItem, Review
from anxin.reviews.services import review_create

from .test_api_isolation import multipart
from .world import ReviewWorld
from .world import _review_world as _review_world
from .world import w as w

pytestmark = pytest.mark.django_db


def post_review(
    w: ReviewWorld,
    order: Any,
    role: str = "consumer_a",
    lang: str = "en",
    photos: tuple = (),
    **fields: Any,
) -> Any:
    data = {"order": str(order.public_id), "line": "L1", "stars": 5, **fields}
    return multipart(w.api(role, lang), "/reviews", data, photos)


def test_a_delivered_line_is_reviewed_with_photos_and_published(w: ReviewWorld) -> None:
    # given
    told = Notification.objects.filter(kind="review_new", merchant_id=w.base.m2.pk)
    before = told.count()
    # when
    response = post_review(w, w.base.order_a_m2, stars=4, description_stars=3, text="颜色有点色差", anonymous="true",
                           photos=(png_bytes(), png_bytes(color=(0, 200, 0))))  # fmt: skip
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["stars"], body["description_stars"], body["anonymous"]) == (
        "published",
        4,
        3,
        True,
    )
    assert body["author"] == "Anonymous buyer" and len(body["photos"]) == 2 and body["may_append"]
    review = Review.unscoped.get(public_id=body["id"])
    assert review.has_photos and review.merchant_id == w.base.m2.pk and review.sku.code == "TS-01"
    assert not ModerationItem.unscoped.filter(review=review).exists()
    # the shop is told, in an in-app notification
    assert told.count() == before + 1  # m2's one member (its staff login)
    assert AuditEntry.objects.filter(
        action="reviews.review.create", subject_id=str(review.pk)
    ).exists()


def test_a_line_not_signed_for_is_refused_on_the_line_field_in_the_readers_language(
    w: ReviewWorld,
) -> None:
    for lang, words in (("en", "signed for"), ("zh-hans", None)):
        response = post_review(w, w.unsigned, lang=lang)
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == "review.not_delivered" and set(error["fields"]) == {"line"}
        if words:
            assert words in error["fields"]["line"]
    assert not Review.unscoped.filter(line__order=w.unsigned).exists()


def test_one_review_per_line(w: ReviewWorld) -> None:
    response = post_review(w, w.base.order_a)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "review.exists"
    assert set(response.json()["error"]["fields"]) == {"line"}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"stars": 6}, "stars"),
        ({"stars": 0}, "stars"),
        ({"description_stars": 9}, "description_stars"),
        ({"text": "好" * 501}, "text"),
    ],
)
def test_invalid_values_name_their_field(w: ReviewWorld, fields: dict, field: str) -> None:
    response = post_review(w, w.base.order_a_m2, **fields)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_at_most_nine_photos_and_only_images(w: ReviewWorld) -> None:
    too_many = post_review(
        w, w.base.order_a_m2, photos=tuple(png_bytes(color=(i, 0, 0)) for i in range(10))
    )
    not_an_image = post_review(w, w.base.order_a_m2, photos=(b"GIF89a not really",))
    for response in (too_many, not_an_image):
        assert response.status_code == 422 and set(response.json()["error"]["fields"]) == {"photos"}
    assert not Review.unscoped.filter(line__order=w.base.order_a_m2).exists()


def test_an_xss_payload_is_stored_and_answered_as_text_never_as_markup(w: ReviewWorld) -> None:
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>很好'
    response = post_review(w, w.base.order_a_m2, text=payload)
    assert response.status_code == 201
    review = Review.unscoped.get(public_id=response.json()["id"])
    assert review.text == payload  # stored as written
    public = w.api("anonymous").get("/merchants/m2/skus/TS-01/reviews")
    assert public["Content-Type"].startswith("application/json")
    assert payload in [r["text"] for r in public.json()["items"]]  # JSON string, not HTML
    assert public["X-Content-Type-Options"] == "nosniff"  # never sniffed into HTML
    assert "&lt;script&gt;" in escape(review.text)  # what a template does with it


def test_personal_data_holds_the_review_until_a_moderator_decides(w: ReviewWorld) -> None:
    # given
    told = Notification.objects.filter(kind="review_new", merchant_id=w.base.m2.pk)
    before = told.count()
    response = post_review(w, w.base.order_a_m2, text="尺码偏小，可以联系我 13912345678 或 a@b.cn")
    assert response.status_code == 201 and response.json()["status"] == "pending"
    review = Review.unscoped.get(public_id=response.json()["id"])
    item = ModerationItem.unscoped.get(review=review)
    assert item.held and item.reasons == ["personal_data"]
    anonymous = w.api("anonymous")
    assert review.public_id not in {
        r["id"] for r in anonymous.get("/merchants/m2/reviews").json()["items"]
    }
    assert told.count() == before  # the shop hears of it once it is public
    # when: a moderator publishes it (the number turned out to be an order number, say)
    agent = w.api("agent")
    queue = agent.get("/moderation", {"reason": "personal_data"}).json()["items"]
    assert item.pk in {i["id"] for i in queue}
    decided = agent.post(
        f"/moderation/{item.pk}/decision", {"action": "publish", "reason": "不是个人信息"}
    )
    # then
    assert decided.status_code == 200 and decided.json()["decision"] == "publish"
    assert Review.unscoped.get(pk=review.pk).status == "published"
    assert {r["id"] for r in anonymous.get("/merchants/m2/reviews").json()["items"]} >= {
        str(review.public_id)
    }
    assert told.count() > before
    assert ModerationEvent.objects.filter(
        item=item, action="publish", from_status="pending", to_status="published"
    ).exists()
    assert AuditEntry.objects.filter(
        action="reviews.moderation.publish", subject_id=str(item.pk)
    ).exists()
    # a decided item is not decided twice
    again = agent.post(f"/moderation/{item.pk}/decision", {"action": "reject", "reason": "x"})
    assert again.status_code == 409


def test_a_rejection_needs_a_reason_and_tells_the_author(w: ReviewWorld) -> None:
    agent = w.api("agent")
    missing = agent.post(f"/moderation/{w.item.pk}/decision", {"action": "reject", "reason": ""})
    assert missing.status_code == 422 and set(missing.json()["error"]["fields"]) == {"reason"}
    done = agent.post(
        f"/moderation/{w.item.pk}/decision", {"action": "reject", "reason": "含有手机号码"}
    )
    assert done.status_code == 200
    assert Review.unscoped.get(pk=w.held.pk).status == "rejected"
    author = w.base.users["consumer_a"]
    note = Notification.objects.get(recipient=author, kind="review_moderated")
    assert "含有手机号码" in note.body


def test_abuse_and_ads_are_held_with_their_reasons(w: ReviewWorld) -> None:
    response = post_review(w, w.base.order_a_m2, text="卖家傻逼，好评返现加微信")
    assert response.json()["status"] == "pending"
    item = ModerationItem.unscoped.get(review__public_id=response.json()["id"])
    assert item.reasons == ["abuse", "ads"] and item.held


def test_a_hidden_review_leaves_the_public_list_and_can_be_published_again(w: ReviewWorld) -> None:
    # given: a published review with a signal item (a brand-new account)
    User.objects.filter(pk=w.base.users["consumer_a"].pk).update(
        date_joined=NOW - timedelta(days=1)
    )
    body = post_review(w, w.base.order_a_m2, text="挺好的").json()
    item = ModerationItem.unscoped.get(review__public_id=body["id"])
    agent = w.api("agent")
    # when
    agent.post(f"/moderation/{item.pk}/decision", {"action": "hide", "reason": "刷单账号"})
    # then
    assert body["id"] not in {
        r["id"] for r in w.api("anonymous").get("/merchants/m2/reviews").json()["items"]
    }
    assert w.api("m2_staff").get(f"/reviews/{body['id']}").json()["status"] == "hidden"


# --- fraud signals --------------------------------------------------------------------------------


def test_a_brand_new_account_is_queued_and_stays_published(w: ReviewWorld) -> None:
    User.objects.filter(pk=w.base.users["consumer_a"].pk).update(
        date_joined=NOW - timedelta(days=2)
    )
    response = post_review(w, w.base.order_a_m2, text="很好")
    assert response.json()["status"] == "published"  # never auto-punished
    item = ModerationItem.unscoped.get(review__public_id=response.json()["id"])
    assert (item.reasons, item.held) == (["new_account"], False)
    shown = w.api("agent").get("/moderation", {"reason": "new_account"}).json()["items"]
    assert any("2 day(s) old" in text for i in shown for text in i["signals"])


def test_a_burst_on_one_sku_is_queued_not_hidden(w: ReviewWorld) -> None:
    # given: eight buyers review the same SKU of m1 within a day; it had none in the month before
    a = w.actor("consumer_a")
    made = []
    for i in range(8):
        order = signed_order(w.base.m1, f"E-BURST{i}", "buyer-a")
        clock.freeze(NOW + timedelta(minutes=10 * i))
        made.append(review_create(actor=a, line=order.lines.get(), stars=5, text=f"第{i}次买"))
    # then: the eighth raised the signal; every review is published
    assert all(Review.unscoped.get(pk=r.pk).status == "published" for r in made)
    item = ModerationItem.unscoped.get(review=made[-1])
    assert item.reasons == ["burst"] and not item.held
    assert item.signals[0]["params"]["count"] >= 8
    assert not ModerationItem.unscoped.filter(review=made[0]).exists()


def test_near_duplicate_text_is_queued_not_hidden(w: ReviewWorld) -> None:
    a = w.actor("consumer_a")
    text = "这件衣服面料柔软透气，做工精细，尺码标准，非常推荐大家购买！"
    first = review_create(
        actor=a, line=signed_order(w.base.m1, "E-DUP1", "buyer-a").lines.get(), stars=5, text=text
    )
    second = review_create(
        actor=a,
        line=signed_order(w.base.m1, "E-DUP2", "buyer-a").lines.get(),
        stars=5,
        text=text.replace("！", "。"),
    )
    assert second.status == "published"
    item = ModerationItem.unscoped.get(review=second)
    assert item.reasons == ["near_duplicate"]
    assert item.signals[0]["params"]["other"] == str(first.public_id)


def _buyer_review(w: ReviewWorld, i: int, *, address: str, device: str) -> Review:
    """A review by a separate buyer (own login, own customer record) of m1's T-shirt."""
    payload = order_payload(w.base.m1, f"E-CL{i}", f"buyer-cl{i}")
    payload["customer"]["address"] = address
    order = signed_order(w.base.m1, payload=payload)
    user = User.objects.create_user(username=f"cl-{i}", password="x", role="consumer")
    User.objects.filter(pk=user.pk).update(date_joined=NOW - timedelta(days=90))
    Customer.objects.filter(pk=order.customer_id).update(user=user)
    actor = actor_for_user(User.objects.get(pk=user.pk))
    return review_create(
        actor=actor, line=order.lines.get(), stars=5, text=f"买家{i}", device=device
    )


def test_three_buyers_on_one_device_raise_a_cluster_signal(w: ReviewWorld) -> None:
    reviews = [
        _buyer_review(w, i, address=f"北京市朝阳区建国路{i + 1}号", device="id:phone-1")
        for i in range(3)
    ]
    assert [r.status for r in reviews] == ["published"] * 3
    assert not ModerationItem.unscoped.filter(review__in=reviews[:2]).exists()
    item = ModerationItem.unscoped.get(review=reviews[-1])
    assert (item.reasons, item.held) == (["cluster"], False)
    assert item.signals[0]["params"] == {"kind": "device", "buyers": 3, "days": 30}


def test_three_buyers_at_one_address_raise_a_cluster_signal(w: ReviewWorld) -> None:
    spellings = ["杭州市西湖区文三路8号", "杭州市 西湖区 文三路 8 号", "杭州市西湖区文三路８号"]
    reviews = [_buyer_review(w, i, address=spellings[i], device=f"id:phone-{i}") for i in range(3)]
    item = ModerationItem.unscoped.get(review=reviews[-1])
    assert item.signals[0]["code"] == "cluster" and item.signals[0]["params"]["kind"] == "address"
