"""Review moderation in the console: the queue with each item's reasons, an item with the whole
review (photos too) and its fraud signals explained in words (a review with signals only stays
published), a decision with a reason and its history; who may open it; bad input answered with
the field at fault, never a 500."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from PIL import Image

from anxin.catalog.tests import factories as f
from anxin.core.actors import Role
from anxin.reviews.models import ModerationItem, Review
from anxin.reviews.services import review_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    return shared_world


def client(user, language: str = "en") -> Client:
    c = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    c.force_login(user)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return c


def png(colour=(200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(out, "PNG")
    return out.getvalue()


def line_of(order):
    return order.lines.order_by("pk").first()


@pytest.fixture
def flagged(world):
    """A review with a photo whose only findings are fraud signals (a brand-new account): it stays
    published and waits for a look."""
    review = review_create(
        actor=world.actor(world.consumer), line=line_of(world.order), stars=5,
        text="质量很好，做工扎实，物流也快。", photos=[png()],
    )  # fmt: skip
    return ModerationItem.unscoped.get(review=review)


@pytest.fixture
def held(world):
    """A review holding a phone number: held back until a moderator decides."""
    review = review_create(
        actor=world.actor(world.consumer), line=line_of(world.second_order), stars=1,
        text="有问题请打我电话 13912345678 联系",
    )  # fmt: skip
    return ModerationItem.unscoped.get(review=review)


def inspector():
    return f.user("inspector", Role.QUALITY_INSPECTOR)


def item_url(item) -> str:
    return reverse("console_reviews:item", args=[item.pk])


# --- who ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["agent", "admin", "inspector"])
def test_moderators_open_the_queue_and_an_item(world, flagged, who):
    user = inspector() if who == "inspector" else getattr(world, who)
    c = client(user)
    assert c.get(reverse("console_reviews:queue")).status_code == 200
    assert c.get(item_url(flagged)).status_code == 200


@pytest.mark.parametrize("who", ["consumer", "merchant", "merchant_admin", "arbitrator"])
def test_others_are_refused(world, flagged, who):
    user = f.user("arbitrator", Role.ARBITRATOR) if who == "arbitrator" else getattr(world, who)
    c = client(user)
    assert c.get(reverse("console_reviews:queue")).status_code == 403
    assert c.get(item_url(flagged)).status_code == 403
    assert c.post(item_url(flagged), {"action": "hide", "reason": "x"}).status_code == 403


def test_signed_out_goes_to_login(flagged):
    response = Client().get(reverse("console_reviews:queue"))
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- the queue ------------------------------------------------------------------------------------


def test_the_queue_lists_items_with_their_reasons(world, flagged, held):
    body = client(world.agent).get(reverse("console_reviews:queue")).content.decode()
    assert f'data-item="{flagged.pk}"' in body and f'data-item="{held.pk}"' in body
    assert "Brand-new account" in body and "Personal data" in body
    assert "Still published" in body and "Held until decided" in body
    only_pd = client(world.agent).get(reverse("console_reviews:queue") + "?reason=personal_data")
    assert f'data-item="{held.pk}"' in only_pd.content.decode()
    assert f'data-item="{flagged.pk}"' not in only_pd.content.decode()


def test_the_queue_in_chinese(world, flagged):
    body = client(world.agent, "zh-hans").get(reverse("console_reviews:queue")).content.decode()
    assert "<html" in body and f'data-item="{flagged.pk}"' in body


@pytest.mark.parametrize(
    "query", ["?reason=nonsense", "?part=x", "?state=maybe", "?cursor=%%%", "?cursor=WzEsMl0"]
)
def test_bad_filters_are_a_400_with_a_message(world, flagged, query):
    response = client(world.agent).get(reverse("console_reviews:queue") + query)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


# --- one item -------------------------------------------------------------------------------------


def test_an_item_with_signals_only_explains_them_and_stays_published(world, flagged):
    body = client(world.agent).get(item_url(flagged)).content.decode()
    assert 'id="signals-only"' in body
    assert "day(s) old" in body  # the new-account signal in words, with its figures
    assert "质量很好" in body
    photo = reverse(
        "console_reviews:photo", args=[flagged.pk, flagged.review.photos.get().public_id]
    )
    assert photo in body
    image = client(world.agent).get(photo)
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert Review.unscoped.get(pk=flagged.review_id).status == "published"


def test_a_photo_of_another_item_is_a_404(world, flagged, held):
    photo = flagged.review.photos.get().public_id
    c = client(world.agent)
    assert c.get(reverse("console_reviews:photo", args=[held.pk, photo])).status_code == 404
    assert c.get(reverse("console_reviews:photo", args=[flagged.pk, "nope"])).status_code == 404
    assert c.get(reverse("console_reviews:item", args=[999999])).status_code == 404


def test_a_decision_needs_a_reason_and_a_known_action(world, held):
    c = client(world.agent)
    for data in ({"action": "reject", "reason": "  "}, {"action": "burn", "reason": "spam"}, {}):
        response = c.post(item_url(held), data)
        assert response.status_code == 400, data
        assert 'class="field-error"' in response.content.decode()
    assert ModerationItem.unscoped.get(pk=held.pk).decided_at is None


def test_a_decision_is_saved_with_its_reason_and_history(world, held):
    c = client(inspector(), "zh-hans")
    response = c.post(item_url(held), {"action": "reject", "reason": "含有手机号码，违反评价规范"})
    assert response.status_code == 302
    item = ModerationItem.unscoped.get(pk=held.pk)
    assert item.decision == "reject" and item.decision_reason == "含有手机号码，违反评价规范"
    assert Review.unscoped.get(pk=held.review_id).status == "rejected"
    body = c.get(item_url(held)).content.decode()
    assert "含有手机号码，违反评价规范" in body and 'id="decide"' not in body
    # decided once: a second decision is refused (409), the first stands
    again = c.post(item_url(held), {"action": "publish", "reason": "改主意"})
    assert again.status_code == 409
    assert ModerationItem.unscoped.get(pk=held.pk).decision == "reject"
    history = client(world.agent).get(reverse("console_reviews:queue") + "?state=all")
    assert f'data-item="{held.pk}"' in history.content.decode()
    assert "Rejected" in history.content.decode() or "Reject" in history.content.decode()


def test_review_text_is_escaped(world):
    review = review_create(
        actor=world.actor(world.consumer), line=line_of(world.other_order), stars=2,
        text='<script>alert("x")</script> 联系我 13912345678',
    )  # fmt: skip
    item = ModerationItem.unscoped.get(review=review)
    body = client(world.agent).get(item_url(item)).content.decode()
    assert '<script>alert("x")' not in body and "&lt;script&gt;" in body


NAV = re.compile(r'<nav class="mainnav"[^>]*>(.*?)</nav>', re.S)


@pytest.mark.parametrize("who", ["agent", "admin", "inspector", "arbitrator"])
def test_the_moderation_link_is_in_the_menu_of_moderators_only(world, who):
    if who == "inspector":
        user = inspector()
    elif who == "arbitrator":
        user = f.user("arbitrator", Role.ARBITRATOR)
    else:
        user = getattr(world, who)
    body = client(user).get("/", follow=True).content.decode()
    links = re.findall(r'href="([^"]+)"', NAV.search(body).group(1))
    assert (reverse("console_reviews:queue") in links) is (who != "arbitrator")


def test_an_item_shows_the_login_and_the_public_mask(world, flagged):
    body = client(world.agent).get(item_url(flagged)).content.decode()
    assert '<span translate="no">consumer</span>' in body  # moderators see who wrote it
    assert '<dd class="public-author">c***r</dd>' in body  # and what the public sees


def test_an_anonymous_review_is_shown_as_the_public_sees_it(world):
    review = review_create(
        actor=world.actor(world.consumer), line=line_of(world.second_order), stars=1,
        text="有问题请打我电话 13912345678 联系", anonymous=True,
    )  # fmt: skip
    item = ModerationItem.unscoped.get(review=review)
    body = client(world.agent).get(item_url(item)).content.decode()
    assert '<dd class="public-author">Anonymous buyer</dd>' in body
    zh = client(world.agent, "zh-hans").get(item_url(item)).content.decode()
    assert '<dd class="public-author">匿名用户</dd>' in zh
