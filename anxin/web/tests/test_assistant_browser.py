"""The assistant chat widget in a real Chromium, on a phone and a desktop: open it, ask where
the parcel is, press an order button, and check that markup typed by the customer is shown as
text, never run. Screenshots go to var/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from anxin.assistant.models import Photo
from anxin.assistant.nlu.understand import model_reset
from anxin.assistant.tests.conftest import trained_model
from anxin.cases.tests.builders import png_bytes

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ASK = {"en": "hi, where is my parcel?", "zh-hans": "你好，我的快递到哪了"}
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture(autouse=True)
def _model(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    model_reset(trained_model())
    yield
    model_reset()


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_chat_widget(world, open_session, language, phone):
    session = open_session(language, phone=phone)
    page = session.login("consumer")
    page.goto("/my/")
    page.locator(".chat-launcher").click()
    log = page.locator(".chat-log")
    expect(log.locator(".from-bot")).to_have_count(1)
    page.locator("#chat-input").fill(ASK[language])
    page.locator("#chat-input").press("Enter")
    expect(log.locator(".from-bot")).to_have_count(2)
    order_button = log.locator(".chat-choice", has_text=world.order.number)
    expect(order_button).to_be_visible()
    assert page.evaluate(NO_OVERFLOW)
    session.shot("assistant-widget-" + ("phone" if phone else "desktop"))
    order_button.click()
    expect(log.locator(".from-bot").last).to_contain_text(f"SF-{world.order.external_id}")
    expect(log.locator(".from-bot").last.locator("a")).to_have_attribute(
        "href", f"/my/orders/{world.order.public_id}/"
    )
    # what the customer types is text: no element is made of it
    page.locator("#chat-input").fill("<img src=x onerror=\"document.title='pwned'\"><b>bold</b>")
    answered = log.locator(".from-bot").count()
    page.locator(".chat-send").click()
    expect(log.locator(".from-user").last).to_contain_text("<img src=x")
    expect(log.locator(".from-bot")).to_have_count(answered + 1)  # answered: nothing in flight
    assert log.locator("img").count() == 0 and log.locator("b").count() == 0
    assert page.title() != "pwned"
    # a photo goes up with the paper-clip button
    page.locator(".chat-photo").set_input_files(
        files=[{"name": "hole.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    expect(log.locator(".from-user").last).to_contain_text("hole.png")
    assert Photo.objects.count() == 1
    assert session.console_errors == []
