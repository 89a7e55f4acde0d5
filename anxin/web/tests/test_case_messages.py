"""The message thread (留言) on the three case pages, and the merchant's rejection of a no-reason
return for the item's condition with its photos, as the consumer then sees it."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from anxin.cases.models import CaseMessage, Evidence
from anxin.cases.services import case_message_post
from anxin.catalog.tests import factories as f
from anxin.core.actors import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    return shared_world


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def png(name: str = "p.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 90, 0)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


PAGES = {
    "consumer": "/my/requests/{}/",
    "merchant": "/shop/cases/{}/",
    "console": "/console/cases/{}/",
}


def page(portal: str, case) -> str:
    return PAGES[portal].format(case.number)


def test_a_consumer_writes_with_a_photo_and_the_merchant_reads_it(world, as_user):
    # when the consumer posts from the case page
    consumer = as_user(world.consumer)
    response = consumer.post(
        f"{page('consumer', world.case)}messages/", {"body": "还没拆吊牌", "photos": [png()]}
    )
    # then back to the thread, where it reads as mine
    assert response.status_code == 302
    assert response["Location"] == f"{page('consumer', world.case)}#messages"
    body = consumer.get(page("consumer", world.case)).content.decode()
    assert "还没拆吊牌" in body and "Message sent." in body
    assert "<strong>You</strong>" in body
    # and the merchant reads it as the consumer's, with the photo through its own evidence view
    merchant_body = as_user(world.merchant).get(page("merchant", world.case)).content.decode()
    photo = Evidence.objects.get(message__isnull=False)
    assert "还没拆吊牌" in merchant_body and "<strong>Consumer</strong>" in merchant_body
    assert f"/shop/cases/{world.case.number}/evidence/{photo.public_id}/" in merchant_body
    # the message photo is not one of the request's photos
    assert "The consumer attached no photos." in merchant_body
    # the parties choose no audience; the console does
    assert 'name="visible_to"' not in merchant_body
    assert (
        'name="visible_to"'
        in as_user(world.agent).get(page("console", world.case)).content.decode()
    )


def test_a_platform_message_to_the_merchant_only_never_reaches_the_consumer(world, as_user):
    agent = as_user(world.agent)
    response = agent.post(
        f"{page('console', world.case)}messages/",
        {"body": "请上传进货凭证", "visible_to": "merchant", "photos": [png()]},
    )
    assert response.status_code == 302
    photo = Evidence.objects.get(message__isnull=False)
    consumer = as_user(world.consumer)
    assert "请上传进货凭证" not in consumer.get(page("consumer", world.case)).content.decode()
    assert (
        consumer.get(f"/my/requests/{world.case.number}/photos/{photo.public_id}/").status_code
        == 404
    )
    merchant_body = as_user(world.merchant).get(page("merchant", world.case)).content.decode()
    assert "请上传进货凭证" in merchant_body and "The merchant only" in merchant_body
    agent_body = agent.get(page("console", world.case)).content.decode()
    assert "<strong>You</strong>" in agent_body


def test_a_refused_message_shows_the_page_again_with_the_error(world, as_user):
    response = as_user(world.merchant).post(
        f"{page('merchant', world.case)}messages/", {"body": " "}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="message-body-error"' in body and "Write a message or attach a photo." in body
    assert CaseMessage.unscoped.count() == 0


def test_who_may_not_write_is_refused(world, as_user):
    inspector = f.user("inspector", Role.QUALITY_INSPECTOR)
    client = as_user(inspector)
    assert 'class="message-form"' not in client.get(page("console", world.case)).content.decode()
    assert client.post(f"{page('console', world.case)}messages/", {"body": "x"}).status_code == 403
    stranger = as_user(f.user("stranger", Role.CONSUMER))
    assert (
        stranger.post(f"{page('consumer', world.case)}messages/", {"body": "x"}).status_code == 404
    )
    assert CaseMessage.unscoped.count() == 0


def test_the_thread_reads_in_chinese(world, as_user):
    case_message_post(actor=world.actor(world.merchant), case=world.case, body="您好")
    body = as_user(world.consumer, "zh-hans").get(page("consumer", world.case)).content.decode()
    assert "<strong>商家</strong>" in body


# --- rejecting a no-reason return for the item's condition ----------------------------------------


def _reject(client, case, **fields):
    case.refresh_from_db()
    data = {"action": "reject", "version": case.state_version, "reason": "吊牌已拆除", **fields}
    return client.post(f"{page('merchant', case)}act/", data)


def test_the_merchant_rejects_for_the_tags_with_photos_and_the_consumer_sees_them(world, as_user):
    merchant = as_user(world.merchant)
    # without a photo the rejection for the condition is refused, with the reason in the form
    refused = _reject(merchant, world.case, condition="tags_removed")
    assert refused.status_code == 422
    assert 'id="evidence-error"' in refused.content.decode()
    # with photos in the same submit it stands
    response = _reject(merchant, world.case, condition="tags_removed", photos=[png("tag.png")])
    assert response.status_code == 302, response.content.decode()[:500]
    world.case.refresh_from_db()
    assert world.case.status == "rejected"
    photo = Evidence.objects.get(case=world.case)
    assert (photo.party, photo.purpose) == ("merchant", "request")
    # the consumer sees the shop's finding and its photo, as the shop's
    body = as_user(world.consumer).get(page("consumer", world.case)).content.decode()
    assert "The shop&#x27;s evidence" in body or "The shop's evidence" in body
    assert "Tags removed" in body
    assert f"/my/requests/{world.case.number}/photos/{photo.public_id}/" in body
