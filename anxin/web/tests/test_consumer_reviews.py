"""The consumer's review pages: my reviews, writing a review of a delivered line from the order
page, adding to it (追评), rating the service of a finished request from the request page. Each
page answers 200 to its consumer, 404 for someone else's line, review or request, 403 to other
roles; bad input is a 400 with the field at fault (in the reader's language), never a 500; a
review held for moderation is said to be so."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from anxin.cases.models import Case
from anxin.cases.tests.helpers import delivered_order
from anxin.catalog.models import Customer
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import SYSTEM, Role
from anxin.reviews.models import AppendedReview, Review, ServiceReview
from anxin.reviews.services import review_create

from .pages import untranslated, visible_texts
from .world import World, advance

pytestmark = pytest.mark.django_db


def png(name: str = "photo.png", size: tuple[int, int] = (64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 90, 40)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def write_url(world: World, order: Any = None, line: str = "L1") -> str:
    order = order or world.order
    return f"/my/orders/{order.public_id}/lines/{line}/review/"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def consumer(world: World, as_user: Any) -> Any:
    return as_user(world.consumer)


@pytest.fixture
def finished(world: World) -> Case:
    """The request at the other shop, approved and refunded."""
    shop = world.actor(world.other_merchant)
    return advance(world.other_case, (shop, "approve", {}), (SYSTEM, "refund", {}))


# --- who sees what --------------------------------------------------------------------------------


def test_my_reviews_lists_what_waits_for_a_review(world, consumer) -> None:
    response = consumer.get("/my/reviews/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Waiting for your review" in html
    assert write_url(world) in html
    assert 'aria-current="page">My reviews' in html


@pytest.mark.parametrize("who", ["merchant", "agent", "admin"])
def test_other_roles_get_403(world, as_user, who) -> None:
    client = as_user(getattr(world, who))
    assert client.get("/my/reviews/").status_code == 403
    assert client.get(write_url(world)).status_code == 403


def test_signed_out_is_sent_to_sign_in(world, client) -> None:
    response = client.get("/my/reviews/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_someone_elses_line_review_or_request_is_404(world, as_user, finished) -> None:
    stranger = as_user(f.user("stranger", Role.CONSUMER))
    assert stranger.get(write_url(world)).status_code == 404
    assert stranger.post(write_url(world), {"stars": "5"}).status_code == 404
    review = review_create(
        actor=world.actor(world.consumer), line=world.order.lines.get(external_id="L1"), stars=4
    )
    assert stranger.get(f"/my/reviews/{review.public_id}/append/").status_code == 404
    assert stranger.get(f"/my/requests/{finished.number}/service-review/").status_code == 404
    assert not Review.unscoped.filter(user__username="stranger").exists()


def test_an_unknown_line_is_404(world, consumer) -> None:
    assert consumer.get(write_url(world, line="NOPE")).status_code == 404


# --- writing a review -----------------------------------------------------------------------------


def test_the_order_page_offers_to_write_a_review(world, consumer) -> None:
    html = consumer.get(f"/my/orders/{world.order.public_id}/").content.decode()
    assert write_url(world) in html


def test_a_review_with_photos_is_published(world, consumer) -> None:
    assert consumer.get(write_url(world)).status_code == 200
    response = consumer.post(
        write_url(world),
        {
            "stars": "5",
            "description_stars": "4",
            "text": "做工很好，和描述一致。",
            "anonymous": "on",
            "photos": [png("a.png"), png("b.png")],
        },
    )
    assert response.status_code == 302
    review = Review.unscoped.get()
    assert (review.stars, review.description_stars, review.anonymous) == (5, 4, True)
    assert review.status == "published" and review.photos.count() == 2
    assert f"#review-{review.public_id}" in response["Location"]
    page = consumer.get("/my/reviews/").content.decode()
    assert "Your review is published" in page and "做工很好" in page
    # the order page now offers the 追评 instead
    html = consumer.get(f"/my/orders/{world.order.public_id}/").content.decode()
    assert f"/my/reviews/{review.public_id}/append/" in html
    # a second review of the line goes back to the first
    again = consumer.get(write_url(world))
    assert again.status_code == 302


def test_a_review_with_a_phone_number_is_held_kindly(world, consumer) -> None:
    response = consumer.post(
        write_url(world), {"stars": "2", "text": "有问题打我电话13812345678"}, follow=True
    )
    assert response.status_code == 200
    assert Review.unscoped.get().status == "pending"
    html = response.content.decode()
    assert "once a moderator has read it" in html
    assert "Waiting for moderation" in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "stars", "Choose from 1 to 5 stars."),
        ({"stars": "9"}, "stars", "Choose from 1 to 5 stars."),
        ({"stars": "abc"}, "stars", "Choose from 1 to 5 stars."),
        (
            {"stars": "4", "description_stars": "0"},
            "description_stars",
            "Choose from 1 to 5 stars.",
        ),
        ({"stars": "4", "text": "好" * 501}, "text", "at most 500 characters"),
        ({"stars": "4", "text": "ok\x00"}, "text", ""),
    ],
)
def test_bad_input_is_a_form_error_on_its_field(world, consumer, data, field, message) -> None:
    response = consumer.post(write_url(world), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="{field}-error"' in html
    assert message in html
    assert not Review.unscoped.exists()


def test_bad_input_in_chinese(world, as_user) -> None:
    response = as_user(world.consumer, "zh-hans").post(
        write_url(world), {"stars": "4", "text": "好" * 501}
    )
    assert response.status_code == 400
    assert "500" in response.content.decode() and 'id="text-error"' in response.content.decode()
    assert 'lang="zh-hans"' in response.content.decode()


def test_ten_photos_or_a_non_image_are_refused_on_the_photos_field(world, consumer) -> None:
    response = consumer.post(
        write_url(world), {"stars": "5", "photos": [png(f"{i}.png") for i in range(10)]}
    )
    assert response.status_code == 400 and 'id="photos-error"' in response.content.decode()
    fake = SimpleUploadedFile("x.png", b"<html>not an image</html>", content_type="image/png")
    response = consumer.post(write_url(world), {"stars": "5", "photos": [fake]})
    assert response.status_code == 400 and 'id="photos-error"' in response.content.decode()
    assert not Review.unscoped.exists()


def test_a_line_not_signed_for_says_so(world, consumer) -> None:
    order = delivered_order(world.shop, "E1009", signed=False)
    Customer.objects.filter(pk=order.customer_id).update(user=world.consumer)
    html = consumer.get(write_url(world, order)).content.decode()
    assert "once you have signed for its delivery" in html
    response = consumer.post(write_url(world, order), {"stars": "5"})
    assert response.status_code == 400
    assert not Review.unscoped.exists()


# --- 追评 -------------------------------------------------------------------------------------------


@pytest.fixture
def review(world: World) -> Review:
    return review_create(
        actor=world.actor(world.consumer),
        line=world.order.lines.get(external_id="L1"),
        stars=4,
        text="不错",
    )


def test_append_within_180_days(world, consumer, review) -> None:
    url = f"/my/reviews/{review.public_id}/append/"
    assert consumer.get(url).status_code == 200
    assert consumer.post(url, {"text": ""}).status_code == 400
    response = consumer.post(url, {"text": "用了两个月，依然很好。", "photos": [png()]})
    assert response.status_code == 302
    appended = AppendedReview.objects.get(review=review)
    assert appended.status == "published"
    page = consumer.get("/my/reviews/").content.decode()
    assert "用了两个月" in page and url not in page
    assert consumer.post(url, {"text": "again"}).status_code == 409


def test_append_after_180_days_is_closed(world, consumer, review) -> None:
    clock.freeze(clock.now() + timedelta(days=181))
    url = f"/my/reviews/{review.public_id}/append/"
    assert "can no longer be added to" in consumer.get(url).content.decode()
    assert consumer.post(url, {"text": "late"}).status_code == 409
    assert not AppendedReview.objects.exists()


# --- rating the service ---------------------------------------------------------------------------


def test_rate_the_service_of_a_finished_request(world, consumer, finished) -> None:
    case_page = consumer.get(f"/my/requests/{finished.number}/").content.decode()
    url = f"/my/requests/{finished.number}/service-review/"
    assert url in case_page
    assert url in consumer.get("/my/reviews/").content.decode()
    assert consumer.get(url).status_code == 200
    response = consumer.post(url, {"fair": "5", "fast": "4", "polite": "5", "comment": "处理很快"})
    assert response.status_code == 302 and response["Location"].endswith(
        f"/my/requests/{finished.number}/"
    )
    done = ServiceReview.unscoped.get()
    assert (done.fair, done.fast, done.polite) == (5, 4, 5)
    case_page = consumer.get(f"/my/requests/{finished.number}/").content.decode()
    assert "You have already rated the service" in case_page
    assert consumer.post(url, {"fair": "5", "fast": "4", "polite": "5"}).status_code == 400


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"fast": "4", "polite": "5"}, "fair"),
        ({"fair": "0", "fast": "4", "polite": "5"}, "fair"),
        ({"fair": "5", "fast": "x", "polite": "5"}, "fast"),
        ({"fair": "5", "fast": "4", "polite": "5", "comment": "好" * 501}, "comment"),
    ],
)
def test_bad_service_scores_are_form_errors(world, consumer, finished, data, field) -> None:
    response = consumer.post(f"/my/requests/{finished.number}/service-review/", data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.content.decode()
    assert not ServiceReview.unscoped.exists()


def test_an_open_request_cannot_be_rated_yet(world, consumer) -> None:
    url = f"/my/requests/{world.case.number}/service-review/"
    assert "once the request is finished" in consumer.get(url).content.decode()
    response = consumer.post(url, {"fair": "5", "fast": "5", "polite": "5"})
    assert response.status_code == 400
    assert "once the request is finished" in response.content.decode()
    assert url not in consumer.get(f"/my/requests/{world.case.number}/").content.decode()


def test_the_review_pages_have_no_untranslated_text_in_chinese(world, as_user, review, finished):
    client = as_user(world.consumer, "zh-hans")
    data = {world.shop.name, world.other_shop.name, world.consumer.username, "SF SF-E1001"}
    for url in (
        "/my/reviews/",
        write_url(world, world.second_order),
        f"/my/reviews/{review.public_id}/append/",
        f"/my/requests/{finished.number}/service-review/",
        f"/my/orders/{world.order.public_id}/",
        f"/my/requests/{finished.number}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        problems = untranslated(visible_texts(response.content.decode()), data)
        assert not problems, f"{url}: untranslated in zh-Hans: {problems[:10]}"
