"""End to end through /api/v1/assistant in both languages: where is my parcel, a return opened
by chat with the right amount, a policy question past the window with the real rule and date,
and a hand-off ticket with the transcript."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anxin.assistant.models import Conversation
from anxin.cases.models import Case
from anxin.cases.tests.builders import SHANGHAI, png_bytes, world
from anxin.core import clock
from anxin.tickets.models import Ticket

from .chat import Chat

pytestmark = pytest.mark.django_db

SAY = {
    "en": {
        "parcel": "hi, where is my parcel?",
        "return": "I want to return the t-shirt from order {order}, changed my mind",
        "one": "1",
        "yes": "yes please",
        "policy": "can I still return order {order}? what are the rules",
        "human": "I want to talk to a real person",
    },
    "zh-hans": {
        "parcel": "你好 我的快递到哪了",
        "return": "订单{order}的T恤我想退货，不想要了",
        "one": "1件",
        "yes": "确认",
        "policy": "订单{order}现在还能退货吗？规则是什么",
        "human": "转人工",
    },
}


@pytest.fixture
def shop():
    return world()


def chat_as(shop, lang: str) -> Chat:
    return Chat(shop.api("consumer_a", lang=lang), lang).start()


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_where_is_my_parcel(shop, lang):
    chat = chat_as(shop, lang)
    chat.say(SAY[lang]["parcel"])
    assert chat.last["understood"]["intent"] == "order_status"
    assert any(b["choice"] == f"order:{shop.order_a.number}" for b in chat.buttons)
    chat.press(f"order:{shop.order_a.number}")
    assert "SF-E-A1" in chat.text
    assert "2026-11-03" in chat.text  # signed for (delivery facts of the order)
    assert f"/my/orders/{shop.order_a.public_id}/" in chat.links


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_a_return_opened_by_chat(shop, lang):
    before = set(Case.objects.values_list("number", flat=True))
    chat = chat_as(shop, lang)
    chat.say(SAY[lang]["return"].format(order=shop.order_a.number))
    assert chat.last["understood"]["intent"] == "return_request"
    assert chat.last["understood"]["slots"]["reason"] == "no_reason/changed_mind"
    # three of the five units are in requests already: which quantity of the two left?
    assert {b["choice"] for b in chat.buttons} == {"qty:1", "qty:2"}
    chat.say(SAY[lang]["one"])
    assert "100.00" in chat.text  # the refund the rules allow, shown before confirming
    assert any(b["choice"] == "confirm:yes" for b in chat.buttons)
    chat.say(SAY[lang]["yes"])
    (number,) = set(Case.objects.values_list("number", flat=True)) - before
    case = Case.objects.get(number=number)
    assert (case.type, case.quantity, case.refund_amount) == ("return_refund", 1, Decimal("100.00"))
    assert case.reason.code == "no_reason/changed_mind"
    assert number in chat.text
    assert f"/my/requests/{number}/" in chat.links
    assert f"/my/requests/{number}/label.pdf" in chat.links


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_policy_question_past_the_window(shop, lang):
    clock.freeze(datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI))
    chat = chat_as(shop, lang)
    chat.say(SAY[lang]["policy"].format(order=shop.order_a.number))
    assert chat.last["understood"]["intent"] == "policy_question"
    assert "2026-11-10" in chat.text  # the 7-day no-reason window of this order ended then
    assert "R-3" in chat.text
    assert any(url.startswith("/help/a/") for url in chat.links)


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_asking_for_a_person_opens_a_ticket_with_the_transcript(shop, lang):
    chat = chat_as(shop, lang)
    chat.say(SAY[lang]["parcel"])
    chat.say(SAY[lang]["human"])
    assert chat.last["understood"]["intent"] == "human_agent"
    ticket = Ticket.objects.get(number=chat.last["ticket"])
    assert ticket.channel == "assistant"
    assert ticket.requester_id == shop.users["consumer_a"].pk
    body = ticket.messages.get().body
    assert SAY[lang]["parcel"] in body and SAY[lang]["human"] in body
    assert "human_agent" in body
    assert ticket.number in chat.text
    queue = "queue" if lang == "en" else "排队"
    assert queue in chat.text or ("agent" if lang == "en" else "客服") in chat.text
    conversation = Conversation.objects.get(public_id=chat.id)
    assert conversation.status == "handed_off" and conversation.handoff_reason == "asked"
    # what the customer writes next goes to the ticket
    chat.say("still there?")
    assert ticket.messages.count() == 2


def test_a_quality_refund_with_a_photo_sent_in_the_chat(shop, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    chat = chat_as(shop, "zh-hans")
    chat.say(f"订单{shop.order_a.number}的T恤质量问题 破了个洞 我要退款")
    assert chat.last["understood"]["intent"] == "refund_request"
    assert chat.last["understood"]["slots"]["reason"] == "quality/defect"
    chat.say("1件")
    assert "📎" in chat.text  # the assistant asks for photos before confirming
    upload = SimpleUploadedFile("hole.png", png_bytes(), content_type="image/png")
    response = chat.api.client.post(
        f"/api/v1/assistant/sessions/{chat.id}/photos",
        {"file": upload},
        headers={"Accept-Language": "zh-hans"},
    )
    assert response.status_code == 201 and response.json() == {"waiting": 1}
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    refused = chat.api.client.post(f"/api/v1/assistant/sessions/{chat.id}/photos", {"file": bad})
    assert refused.status_code == 422 and "file" in refused.json()["error"]["fields"]
    chat.say("确认")
    case = Case.objects.get(number=re.search(r"AS\d{14}", chat.text).group(0))
    assert case.type == "refund_only"
    assert case.reason.code == "quality/defect" and case.evidence.count() == 1
    assert case.number in chat.text
