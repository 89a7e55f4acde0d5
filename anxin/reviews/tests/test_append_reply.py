"""The 追评 (once, within 180 days), the shop's public reply (once, editable, screened again) and
the service review of a finished request (once, only when finished)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from anxin.cases.tests.builders import NOW, png_bytes
from anxin.core import clock
from anxin.core.models import AuditEntry
from anxin.reviews.models import MerchantReply, ModerationItem, Review, ServiceReview

from .test_api_isolation import multipart
from .world import ReviewWorld
from .world import _review_world as _review_world
from .world import w as w

pytestmark = pytest.mark.django_db


def append(w: ReviewWorld, text: str, photos: tuple = ()) -> object:
    return multipart(
        w.api("consumer_a"), f"/reviews/{w.review_a.public_id}/appended", {"text": text}, photos
    )


def test_an_appended_review_on_day_180_is_published_with_its_photos(w: ReviewWorld) -> None:
    clock.freeze(w.review_a.created_at + timedelta(days=180))
    response = append(w, "穿了半年，没有起球，洗了也不变形", (png_bytes(color=(5, 5, 5)),))
    assert response.status_code == 201, response.content
    appended = response.json()["appended"]
    assert (
        appended["status"] == "published"
        and appended["days_after"] == 180
        and len(appended["photos"]) == 1
    )
    assert response.json()["may_append"] is False
    review = Review.unscoped.get(pk=w.review_a.pk)
    assert review.has_appended and review.has_photos
    tab = (
        w.api("anonymous")
        .get("/merchants/m1/skus/TS-01/reviews", {"filter": "appended"})
        .json()["items"]
    )
    assert [r["id"] for r in tab] == [str(review.public_id)]


def test_an_appended_review_after_180_days_is_refused(w: ReviewWorld) -> None:
    clock.freeze(w.review_a.created_at + timedelta(days=180, minutes=1))
    response = append(w, "半年后再来说说")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "review.append_window"
    assert set(response.json()["error"]["fields"]) == {"text"}


def test_only_one_appended_review(w: ReviewWorld) -> None:
    assert append(w, "第一次追评").status_code == 201
    again = append(w, "第二次追评")
    assert again.status_code == 422 and again.json()["error"]["code"] == "review.appended_exists"


def test_an_appended_review_with_personal_data_is_held_but_the_review_stays(w: ReviewWorld) -> None:
    response = append(w, "有事打我电话 13600001111")
    assert (
        response.json()["appended"]["status"] == "pending"
        and response.json()["status"] == "published"
    )
    assert ModerationItem.unscoped.get(review=w.review_a, part="appended").reasons == [
        "personal_data"
    ]
    public = w.api("anonymous").get("/merchants/m1/reviews").json()["items"]
    assert [r["appended"] for r in public if r["id"] == str(w.review_a.public_id)] == [None]


def test_the_shop_replies_once_and_edits_its_reply(w: ReviewWorld) -> None:
    staff = w.api("m1_staff")
    first = staff.post(f"/reviews/{w.review_a.public_id}/reply", {"text": "感谢您的支持！"})
    assert first.status_code == 200
    assert (
        first.json()["reply"]["text"] == "感谢您的支持！"
        and first.json()["reply"]["edited_at"] is None
    )
    clock.freeze(NOW + timedelta(hours=2))
    edited = w.api("m1_token").post(
        f"/reviews/{w.review_a.public_id}/reply", {"text": "感谢支持，欢迎再来！"}
    )
    assert (
        edited.json()["reply"]["text"] == "感谢支持，欢迎再来！"
        and edited.json()["reply"]["edited_at"]
    )
    reply = MerchantReply.objects.get(review=w.review_a)
    assert reply.author.startswith("token:") and reply.replied_at == NOW
    assert AuditEntry.objects.filter(action="reviews.reply.edit").count() == 1
    shown = w.api("anonymous").get("/merchants/m1/reviews").json()["items"][0]["reply"]
    assert shown["text"] == "感谢支持，欢迎再来！"


def test_a_reply_with_a_phone_number_waits_and_a_rejected_one_cannot_be_edited(
    w: ReviewWorld,
) -> None:
    staff = w.api("m1_admin")
    held = staff.post(
        f"/reviews/{w.review_a.public_id}/reply", {"text": "请加我 13800138000 退差价"}
    )
    assert held.json()["reply"]["status"] == "pending"
    item = ModerationItem.unscoped.get(review=w.review_a, part="reply")
    assert w.api("anonymous").get("/merchants/m1/reviews").json()["items"][0]["reply"] is None
    # the shop edits it into something clean: still waits for the moderator who holds it
    assert (
        staff.post(f"/reviews/{w.review_a.public_id}/reply", {"text": "请联系客服"}).json()[
            "reply"
        ]["status"]
        == "pending"
    )
    w.api("admin").post(
        f"/moderation/{item.pk}/decision", {"action": "reject", "reason": "回复中留了手机号"}
    )
    refused = staff.post(f"/reviews/{w.review_a.public_id}/reply", {"text": "再试一次"})
    assert (
        refused.status_code == 409 and refused.json()["error"]["code"] == "review.reply_moderated"
    )


def test_a_finished_request_gets_one_service_review(w: ReviewWorld) -> None:
    api = w.api("consumer_a")
    path = f"/cases/{w.base.refunded.number}/service-review"
    response = api.post(path, {"fair": 5, "fast": 3, "polite": 4, "comment": "处理得很快"})
    assert response.status_code == 201 and response.json()["case_number"] == w.base.refunded.number
    again = api.post(path, {"fair": 1, "fast": 1, "polite": 1})
    assert again.status_code == 422 and set(again.json()["error"]["fields"]) == {"case"}
    figures = w.api("anonymous").get("/merchants/m1/review-figures").json()["service"]
    assert figures == {
        "count": 1,
        "fair": "5.00",
        "fast": "3.00",
        "polite": "4.00",
        "overall": "4.00",
    }
    assert ServiceReview.unscoped.get(case=w.base.refunded).status == "published"


def test_an_open_request_cannot_be_reviewed_yet(w: ReviewWorld) -> None:
    response = w.api("consumer_a", "zh-hans").post(
        f"/cases/{w.base.review.number}/service-review", {"fair": 3, "fast": 3, "polite": 3}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "review.case_open" and set(error["fields"]) == {"case"}


def test_scores_out_of_range_name_their_field(w: ReviewWorld) -> None:
    response = w.api("consumer_a").post(
        f"/cases/{w.base.refunded.number}/service-review", {"fair": 6, "fast": 3, "polite": 3}
    )
    assert response.status_code == 422 and set(response.json()["error"]["fields"]) == {"fair"}


def test_what_a_consumer_may_still_review(w: ReviewWorld) -> None:
    body = w.api("consumer_a").get("/reviews/reviewable").json()
    # order_a and E-A9 are reviewed; the unsigned order is not delivered; order_a_m2 remains
    assert [(line["order_number"], line["line"]) for line in body["lines"]] == [
        (w.base.order_a_m2.number, "L1")
    ]
    assert [c["number"] for c in body["cases"]] == [w.base.refunded.number]
