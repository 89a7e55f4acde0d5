"""Case messages (留言): who writes, who reads (a message addressed to one side never reaches the
other, nor do its photos), who is told, the limits on text and photos, and the photo limits of
each purpose. The role matrix of the two endpoints is in test_api_isolation.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from anxin.accounts.services import actor_for_user
from anxin.cases import services
from anxin.cases.models import CaseMessage, Evidence
from anxin.cases.selectors import case_messages_for, evidence_get_for
from anxin.cases.services import case_message_post, evidence_add
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import SYSTEM, Actor, Role
from anxin.core.errors import Forbidden, NotFound, ValidationFailed
from anxin.core.models import AuditEntry
from anxin.notifications.models import Notification, OutboxMessage, WebhookEndpoint

from .builders import NOW, World, png_bytes, post_message, snapshot, world

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _shared_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        built = world()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def w(_shared_world: World, db: Any, settings: Any, tmp_path: Any) -> World:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    clock.freeze(NOW)
    return _shared_world


def _actor(w: World, role: str) -> Actor:
    return actor_for_user(w.users[role])


def _path(w: World) -> str:
    return f"/cases/{w.review.number}/messages"


def test_a_consumer_message_with_photos_reaches_the_merchant(w: World) -> None:
    # when the consumer writes with two photos
    type(w.users["consumer_a"]).objects.update(language="en")  # the texts read in English
    response = post_message(
        w.api("consumer_a"), _path(w), "  吊牌还在，请看照片。 ", (png_bytes(), png_bytes((8, 8)))
    )
    # then it is stored as the consumer's, to both sides, with its photos
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["party"], body["visible_to"], body["mine"]) == ("consumer", "both", True)
    assert body["body"] == "吊牌还在，请看照片。"
    assert len(body["photos"]) == 2
    message = CaseMessage.unscoped.get(public_id=body["id"])
    photos = list(message.photos.all())
    assert {(p.purpose, p.party, p.case_id) for p in photos} == {
        ("message", "consumer", w.review.pk)
    }
    audit = AuditEntry.objects.get(action="cases.message.post")
    assert audit.data["party"] == "consumer" and len(audit.data["photos"]) == 2
    # and the shop's people are told, the consumer is not
    told = Notification.objects.filter(kind="message")
    assert {n.recipient.username for n in told} == {"m1-staff", "m1-admin"}
    note = told.first()
    assert note.title == f"The consumer wrote about request {w.review.number}"
    assert "吊牌还在，请看照片。" in note.body and "With 2 photos." in note.body
    assert "user:" not in note.body and str(message.public_id) not in note.body
    # and the merchant reads it, marked as not theirs
    (read,) = w.api("m1_staff").get(_path(w)).json()
    assert (read["id"], read["mine"]) == (body["id"], False)


def test_the_merchant_answers_and_the_consumer_is_told(w: World) -> None:
    type(w.users["consumer_a"]).objects.update(language="en")  # the texts read in English
    response = post_message(w.api("m1_token"), _path(w), "吊牌拆了不影响二次销售吗？我们看一下。")
    assert response.status_code == 201, response.content
    assert response.json()["party"] == "merchant"
    (note,) = Notification.objects.filter(kind="message")
    assert note.recipient == w.users["consumer_a"]
    assert note.title == f"The shop wrote to you about request {w.review.number}"


def test_platform_staff_may_address_one_side_which_the_other_never_reads(w: World) -> None:
    # given a platform message to the merchant only, with a photo, and one to both
    agent = _actor(w, "agent")
    private = case_message_post(
        actor=agent,
        case=w.review,
        body="请在24小时内上传进货凭证。",
        photos=[png_bytes()],
        visible_to="merchant",
    )
    public = case_message_post(actor=agent, case=w.review, body="平台已介入。")
    # then the consumer reads only the public one, the merchant and the arbitrator both
    consumer, merchant = _actor(w, "consumer_a"), _actor(w, "m1_staff")
    assert list(case_messages_for(actor=consumer, case=w.review)) == [public]
    assert list(case_messages_for(actor=merchant, case=w.review)) == [private, public]
    everyone = case_messages_for(actor=_actor(w, "arbitrator"), case=w.review)
    assert list(everyone) == [private, public]
    assert [m["id"] for m in w.api("consumer_a").get(_path(w)).json()] == [str(public.public_id)]
    # and the consumer cannot fetch the private message's photo even knowing its id
    photo = private.photos.get()
    with pytest.raises(NotFound):
        evidence_get_for(actor=consumer, number=w.review.number, public_id=photo.public_id)
    assert evidence_get_for(actor=merchant, number=w.review.number, public_id=photo.public_id)
    # and only the merchant's people were told of the private one
    told = Notification.objects.filter(kind="message").order_by("pk")
    first = {n.recipient.username for n in told if "进货凭证" in n.body}
    assert first == {"m1-staff", "m1-admin"}


def test_a_platform_message_to_the_consumer_only_is_hidden_from_the_merchant(w: World) -> None:
    message = case_message_post(
        actor=_actor(w, "admin"), case=w.review, body="您好，请补充照片。", visible_to="consumer"
    )
    assert list(case_messages_for(actor=_actor(w, "m1_admin"), case=w.review)) == []
    assert w.api("m1_token").get(_path(w)).json() == []
    assert list(case_messages_for(actor=_actor(w, "consumer_a"), case=w.review)) == [message]
    (note,) = Notification.objects.filter(kind="message")
    assert note.recipient == w.users["consumer_a"]


@pytest.mark.parametrize("role", ["consumer_a", "m1_staff", "m1_token"])
def test_the_parties_always_write_to_both_sides(w: World, role: str) -> None:
    before = snapshot()
    response = post_message(w.api(role), _path(w), "只给商家看", visible_to="merchant")
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"visible_to"}
    assert snapshot() == before


def test_inspectors_and_the_system_write_no_messages(w: World) -> None:
    inspector = f.user("inspector", Role.QUALITY_INSPECTOR)
    for actor in (actor_for_user(inspector), SYSTEM):
        with pytest.raises(Forbidden):
            case_message_post(actor=actor, case=w.review, body="hello")
    assert CaseMessage.unscoped.count() == 0


@pytest.mark.parametrize(
    ("body", "photos", "field"),
    [
        ("", 0, "body"),
        ("   ", 0, "body"),
        ("x" * 2001, 0, "body"),
        ("ten photos", 10, "photos"),
    ],
)
def test_bad_messages_are_refused_with_the_field_at_fault(
    w: World, body: str, photos: int, field: str
) -> None:
    before = snapshot()
    response = post_message(
        w.api("consumer_a"), _path(w), body, tuple(png_bytes() for _ in range(photos))
    )
    assert response.status_code == 422, response.content
    assert set(response.json()["error"]["fields"]) == {field}
    assert snapshot() == before


def test_a_message_with_a_file_that_is_no_photo_stores_nothing(w: World) -> None:
    before = snapshot()
    response = post_message(w.api("consumer_a"), _path(w), "看图", (png_bytes(), b"%PDF-1.4"))
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"photos"}
    assert snapshot() == before


def test_a_photo_only_message_and_a_message_of_2000_characters_are_fine(w: World) -> None:
    consumer = w.api("consumer_a")
    assert post_message(consumer, _path(w), "", (png_bytes(),)).status_code == 201
    assert post_message(consumer, _path(w), "好" * 2000).status_code == 201


def test_a_merchant_webhook_hears_of_messages_it_may_read_without_their_text(w: World) -> None:
    WebhookEndpoint.objects.create(merchant=w.m1, url="http://a.test/", events=["case.message"])
    case_message_post(actor=_actor(w, "consumer_a"), case=w.review, body="私人电话 13800000000")
    case_message_post(
        actor=_actor(w, "agent"), case=w.review, body="给消费者", visible_to="consumer"
    )
    (hook,) = OutboxMessage.objects.filter(event="case.message", endpoint__isnull=False)
    assert hook.payload["case_number"] == w.review.number
    assert hook.payload["party"] == "consumer"
    assert "13800000000" not in str(hook.payload)


def test_listing_messages_costs_the_same_for_one_or_many(
    w: World, django_assert_max_num_queries: Any
) -> None:
    consumer = _actor(w, "consumer_a")
    case_message_post(actor=consumer, case=w.review, body="1", photos=[png_bytes()])
    api = w.api("consumer_a")
    with django_assert_max_num_queries(12) as one:
        assert len(api.get(_path(w)).json()) == 1
    for i in range(5):
        case_message_post(actor=consumer, case=w.review, body=str(i), photos=[png_bytes()])
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(api.get(_path(w)).json()) == 6


# --- photo limits per purpose ---------------------------------------------------------------------


def test_request_photos_are_counted_per_side_and_message_photos_not_at_all(w: World) -> None:
    consumer, merchant = _actor(w, "consumer_a"), _actor(w, "m1_staff")
    for i in range(services.EVIDENCE_PER_CASE):
        evidence_add(actor=consumer, case=w.review, stream=png_bytes(color=(i, 1, 1)))
    with pytest.raises(ValidationFailed) as refused:
        evidence_add(actor=consumer, case=w.review, stream=png_bytes())
    assert refused.value.code == "evidence.quota"
    # the consumer's nine leave the merchant its own room, and messages have theirs
    merchant_photo = evidence_add(actor=merchant, case=w.review, stream=png_bytes())
    assert merchant_photo.party == "merchant" and merchant_photo.purpose == "request"
    case_message_post(actor=consumer, case=w.review, body="再补一张", photos=[png_bytes()])
    assert Evidence.objects.filter(case=w.review, purpose="request").count() == 10


def test_dispute_evidence_has_its_own_limit(w: World, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "DISPUTE_EVIDENCE_PER_CASE", 2)
    consumer = _actor(w, "consumer_a")
    for _ in range(2):
        photo = evidence_add(actor=consumer, case=w.review, stream=png_bytes(), purpose="dispute")
        assert photo.purpose == "dispute" and photo.message is None
    with pytest.raises(ValidationFailed) as refused:
        evidence_add(actor=consumer, case=w.review, stream=png_bytes(), purpose="dispute")
    assert "2" in str(refused.value.message)
    # request photos still have their room
    evidence_add(actor=consumer, case=w.review, stream=png_bytes())


def test_an_unknown_purpose_is_refused_and_only_a_messages_author_adds_to_it(w: World) -> None:
    consumer = _actor(w, "consumer_a")
    with pytest.raises(ValidationFailed) as refused:
        evidence_add(actor=consumer, case=w.review, stream=png_bytes(), purpose="selfie")
    assert set(refused.value.fields) == {"purpose"}
    message = case_message_post(actor=consumer, case=w.review, body="图")
    added = evidence_add(
        actor=consumer, case=w.review, stream=png_bytes(), purpose="message", message=message
    )
    assert added.message == message
    with pytest.raises(NotFound):
        evidence_add(
            actor=_actor(w, "m1_staff"),
            case=w.review,
            stream=png_bytes(),
            purpose="message",
            message=message,
        )
